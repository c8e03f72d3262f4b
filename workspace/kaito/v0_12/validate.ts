// KAITO v0.12.0's admission verdict for a new Workspace (api/v1beta1/workspace_validation.go and
// inference_config_validation.go), in our own words with field paths. A v1alpha1 Workspace is
// judged as the v1beta1 object the API server stores (KAITO's v1alpha1 webhook crashes on most
// of them, a KAITO bug we do not copy). Tuning-specific checks live with the tuning generator.
import type { AdapterSpec, Workspace } from "../../api/types.js";
import type { FieldPath } from "../../source/yaml.js";
import { didYouMean } from "../../text/nearest.js";
import { error, warning } from "../../violation.js";
import type { Violation } from "../../violation.js";
import type { KaitoContext } from "../types.js";
import { configMapData, hasHfToken, nodesMatching } from "./cluster.js";
import type { GpuConfig } from "./gpu/config.js";
import { gpuConfigBySku, gpuConfigFromNode, supportedSkus } from "./gpu/config.js";
import { unknownSkuAdvice } from "./gpu/unknown-sku.js";
import { migGpuConfig, validateMigProfile } from "./gpu/mig.js";
import { INFERENCE_CONFIG_KEY, vllmSection } from "./inference-config.js";
import { isDeprecatedPreset, isValidPresetName, nearestPresets, resolveModel } from "./models/resolve.js";
import type { Resolution } from "./models/resolve.js";
import { GIB, quantityValue } from "./quantity.js";
import {
  ANNOTATION_BYPASS_RESOURCE_CHECKS,
  ANNOTATION_NODE_IMAGE_FAMILY,
  ANNOTATION_PERFORMANCE_MODE,
  ANNOTATION_USE_LOCAL_WEIGHTS,
  NODE_IMAGE_FAMILIES,
  PERFORMANCE_MODES,
  nodeAutoProvisioning,
  runtimeOf,
  sanitizedMatchLabels,
  selectorMapError,
} from "./workspace.js";

export const MAX_ADAPTERS = 10;

const annotationPath = (key: string): FieldPath => ["metadata", "annotations", key];

/** The model a Workspace's inference preset names, resolved the way KAITO's webhook does. */
export function resolveInferenceModel(ws: Workspace, ctx: KaitoContext): Resolution | undefined {
  const preset = ws.inference?.preset;
  if (!preset) return undefined;
  const secret = preset.presetOptions?.modelAccessSecret;
  return resolveModel(preset.name, ctx.models, { hasToken: hasHfToken(ctx.cluster, ws.metadata.namespace ?? "default", secret) });
}

/** Checks every new Workspace gets, inference or tuning: the spec's shape, the instance type's presence, annotations. */
export function validateCommon(ws: Workspace, ctx: KaitoContext): Violation[] {
  const out: Violation[] = [];
  if (!ws.inference && !ws.tuning) out.push(error("kaito.spec", [], "set either inference or tuning; the Workspace has neither"));
  if (ws.inference && ws.tuning) out.push(error("kaito.spec", [], "set either inference or tuning, not both"));
  const instanceType = ws.resource?.instanceType ?? "";
  if (!nodeAutoProvisioning(ctx.settings) && instanceType !== "") {
    out.push(error("kaito.instanceType", ["resource", "instanceType"], "must be empty: the cluster brings its own GPU nodes (node auto-provisioning is off)"));
  }
  if (nodeAutoProvisioning(ctx.settings) && instanceType === "") {
    out.push(error("kaito.instanceType", ["resource", "instanceType"], "required: KAITO provisions the GPU nodes and needs the instance type to ask for"));
  }
  const annotations = ws.metadata.annotations ?? {};
  const family = annotations[ANNOTATION_NODE_IMAGE_FAMILY];
  if (family !== undefined && !(NODE_IMAGE_FAMILIES as readonly string[]).includes(family.trim().toLowerCase())) {
    out.push(error("kaito.annotation", annotationPath(ANNOTATION_NODE_IMAGE_FAMILY), `unsupported node image family ${JSON.stringify(family.slice(0, 64))}; use one of azurelinux, ubuntu`));
  }
  const mode = annotations[ANNOTATION_PERFORMANCE_MODE];
  if (mode !== undefined && !(PERFORMANCE_MODES as readonly string[]).includes(mode)) {
    out.push(error("kaito.annotation", annotationPath(ANNOTATION_PERFORMANCE_MODE), `${JSON.stringify(mode.slice(0, 64))} is not a performance mode; use one of ${PERFORMANCE_MODES.join(", ")}`));
  }
  const local = annotations[ANNOTATION_USE_LOCAL_WEIGHTS];
  if (local !== undefined && local !== "true" && local !== "false") {
    out.push(error("kaito.annotation", annotationPath(ANNOTATION_USE_LOCAL_WEIGHTS), `must be "true" or "false", got ${JSON.stringify(local.slice(0, 64))}`));
  }
  return out;
}

