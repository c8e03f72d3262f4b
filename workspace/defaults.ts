// The defaults a Workspace gets, written into it so the object records what was resolved: a
// second expansion finds everything decided and changes nothing (the webhook may be called again;
// Argo CD compares rendered with live), and a catalog change never silently re-sizes a Workspace.
import { ANNOTATION_RUNTIME } from "./api/well-known.js";
import type { PresetSpec, Workspace } from "./api/types.js";
import { canonicalWorkspace } from "./canonical.js";
import type { Plan } from "./plan.js";

export const DEFAULT_ADAPTER_STRENGTH = "1.0";

export function applyDefaults(ws: Workspace, plan: Plan): Workspace {
  const out: Workspace = structuredClone(ws);
  out.metadata.namespace = plan.namespace;
  if (plan.runtime && plan.mode === "inference") {
    out.metadata.annotations = { ...out.metadata.annotations, [ANNOTATION_RUNTIME]: plan.runtime };
  }
  if (out.resource) {
    out.resource.count = plan.nodeCount;
    if (plan.instanceTypeName !== undefined && !out.resource.instanceType) out.resource.instanceType = plan.instanceTypeName;
  }
  if (out.inference?.preset) out.inference.preset = withAccessMode(out.inference.preset);
  if (out.tuning?.preset) out.tuning.preset = withAccessMode(out.tuning.preset);
  for (const adapter of out.inference?.adapters ?? []) adapter.strength ??= DEFAULT_ADAPTER_STRENGTH;
  return canonicalWorkspace(out, plan.version);
}

const withAccessMode = (preset: PresetSpec): PresetSpec => ({ ...preset, accessMode: preset.accessMode ?? "public" });
