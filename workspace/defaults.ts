// The defaults a Workspace gets, written into it so the object records what was resolved: a
// second expansion finds everything decided and changes nothing (the webhook may be called again;
// Argo CD compares rendered with live), and a catalog update never silently re-sizes a Workspace.
import { ANNOTATION_RUNTIME } from "./api/well-known.js";
import type { PresetSpec, Workspace } from "./api/types.js";
import { canonicalWorkspace } from "./canonical.js";
import type { Plan } from "./plan.js";

export const DEFAULT_ADAPTER_STRENGTH = "1.0";

/**
 * The input is not touched: only the objects on the paths that change are copied here, and
 * canonicalWorkspace copies the rest as it orders the keys (cheaper than a deep clone first; the
 * webhook runs this for every review).
 */
export function applyDefaults(ws: Workspace, plan: Plan): Workspace {
  const annotations =
    plan.runtime && plan.mode === "inference" ? { ...ws.metadata.annotations, [ANNOTATION_RUNTIME]: plan.runtime } : ws.metadata.annotations;
  const out: Workspace = {
    ...ws,
    metadata: { ...ws.metadata, namespace: plan.namespace, ...(annotations ? { annotations } : {}) },
  };
  if (ws.resource) {
    const instanceType = ws.resource.instanceType || plan.instanceTypeName;
    out.resource = { ...ws.resource, count: plan.nodeCount, ...(instanceType ? { instanceType } : {}) };
  }
  if (ws.inference) {
    const { preset, adapters } = ws.inference;
    out.inference = {
      ...ws.inference,
      ...(preset ? { preset: withAccessMode(preset) } : {}),
      ...(adapters ? { adapters: adapters.map((a) => ({ ...a, strength: a.strength ?? DEFAULT_ADAPTER_STRENGTH })) } : {}),
    };
  }
  if (ws.tuning?.preset) out.tuning = { ...ws.tuning, preset: withAccessMode(ws.tuning.preset) };
  return canonicalWorkspace(out, plan.version);
}

const withAccessMode = (preset: PresetSpec): PresetSpec => ({ ...preset, accessMode: preset.accessMode ?? "public" });