/** The GPU facts the webhook checks fit against: the instance type's, or the BYO nodes'. */
type GpuFacts = { gpu?: GpuConfig; machines: number };

function validateResource(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): Violation[] {
  const out: Violation[] = [];
  const resource = ws.resource;
  const preset = ws.inference?.preset;
  if (preset && !isValidPresetName(preset.name)) {
    if (isDeprecatedPreset(preset.name)) {
      out.push(error("kaito.preset", ["inference", "preset", "name"], `${preset.name.toLowerCase()} is deprecated: KAITO no longer supports this preset`));
    }
    return out;
  }
  const selectorProblem = selectorMapError(resource?.labelSelector);
  if (selectorProblem) return [error("kaito.labelSelector", ["resource", "labelSelector"], selectorProblem)];
  const matchLabels = resource?.labelSelector?.matchLabels ?? {};
  if (Object.keys(matchLabels).length > 0 && sanitizedMatchLabels(resource?.labelSelector) === undefined) {
    return [error("kaito.labelSelector", ["resource", "labelSelector", "matchLabels"], "needs at least one label KAITO does not reserve (kaito.sh/workspace and its kin are KAITO's own)")];
  }
  const bypass = ws.metadata.annotations?.[ANNOTATION_BYPASS_RESOURCE_CHECKS] !== undefined;
  const partition = resource?.partition;
  const facts: GpuFacts = { machines: 1 };
  if (!nodeAutoProvisioning(ctx.settings)) {
    if (partition) {
      const problem = validatePartition(ws, ctx);
      if (problem.length > 0) return problem;
      if (partition.mode === "mig" && preset) out.push(...validateMigFit(ws, model, bypass));
      return out;
    }
    if (preset) {
      const nodes = nodesMatching(ctx.cluster, sanitizedMatchLabels(resource?.labelSelector) ?? []);
      if (nodes.length === 0) return [error("kaito.byo", ["resource", "labelSelector"], "no Node in the cluster carries these labels; bring-your-own GPU nodes must exist before the Workspace")];
      for (const node of nodes) {
        const gpu = gpuConfigFromNode(node);
        if (typeof gpu === "string") return [error("kaito.byo", ["resource", "labelSelector"], `cannot read the GPUs of a selected node: ${gpu}`)];
        if (facts.gpu) {
          const differs = gpu.gpuModel !== facts.gpu.gpuModel ? "GPU product" : gpu.gpuCount !== facts.gpu.gpuCount ? "GPU count" : gpu.gpuMemBytes !== facts.gpu.gpuMemBytes ? "GPU memory" : undefined;
          if (differs) return [error("kaito.byo", ["resource", "labelSelector"], `the selected nodes differ in ${differs} (node ${node.metadata.name ?? ""}); KAITO needs uniform nodes`)];
        } else facts.gpu = gpu;
      }
      facts.machines = nodes.length;
    }
  } else {
    if (partition) return [error("kaito.partition", ["resource", "partition"], "GPU partitioning needs bring-your-own nodes (nodeProvisioner: byo)")];
    facts.machines = resource?.count ?? 1;
    const instanceType = resource?.instanceType ?? "";
    facts.gpu = gpuConfigBySku(ctx.settings.cloudProvider, instanceType);
    // KAITO lets any Azure N- or D-series name through; its controller then finds no GPU facts.
    const lenient = ctx.settings.cloudProvider === "azure" && /^standard_[nd]/i.test(instanceType);
    if (!facts.gpu && !lenient) {
      const shown = JSON.stringify(instanceType.slice(0, 64));
      const near = didYouMean(instanceType.slice(0, 64), supportedSkus(ctx.settings.cloudProvider));
      out.push(error("kaito.instanceType", ["resource", "instanceType"], `unsupported instance type ${shown} on ${ctx.settings.cloudProvider}${near}; KAITO knows ${supportedSkus(ctx.settings.cloudProvider).sort().join(", ")}`));
    }
  }
  if (preset && facts.gpu && (!nodeAutoProvisioning(ctx.settings) || runtimeOf(ws, ctx.settings) !== "vllm")) {
    out.push(...validateFit(ws, ctx, model, facts.gpu, facts.machines, bypass));
  }
  return out;
}

