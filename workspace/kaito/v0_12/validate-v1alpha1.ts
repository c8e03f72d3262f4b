// KAITO v0.12.0's verdict on a new kaito.sh/v1alpha1 Workspace when its v1alpha1 webhook does not
// crash (the preset is a lower-case id the KAITO process already resolved, a template, or tuning).
// An older rule set than v1beta1's (api/v1alpha1/workspace_validation.go): no node-provisioning,
// annotation or gated-model checks, but the GPU memory fit is checked for every runtime.
import type { Workspace } from "../../api/types.js";
import { error } from "../../violation.js";
import type { Violation } from "../../violation.js";
import type { KaitoContext } from "../types.js";
import { gpuConfigBySku, supportedSkus } from "./gpu/config.js";
import type { Resolution } from "./models/resolve.js";
import { isDeprecatedPreset, isValidPresetName } from "./models/resolve.js";
import { GIB, quantityValue } from "./quantity.js";
import { ANNOTATION_BYPASS_RESOURCE_CHECKS, ANNOTATION_NODE_IMAGE_FAMILY, NODE_IMAGE_FAMILIES, runtimeOf, selectorMapError } from "./workspace.js";
import { adapterListViolations, vllmStrengthViolations } from "./validate.js";

/** The checks KAITO's v1alpha1 webhook makes before it looks at the preset (so also when it then crashes). */
export function validateCommonV1alpha1(ws: Workspace): Violation[] {
  const out: Violation[] = [];
  if (!ws.inference && !ws.tuning) out.push(error("kaito.spec", [], "set either inference or tuning; the Workspace has neither"));
  if (ws.inference && ws.tuning) out.push(error("kaito.spec", [], "set either inference or tuning, not both"));
  const family = ws.metadata.annotations?.[ANNOTATION_NODE_IMAGE_FAMILY];
  if (family !== undefined && !(NODE_IMAGE_FAMILIES as readonly string[]).includes(family.trim().toLowerCase())) {
    out.push(error("kaito.annotation", ["metadata", "annotations", ANNOTATION_NODE_IMAGE_FAMILY], `unsupported node image family ${JSON.stringify(family.slice(0, 64))}; use one of azurelinux, ubuntu`));
  }
  return out;
}

export function validateInferenceV1alpha1(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): Violation[] {
  const inference = ws.inference;
  if (!inference) return [];
  const out: Violation[] = [];
  const preset = inference.preset;
  if (preset && !isValidPresetName(preset.name)) {
    if (isDeprecatedPreset(preset.name)) return [error("kaito.preset", ["inference", "preset", "name"], `${preset.name.toLowerCase()} is deprecated: KAITO no longer supports this preset`)];
    return [error("kaito.preset", ["inference", "preset", "name"], `unsupported preset ${JSON.stringify(preset.name.slice(0, 128))}: use a Hugging Face id (org/name) or one of KAITO's legacy preset names`)];
  }
  if (preset && model && !model.ok) return [error("kaito.model", ["inference", "preset", "name"], model.reason)];
  const instanceType = ws.resource?.instanceType ?? "";
  const gpu = gpuConfigBySku(ctx.settings.cloudProvider, instanceType);
  if (gpu && model?.ok) {
    const size = quantityValue(model.preset.modelFileSize);
    const total = BigInt(ws.resource?.count ?? 1) * gpu.gpuMemBytes;
    const bypass = ws.metadata.annotations?.[ANNOTATION_BYPASS_RESOURCE_CHECKS] !== undefined;
    if (size !== undefined && total < size && !bypass) {
      out.push(error("kaito.gpuMemory", ["resource", "instanceType"], `not enough GPU memory: ${Number(total / GIB)}Gi on ${instanceType} for the ${model.preset.modelFileSize} of ${model.preset.id} (KAITO's v1alpha1 webhook checks this for every runtime)`));
    }
  } else if (!gpu && !(ctx.settings.cloudProvider === "azure" && /^standard_[nd]/i.test(instanceType))) {
    out.push(error("kaito.instanceType", ["resource", "instanceType"], `unsupported instance type ${JSON.stringify(instanceType.slice(0, 64))} on ${ctx.settings.cloudProvider}; supported: ${supportedSkus(ctx.settings.cloudProvider).sort().join(", ")}`));
  }
  const selectorProblem = selectorMapError(ws.resource?.labelSelector);
  if (selectorProblem) out.push(error("kaito.labelSelector", ["resource", "labelSelector"], selectorProblem));
  if (!preset && !inference.template) out.push(error("kaito.inference", ["inference"], "set preset or template"));
  if (preset && inference.template) out.push(error("kaito.inference", ["inference"], "preset and template cannot both be set"));
  const adapters = inference.adapters ?? [];
  if (model?.ok) {
    const runtime = runtimeOf(ws, ctx.settings);
    if (runtime === "transformers" && !model.preset.transformersParams) out.push(error("kaito.runtime", ["metadata", "annotations", "kaito.sh/runtime"], `${model.preset.name} cannot run on the transformers runtime in KAITO v0.12; use vLLM`));
    if (runtime === "vllm") out.push(...vllmStrengthViolations(adapters));
  }
  if (preset?.accessMode === "private" && !preset.presetOptions?.image) {
    out.push(error("kaito.preset", ["inference", "preset", "presetOptions", "image"], "accessMode private needs presetOptions.image"));
  }
  out.push(...adapterListViolations(adapters));
  return out;
}
