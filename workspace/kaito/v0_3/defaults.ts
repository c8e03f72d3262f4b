// What the API server does to a Workspace under KAITO v0.3.2's CRD before KAITO sees it: fields
// the v0.3.2 schema does not know are pruned, and the CRD's structural defaults are applied. Plus
// the controller settings of a default v0.3.2 install (Helm chart values) that the children show.
import type { Workspace } from "../../api/types.js";

/** The CRD's defaults (charts/kaito/workspace/crds/kaito.sh_workspaces.yaml at v0.3.2). */
export const CRD_DEFAULTS_V03 = {
  count: 1,
  instanceType: "Standard_NC12s_v3",
  accessMode: "public",
} as const;

/** Controller settings of a default v0.3.2 install. */
export const INSTALL_V03 = {
  /** PRESET_REGISTRY_NAME */
  presetRegistry: "mcr.microsoft.com/aks/kaito",
  /** The Helm release (and its namespace) holding the tuning templates. */
  releaseName: "kaito-workspace",
  releaseNamespace: "kaito-workspace",
} as const;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A copy without `keys` (the fields v0.3.2's schema does not have). */
function without(value: unknown, keys: readonly string[]): Json | undefined {
  if (!isRecord(value)) return undefined;
  const out = { ...value };
  for (const k of keys) delete out[k];
  return out;
}

function presetWithDefaults(preset: unknown): Json | undefined {
  if (!isRecord(preset)) return undefined;
  const options = without(preset.presetOptions, ["modelAccessSecret"]);
  return {
    ...preset,
    accessMode: preset.accessMode ?? CRD_DEFAULTS_V03.accessMode,
    ...(options ? { presetOptions: options } : {}),
  };
}

/**
 * The Workspace as KAITO v0.3.2 stores it. v0.3.2 has no `resource.partition`,
 * `inference.config` nor `presetOptions.modelAccessSecret`: the API server prunes them.
 */
export function storedWorkspaceV03(ws: Workspace): Workspace {
  const source = ws as unknown as Json;
  const resource = without(source.resource, ["partition"]);
  // Defaults apply inside an object that is there: without `resource`, there is no count either.
  const stored: Json = resource
    ? { ...source, resource: { ...resource, count: resource.count ?? CRD_DEFAULTS_V03.count, instanceType: resource.instanceType ?? CRD_DEFAULTS_V03.instanceType } }
    : { ...source };
  const inference = without(source.inference, ["config"]);
  if (inference) {
    const preset = presetWithDefaults(inference.preset);
    stored.inference = { ...inference, ...(preset ? { preset } : {}) };
  }
  if (isRecord(source.tuning)) {
    const preset = presetWithDefaults(source.tuning.preset);
    stored.tuning = { ...source.tuning, ...(preset ? { preset } : {}) };
  }
  return stored as unknown as Workspace;
}