function validateFit(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined, gpu: GpuConfig, machines: number, bypass: boolean): Violation[] {
  if (!model) return [];
  if (!model.ok) return [error("kaito.model", ["inference", "preset", "name"], model.reason)];
  const size = quantityValue(model.preset.modelFileSize);
  if (size === undefined) return [];
  const out: Violation[] = [];
  const total = BigInt(machines) * gpu.gpuMemBytes;
  const gib = (b: bigint) => `${(Number(b) / Number(GIB)).toFixed(2).replace(/\.?0+$/, "")}Gi`;
  if (total < size && !bypass) {
    out.push(error("kaito.gpuMemory", ["resource", "instanceType"], `not enough GPU memory: ${machines} node(s) give ${gib(total)} but ${model.preset.id} needs at least ${model.preset.modelFileSize} for its weights (annotation ${ANNOTATION_BYPASS_RESOURCE_CHECKS} skips this check)`));
  }
  if (size > gpu.gpuMemBytes && runtimeOf(ws, ctx.settings) === "transformers") {
    out.push(error("kaito.runtime", ["metadata", "annotations", "kaito.sh/runtime"], `${model.preset.id} needs more than one node here, and the transformers runtime cannot spread a model over nodes; use vLLM or a larger instance type`));
  }
  return out;
}

function validatePartition(ws: Workspace, ctx: KaitoContext): Violation[] {
  const partition = ws.resource?.partition;
  if (!partition) return [];
  const path: FieldPath = ["resource", "partition"];
  if (partition.mode === "mig") {
    if (ctx.settings.featureGates.enableMIG !== true) return [error("kaito.partition", path, "MIG partitions need the feature gate enableMIG=true")];
    if (partition.count !== undefined) return [error("kaito.partition", [...path, "count"], "count applies to accelerator partitions only")];
    const problem = validateMigProfile(partition.profile ?? "");
    return problem ? [error("kaito.partition", [...path, "profile"], problem)] : [];
  }
  if (partition.mode === "accelerator") {
    if (ctx.settings.featureGates.enableAccelerator !== true) return [error("kaito.partition", path, "accelerator partitions need the feature gate enableAccelerator=true")];
    const out: Violation[] = [];
    if (partition.profile) out.push(error("kaito.partition", [...path, "profile"], "profile applies to MIG partitions only"));
    if (partition.count === undefined) out.push(error("kaito.partition", [...path, "count"], "required for accelerator partitions: how many of the node's GPUs the Workspace gets"));
    return out;
  }
  return [error("kaito.partition", [...path, "mode"], `unsupported partition mode ${JSON.stringify(String(partition.mode))}; use mig or accelerator`)];
}

function validateMigFit(ws: Workspace, model: Resolution | undefined, bypass: boolean): Violation[] {
  const profile = ws.resource?.partition?.profile ?? "";
  const slice = migGpuConfig(profile);
  if (typeof slice === "string") return [error("kaito.partition", ["resource", "partition", "profile"], slice)];
  if (!model) return [];
  if (!model.ok) return [error("kaito.model", ["inference", "preset", "name"], model.reason)];
  const size = quantityValue(model.preset.modelFileSize);
  if (size === undefined || size <= slice.gpuMemBytes || bypass) return [];
  return [error("kaito.partition", ["resource", "partition"], `${model.preset.id} needs at least ${model.preset.modelFileSize} for its weights, more than the ${Number(slice.gpuMemBytes / GIB)}Gi of a ${profile} MIG slice`)];
}

function validateInferenceSpec(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): Violation[] {
  const inference = ws.inference;
  if (!inference) return [];
  const out: Violation[] = [];
  if (!inference.preset && !inference.template) out.push(error("kaito.inference", ["inference"], "set preset or template"));
  if (inference.preset && inference.template) out.push(error("kaito.inference", ["inference"], "preset and template cannot both be set"));
  const preset = inference.preset;
  const adapters = inference.adapters ?? [];
  if (preset) {
    if (!isValidPresetName(preset.name)) {
      return [...out, error("kaito.preset", ["inference", "preset", "name"], `unknown preset ${JSON.stringify(preset.name.slice(0, 128))}${nearestPresets(preset.name)}; use a Hugging Face id (org/name) or one of KAITO's preset names`)];
    }
    if (model && !model.ok) return [...out, error("kaito.model", ["inference", "preset", "name"], model.reason)];
    if (model?.ok) {
      const runtime = runtimeOf(ws, ctx.settings);
      if (runtime === "transformers" && !model.preset.transformersParams) {
        out.push(error("kaito.runtime", ["metadata", "annotations", "kaito.sh/runtime"], `${model.preset.name} cannot run on the transformers runtime in KAITO v0.12; use vLLM`));
      }
      if (runtime === "vllm") out.push(...vllmStrengthViolations(adapters));
      if (model.preset.gated && !preset.presetOptions?.modelAccessSecret) {
        out.push(error("kaito.modelAccessSecret", ["inference", "preset", "presetOptions", "modelAccessSecret"], `${model.preset.id} is gated: name a Secret with the key HF_TOKEN`));
      }
    }
  }
  out.push(...adapterListViolations(adapters));
  return out;
}

