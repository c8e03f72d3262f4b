// KAITO v0.12's webhook rules for a tuning Workspace (TuningSpec.validateCreate and
// ResourceSpec.validateCreateWithTuning, v1beta1 and v1alpha1): the method, the training config
// (the user's ConfigMap, or the chart's template for the method), exactly one input and one output,
// image references, the data-URL guard (v1beta1 only), a single node and no GPU partitioning.
// Messages keep KAITO's words and add what to do; paths name the user's fields.
import type { DataDestination, DataSource, TuningSpec } from "../../../api/types.js";
import type { KubeObject } from "../../../expand/meta.js";
import type { FieldPath } from "../../../source/yaml.js";
import { error } from "../../../violation.js";
import type { Violation } from "../../../violation.js";
import type { ClusterFacts } from "../../types.js";
import { dataUrlProblem } from "./data-url.js";
import { parseDockerRef } from "./image-ref.js";
import type { ConfigMapLike } from "./training-config.js";
import { trainingConfigProblems } from "./training-config.js";
import { RELEASE_NAMESPACE, TEMPLATE_NAMES, chartTemplate } from "./templates.js";
import type { TuningMethodName } from "./templates.js";

export interface TuningValidationInput {
  /** The request's API version: v1alpha1 has no URL guard and no partition field. */
  readonly apiVersion: "v1alpha1" | "v1beta1";
  readonly namespace: string;
  /** resource.count after the CRD default (1). */
  readonly count: number;
  readonly partition: unknown;
  readonly tuning: TuningSpec;
  readonly cluster: ClusterFacts;
  /** KAITO's IsValidPreset: a registered model, a legacy name, or an `org/name` id. */
  readonly isValidPresetName: (name: string) => boolean;
}

/** Bounds a hostile Workspace's cost: KAITO has no limit, no real dataset list comes close. */
export const MAX_DATA_URLS = 1000;

const isMethod = (m: string): m is TuningMethodName => m === "lora" || m === "qlora";

function configMapLike(o: KubeObject, namespace: string): ConfigMapLike {
  const data = (o.data ?? {}) as Record<string, unknown>;
  const strings = Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === "string"));
  return { name: o.metadata.name ?? "", namespace: o.metadata.namespace ?? namespace, data: strings };
}

/** A ConfigMap as KAITO's client would get it: from the cluster facts, or the chart's own template. */
export function findConfigMap(cluster: ClusterFacts, name: string, namespace: string): ConfigMapLike | undefined {
  const found = cluster.configMaps.find((c) => c.metadata.name === name && (c.metadata.namespace ?? namespace) === namespace);
  if (found) return configMapLike(found, namespace);
  if (namespace === RELEASE_NAMESPACE) {
    const method = (Object.keys(TEMPLATE_NAMES) as TuningMethodName[]).find((m) => TEMPLATE_NAMES[m] === name);
    if (method) return configMapLike(chartTemplate(method), namespace);
  }
  return undefined;
}

function configViolations(input: TuningValidationInput, method: string): Violation[] {
  const path: FieldPath = ["tuning", "config"];
  const user = input.tuning.config ?? "";
  const namespace = user === "" ? RELEASE_NAMESPACE : input.namespace;
  const name = user !== "" ? user : isMethod(method) ? TEMPLATE_NAMES[method] : "";
  const cm = name === "" ? undefined : findConfigMap(input.cluster, name, namespace);
  if (!cm) {
    const why =
      user !== ""
        ? `ConfigMap '${user}' specified in 'config' not found in namespace '${namespace}': commit it beside the Workspace (it must exist before KAITO's webhook admits the Workspace)`
        : `ConfigMap '${name}' specified in 'config' not found in namespace '${namespace}'${name === "" ? ": there is no default training config for this method" : ""}`;
    return [error("tuning.config", path, `Failed to evaluate validateConfigMap: ${why}`)];
  }
  return trainingConfigProblems(cm, method).map((p) =>
    error("tuning.config", path, `Failed to evaluate validateConfigMap: ${p.message} (${p.field} in ConfigMap ${cm.namespace}/${cm.name}, key training_config.yaml)`),
  );
}

