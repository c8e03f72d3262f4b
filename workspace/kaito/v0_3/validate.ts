// KAITO v0.3.2's admission verdict on a new Workspace (api/v1alpha1/workspace_validation.go and
// params_validation.go, Validate on create), on the stored (defaulted) object. Every refusal KAITO
// reports is reported here, in KAITO's order and close to its words; the field paths are ours.
// Where KAITO's webhook crashes instead (an unregistered inference preset), the API server refuses
// the Workspace all the same, because the webhook is registered with failurePolicy Fail.
import type { AdapterSpec, DataDestination, DataSource, LabelSelector, Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import type { FieldPath } from "../../source/yaml.js";
import { error } from "../../violation.js";
import type { Violation } from "../../violation.js";
import type { KaitoContext } from "../types.js";
import { INSTALL_V03 } from "./defaults.js";
import { presetV03 } from "./presets.js";
import { UNCHECKED_SKU_PREFIXES_V03, WEBHOOK_SKUS_V03 } from "./skus.js";
import { findConfigMap } from "./cluster.js";
import { TEMPLATE_NAMES_V03, trainingConfigProblems } from "./tuning-config.js";

const MAX_ADAPTERS = 10;
/** An image reference with a registry path and a tag, as KAITO v0.3.2 requires for data images. */
const FULL_IMAGE = /^(.+\/[^:/]+):([^:/]+)$/;

const RULE = "kaito.v0.3";
const refuse = (path: FieldPath, message: string): Violation => error(RULE, path, message);

/** Quantities as KAITO prints them: `16Gi`, and `0` for nothing. */
const gi = (n: number): string => (n === 0 ? "0" : `${n}Gi`);

export function validateV03(ws: Workspace, ctx: KaitoContext): Violation[] {
  const out: Violation[] = [];
  if (!ws.inference && !ws.tuning) out.push(refuse([], "Either Inference or Tuning must be specified, not neither"));
  if (ws.inference && ws.tuning) out.push(refuse([], "Either Inference or Tuning must be specified, but not both"));
  if (ws.inference) {
    const crash = unregisteredPreset(ws);
    if (crash) return [...out, crash];
    out.push(...resourceForInference(ws), ...inferenceProblems(ws));
  }
  if (ws.tuning) {
    // KAITO reads resource.count without checking it is there.
    if (!ws.resource) return [...out, refuse(["resource"], "a tuning Workspace needs resource (KAITO v0.3.2's webhook crashes without it)")];
    out.push(...tuningProblems(ws, ctx));
  }
  return out;
}

/** KAITO looks an inference preset up with a lookup that panics when the name is not registered. */
function unregisteredPreset(ws: Workspace): Violation | undefined {
  const name = ws.inference?.preset?.name;
  if (name === undefined || presetV03(name)) return undefined;
  return refuse(
    ["inference", "preset", "name"],
    `Unsupported inference preset name ${name.slice(0, 253)} (KAITO v0.3.2's webhook crashes on it, so the API server refuses the Workspace)`,
  );
}

function resourceForInference(ws: Workspace): Violation[] {
  const out: Violation[] = [];
  const instanceType = ws.resource?.instanceType ?? "";
  const count = ws.resource?.count ?? 1;
  const sku = WEBHOOK_SKUS_V03.get(instanceType);
  const at: FieldPath = ["resource", "instanceType"];
  if (sku) {
    const preset = ws.inference?.preset ? presetV03(ws.inference.preset.name.toLowerCase()) : undefined;
    if (preset) {
      const gpus = count * sku.gpuCount;
      const perGpu = Math.floor(sku.gpuMemGi / sku.gpuCount);
      const total = count * sku.gpuMemGi;
      if (gpus < preset.gpuCount) {
        out.push(refuse(at, `Insufficient number of GPUs: Instance type ${instanceType} provides ${gpus}, but preset ${preset.name} requires at least ${preset.gpuCount}`));
      }
      if (perGpu < preset.perGpuMemoryGi) {
        out.push(refuse(at, `Insufficient per GPU memory: Instance type ${instanceType} provides ${gi(perGpu)} per GPU, but preset ${preset.name} requires at least ${gi(preset.perGpuMemoryGi)} per GPU`));
      }
      if (total < preset.totalGpuMemoryGi) {
        out.push(refuse(at, `Insufficient total GPU memory: Instance type ${instanceType} has a total of ${gi(total)}, but preset ${preset.name} requires at least ${gi(preset.totalGpuMemoryGi)}`));
      }
    }
  } else if (!UNCHECKED_SKU_PREFIXES_V03.some((p) => instanceType.startsWith(p))) {
    const known = [...WEBHOOK_SKUS_V03.keys()].sort().join(", ");
    out.push(refuse(at, `Unsupported instance type ${instanceType.slice(0, 253)}. Supported SKUs: ${known}`));
  }
  const selectorProblem = labelSelectorProblem(ws.resource?.labelSelector);
  if (selectorProblem) out.push(refuse(["resource", "labelSelector"], selectorProblem));
  return out;
}

/** Why the selector cannot be a plain label map (KAITO's LabelSelectorAsMap), if it cannot. */
export function labelSelectorProblem(selector: LabelSelector | undefined): string | undefined {
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator !== "In") return `operator ${JSON.stringify(e.operator)} cannot be converted into the old label selector format`;
    if ((e.values ?? []).length !== 1) return `operator "In" without a single value cannot be converted into the old label selector format`;
  }
  return undefined;
}