/** KAITO v0.12's rules for the adapter list, the same in v1alpha1 and v1beta1. */
export function adapterListViolations(adapters: readonly AdapterSpec[]): Violation[] {
  const out: Violation[] = [];
  if (adapters.length > MAX_ADAPTERS) out.push(error("kaito.adapters", ["inference", "adapters"], `at most ${MAX_ADAPTERS} adapters; got ${adapters.length}`));
  const seen = new Set<string>();
  adapters.forEach((a, i) => {
    const name = a.source?.name ?? "";
    if (seen.has(name)) out.push(error("kaito.adapters", ["inference", "adapters", i, "source", "name"], `duplicate adapter name ${JSON.stringify(name)}`));
    seen.add(name);
  });
  return out;
}

/** vLLM takes no adapter strength (KAITO v0.12 refuses one, in both API versions). */
export function vllmStrengthViolations(adapters: readonly AdapterSpec[]): Violation[] {
  const i = adapters.findIndex((a) => a.strength !== undefined);
  return i < 0 ? [] : [error("kaito.adapters", ["inference", "adapters", i, "strength"], "vLLM does not take an adapter strength; remove it or use the transformers runtime")];
}

export function validateInferenceConfig(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): Violation[] {
  const name = ws.inference?.config;
  if (!name || runtimeOf(ws, ctx.settings) !== "vllm") return [];
  const path: FieldPath = ["inference", "config"];
  const namespace = ws.metadata.namespace ?? "default";
  const data = configMapData(ctx.cluster, namespace, name);
  if (!data) return [error("kaito.config", path, `ConfigMap ${namespace}/${name} does not exist; KAITO reads the inference config from it`)];
  const text = data[INFERENCE_CONFIG_KEY];
  if (text === undefined) return [error("kaito.config", path, `ConfigMap ${namespace}/${name} has no key ${INFERENCE_CONFIG_KEY}`)];
  const vllm = vllmSection(text);
  if (typeof vllm === "string") return [error("kaito.config", path, `ConfigMap ${namespace}/${name}: ${INFERENCE_CONFIG_KEY} cannot be read: ${vllm}`)];
  const raw = vllm["max-model-len"];
  if (raw === undefined || raw.trim() === "" || !ws.inference?.preset || !model) return [];
  if (!model.ok) return [error("kaito.model", ["inference", "preset", "name"], model.reason)];
  const limit = model.preset.modelTokenLimit;
  if (limit <= 0) return [];
  const text2 = raw.trim();
  if (!/^[+-]?\d+$/.test(text2)) return [error("kaito.config", path, `max-model-len in ${namespace}/${name} must be a whole number, got ${JSON.stringify(text2.slice(0, 32))}`)];
  const value = Number.parseInt(text2, 10);
  if (value > limit) return [error("kaito.config", path, `max-model-len ${value} in ${namespace}/${name} exceeds the ${limit}-token context window of ${model.preset.id}`)];
  return [];
}

/** Every check KAITO's webhook makes of a new inference Workspace (after validateCommon). */
export function validateInference(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): Violation[] {
  return [...validateResource(ws, ctx, model), ...validateInferenceSpec(ws, ctx, model), ...validateInferenceConfig(ws, ctx, model)];
}

/**
 * Checks of ours beyond KAITO's create-time verdict (warnings, never a refusal): KAITO v0.12
 * checks adapters only when a Workspace is updated, so an adapter it admits today makes every
 * later update of the Workspace fail.
 */
export function adviseInference(ws: Workspace, ctx: KaitoContext): Violation[] {
  const out: Violation[] = [];
  const instanceType = ws.resource?.instanceType;
  if (instanceType && nodeAutoProvisioning(ctx.settings) && !gpuConfigBySku(ctx.settings.cloudProvider, instanceType)) {
    out.push(
      warning(
        "kaito.instanceType",
        ["resource", "instanceType"],
        unknownSkuAdvice(instanceType, ctx.settings.cloudProvider, "the inference workload"),
      ),
    );
  }
  (ws.inference?.adapters ?? []).forEach((a, i) => {
    const later = "KAITO admits it now but refuses any later update of this Workspace";
    if (a.strength !== undefined) {
      const value = Number(a.strength);
      if (a.strength.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
        out.push(warning("kaito.adapters", ["inference", "adapters", i, "strength"], `strength ${JSON.stringify(a.strength.slice(0, 32))} is not a number from 0 to 1; ${later}`));
      }
    }
    const source = a.source;
    if (source?.urls && source.urls.length > 0) out.push(warning("kaito.adapters", ["inference", "adapters", i, "source", "urls"], `adapters cannot come from URLs; ${later}`));
    if (source && !source.image && !source.volumeSource) out.push(warning("kaito.adapters", ["inference", "adapters", i, "source"], `set image or volumeSource; ${later}`));
  });
  return out;
}