function imageViolation(image: string, which: "input" | "output", path: FieldPath): Violation | undefined {
  const parsed = parseDockerRef(image);
  if (parsed.ok) return undefined;
  return error(`tuning.${which}.image`, path, `Unable to parse ${which} image reference: ${parsed.reason}`);
}

function inputViolations(source: DataSource | undefined, apiVersion: TuningValidationInput["apiVersion"]): Violation[] {
  const path: FieldPath = ["tuning", "input"];
  if (!source) return [error("tuning.input", path, "missing field(s): Input (one of urls, image or volumeSource)")];
  const out: Violation[] = [];
  let sources = 0;
  const urls = source.urls ?? [];
  if (urls.length > MAX_DATA_URLS) out.push(error("tuning.input.urls", [...path, "urls"], `at most ${MAX_DATA_URLS} URLs, got ${urls.length}`));
  else if (urls.length > 0) {
    if (apiVersion === "v1beta1") {
      urls.forEach((url, i) => {
        const problem = dataUrlProblem(url);
        if (problem) out.push(error("tuning.input.urls", [...path, "urls", i], `invalid value: ${problem}`));
      });
    }
  }
  if (urls.length > 0) sources++;
  if (source.image) {
    const v = imageViolation(source.image, "input", [...path, "image"]);
    if (v) out.push(v);
    sources++;
  }
  if (source.volumeSource !== undefined) sources++;
  if (sources !== 1) out.push(error("tuning.input", path, `Exactly one of URLs, Volume, or Image must be specified (urls, volumeSource, image); got ${sources}`));
  return out;
}

function outputViolations(dest: DataDestination | undefined): Violation[] {
  const path: FieldPath = ["tuning", "output"];
  if (!dest) return [error("tuning.output", path, "missing field(s): Output (image with imagePushSecret, or volumeSource)")];
  const out: Violation[] = [];
  let destinations = 0;
  if (dest.image) {
    const v = imageViolation(dest.image, "output", [...path, "image"]);
    if (v) out.push(v);
    if (!dest.imagePushSecret) out.push(error("tuning.output.imagePushSecret", [...path, "imagePushSecret"], "missing field(s): Must specify imagePushSecret with destination image"));
    destinations++;
  }
  if (dest.volumeSource !== undefined) destinations++;
  if (destinations !== 1) out.push(error("tuning.output", path, `missing field(s): Exactly one of Volume or Image must be specified (volumeSource, image); got ${destinations}`));
  return out;
}

/** Every refusal KAITO v0.12's webhook gives for the tuning part of a Workspace. */
export function tuningViolations(input: TuningValidationInput): Violation[] {
  const out: Violation[] = [];
  if (input.count > 1) {
    out.push(error("tuning.count", ["resource", "count"], "invalid value: Tuning does not currently support multinode configurations. Please set the node count to 1. Future support with DeepSpeed will allow this."));
  }
  if (input.apiVersion === "v1beta1" && input.partition !== undefined && input.partition !== null) {
    out.push(error("tuning.partition", ["resource", "partition"], "invalid value: GPU partitioning is not supported for tuning workloads"));
  }
  const { tuning } = input;
  const method = (tuning.method ?? "").toLowerCase();
  if (!isMethod(method)) out.push(error("tuning.method", ["tuning", "method"], `invalid value: ${JSON.stringify(tuning.method ?? "")}: KAITO tunes with lora or qlora`));
  out.push(...configViolations(input, method));
  out.push(...inputViolations(tuning.input, input.apiVersion));
  out.push(...outputViolations(tuning.output));
  const preset = tuning.preset;
  if (!preset) out.push(error("tuning.preset", ["tuning", "preset"], "missing field(s): Preset"));
  else if (!input.isValidPresetName(preset.name)) {
    out.push(error("tuning.preset", ["tuning", "preset", "name"], `invalid value: Unsupported tuning preset name ${preset.name}`));
  }
  return out;
}