function inferenceProblems(ws: Workspace): Violation[] {
  const out: Violation[] = [];
  const inference = ws.inference ?? {};
  if (!inference.preset && !inference.template) out.push(refuse(["inference"], "Preset or Template must be specified"));
  if (inference.preset && inference.template) out.push(refuse(["inference"], "Preset and Template cannot be set at the same time"));
  const preset = inference.preset;
  const registered = preset ? presetV03(preset.name) : undefined;
  if (preset && registered) {
    if (registered.imageAccessMode === "private" && preset.accessMode !== "private") {
      out.push(refuse(["inference", "preset", "accessMode"], "This preset only supports private AccessMode, AccessMode must be private to continue"));
    }
    if (preset.accessMode === "private" && !preset.presetOptions?.image) {
      out.push(refuse(["inference", "preset", "presetOptions", "image"], "When AccessMode is private, an image must be provided in PresetOptions"));
    }
  }
  const adapters = inference.adapters ?? [];
  if (adapters.length > MAX_ADAPTERS) out.push(refuse(["inference", "adapters"], `Number of Adapters exceeds the maximum limit, maximum of ${MAX_ADAPTERS} allowed`));
  out.push(...duplicateAdapterNames(adapters));
  return out;
}

function duplicateAdapterNames(adapters: readonly AdapterSpec[]): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  adapters.forEach((adapter, i) => {
    // KAITO reads source.name without checking source: a missing source crashes its webhook.
    if (!adapter.source) {
      out.push(refuse(["inference", "adapters", i, "source"], "an adapter needs a source (KAITO v0.3.2's webhook crashes without one)"));
      return;
    }
    const name = adapter.source.name ?? "";
    if (seen.has(name)) out.push(refuse(["inference", "adapters", i, "source", "name"], `Duplicate adapter source name found: ${name}`));
    seen.add(name);
  });
  return out;
}

function tuningProblems(ws: Workspace, ctx: KaitoContext): Violation[] {
  const out: Violation[] = [];
  const tuning = ws.tuning ?? {};
  if ((ws.resource?.count ?? 1) > 1) {
    out.push(refuse(["resource", "count"], "Tuning does not currently support multinode configurations. Please set the node count to 1. Future support with DeepSpeed will allow this."));
  }
  const method = String(tuning.method ?? "").toLowerCase();
  if (method !== "lora" && method !== "qlora") out.push(refuse(["tuning", "method"], `invalid value ${JSON.stringify(tuning.method ?? "")}: expected lora or qlora`));
  out.push(...configMapProblems(ws, method, ctx));
  if (!tuning.input) out.push(refuse(["tuning", "input"], "missing field: Input"));
  else out.push(...dataSourceProblems(tuning.input, ["tuning", "input"]));
  if (!tuning.output) out.push(refuse(["tuning", "output"], "missing field: Output"));
  else out.push(...dataDestinationProblems(tuning.output, ["tuning", "output"]));
  if (!tuning.preset) out.push(refuse(["tuning", "preset"], "missing field: Preset"));
  else if (!presetV03(tuning.preset.name)) out.push(refuse(["tuning", "preset", "name"], `Unsupported tuning preset name ${tuning.preset.name.slice(0, 253)}`));
  return out;
}

/** The ConfigMap KAITO's webhook reads for a tuning Workspace: the user's, or the chart's template. */
export function tuningConfigMapV03(ws: Workspace, method: string, ctx: KaitoContext): { readonly name: string; readonly namespace: string; readonly found?: KubeObject } {
  const user = ws.tuning?.config;
  const namespace = user ? (ws.metadata.namespace ?? "default") : INSTALL_V03.releaseNamespace;
  const name = user ? user : method === "lora" || method === "qlora" ? TEMPLATE_NAMES_V03[method] : "";
  const found = findConfigMap(ctx, name, namespace);
  return { name, namespace, ...(found ? { found } : {}) };
}

function configMapProblems(ws: Workspace, method: string, ctx: KaitoContext): Violation[] {
  const at: FieldPath = ["tuning", "config"];
  const { name, namespace, found } = tuningConfigMapV03(ws, method, ctx);
  if (!found) return [refuse(at, `ConfigMap '${name}' specified in 'config' not found in namespace '${namespace}'`)];
  return trainingConfigProblems(found, method).map((p) => refuse(at, p));
}

function imageProblems(image: string, at: FieldPath, which: "input" | "output"): Violation[] {
  if (!FULL_IMAGE.test(image)) return [refuse(at, `Invalid image format, require full ${which} image URL`)];
  const repository = (image.split("/").pop() ?? "").split(":")[0] ?? "";
  return repository === repository.toLowerCase() ? [] : [refuse(at, "Repository name must be lowercase")];
}

function dataSourceProblems(source: DataSource, at: FieldPath): Violation[] {
  const out: Violation[] = [];
  let given = 0;
  if ((source.urls ?? []).length > 0) given++;
  if (source.volumeSource) {
    out.push(refuse([...at, "volumeSource"], "Volume support is not implemented yet"));
    given++;
  }
  if (source.image) {
    out.push(...imageProblems(source.image, [...at, "image"], "input"));
    given++;
  }
  if (given !== 1) out.push(refuse(at, "Exactly one of URLs, Volume, or Image must be specified"));
  return out;
}

function dataDestinationProblems(destination: DataDestination, at: FieldPath): Violation[] {
  const out: Violation[] = [];
  let given = 0;
  if (destination.volumeSource) {
    out.push(refuse([...at, "volumeSource"], "Volume support is not implemented yet"));
    given++;
  }
  if (destination.image) {
    out.push(...imageProblems(destination.image, [...at, "image"], "output"));
    if (!destination.imagePushSecret) out.push(refuse([...at, "imagePushSecret"], "Must specify imagePushSecret with destination image"));
    given++;
  }
  if (given === 0) out.push(refuse(at, "At least one of Volume or Image must be specified"));
  return out;
}
