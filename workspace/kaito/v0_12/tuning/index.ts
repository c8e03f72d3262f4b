// KAITO v0.12 for a tuning Workspace: what its controller creates after the NodeClaim, in KAITO's
// order (the copy of the chart's training-config template when tuning.config is empty, then the
// Job), or where it gets stuck. KAITO's webhook admits some tuning Workspaces its controller can
// never serve (a model outside its tuning table, an instance type outside its SKU table); we give
// KAITO's verdict and reconcile error, plus a warning that says why and what to change.
import type { TuningSpec } from "../../../api/types.js";
import type { KubeObject } from "../../../expand/meta.js";
import { warning } from "../../../violation.js";
import type { Violation } from "../../../violation.js";
import type { ClusterFacts, CloudProvider } from "../../types.js";
import { tuningJob } from "./job.js";
import type { TuningInput, TuningOutput } from "./job.js";
import { TUNABLE_MODELS, weightsImage } from "./params.js";
import { trainingOutputDir } from "./training-config.js";
import { RELEASE_NAMESPACE, TEMPLATE_NAMES, chartTemplate } from "./templates.js";
import { findConfigMap } from "./validate.js";
import { unknownSkuAdvice } from "../gpu/unknown-sku.js";

export { tuningViolations } from "./validate.js";
export type { TuningValidationInput } from "./validate.js";

/** What the rest of the v0.12 profile knows and tuning needs. */
export interface TuningRequest {
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  /** The stored (defaulted) tuning spec; the webhook has admitted it. */
  readonly tuning: TuningSpec;
  readonly instanceType: string;
  readonly cloudProvider: CloudProvider;
  /** GPUs per node of the instance type in KAITO's SKU table; undefined when the table lacks it. */
  readonly gpuCount: number | undefined;
  /**
   * The preset as KAITO's model registry resolves it: the Hugging Face id (any case), or the error
   * KAITO's controller gets resolving it.
   */
  readonly model: { readonly id: string } | { readonly error: string };
  /** resource.labelSelector.matchLabels less KAITO's reserved keys. */
  readonly affinityLabels: readonly (readonly [string, string])[];
  readonly cluster: ClusterFacts;
}

export interface TuningChildren {
  readonly children: readonly KubeObject[];
  readonly reconcileError?: string;
  readonly warnings: readonly Violation[];
}

/** The registry's name for a model: its repo's last path segment, lower-cased. */
export const registryName = (id: string): string => (id.split("/").pop() ?? id).toLowerCase();

/** Models KAITO v0.12 really tunes: in its tuning table and with a weights image. */
export const tunableModelNames = (): string[] => Object.entries(TUNABLE_MODELS).filter(([, m]) => m.weightsTag !== undefined).map(([name]) => name);

/** The revision KAITO's controller gives a new Workspace's workload. */
const FIRST_REVISION = "1";

const stuck = (children: KubeObject[], reconcileError: string, warnings: Violation[]): TuningChildren => ({ children, reconcileError, warnings });

function inputOf(spec: TuningSpec): TuningInput {
  const input = spec.input ?? {};
  if (input.image) return { kind: "image", image: input.image, name: input.name ?? "", pullSecrets: input.imagePullSecrets ?? [] };
  if (input.urls && input.urls.length > 0) return { kind: "urls", urls: input.urls };
  return { kind: "volume", volumeSource: input.volumeSource ?? {} };
}

function outputOf(spec: TuningSpec): TuningOutput {
  const output = spec.output ?? {};
  if (output.volumeSource === undefined && output.image) return { kind: "image", image: output.image, pushSecret: output.imagePushSecret ?? "" };
  return { kind: "volume", volumeSource: output.volumeSource ?? {} };
}

/** KAITO's copy of a template ConfigMap into the Workspace's namespace (no owner: it outlives the Workspace). */
function copyOf(template: KubeObject, namespace: string): KubeObject {
  const { labels, annotations, name } = template.metadata;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: name ?? "", namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(template.immutable !== undefined ? { immutable: template.immutable } : {}),
    ...(template.data !== undefined ? { data: template.data } : {}),
    ...(template.binaryData !== undefined ? { binaryData: template.binaryData } : {}),
  };
}

export function tuningChildren(req: TuningRequest): TuningChildren {
  const presetName = req.tuning.preset?.name ?? "";
  const path = ["tuning", "preset", "name"];
  if ("error" in req.model) {
    return stuck([], req.model.error, [warning("tuning.model", path, `KAITO's controller cannot resolve ${presetName} (${req.model.error}); it admits the Workspace but never creates the Job`)]);
  }
  if (req.gpuCount === undefined) {
    const sku = req.instanceType;
    return stuck([], `invalid value: Unsupported SKU '${sku}' for cloud provider: sku`, [
      warning(
        "tuning.instanceType",
        ["resource", "instanceType"],
        sku === ""
          ? "KAITO v0.12 cannot tune on bring-your-own nodes: its controller looks the GPUs up by resource.instanceType, which a bring-your-own Workspace must leave empty, so the tuning Job is never created"
          : unknownSkuAdvice(sku, req.cloudProvider, "the tuning Job"),
      ),
    ]);
  }
  const model = registryName(req.model.id);
  const tunable = TUNABLE_MODELS[model];
  const tunableList = tunableModelNames().join(", ");
  if (!tunable) {
    return stuck([], "reconcile panic: runtime error: invalid memory address or nil pointer dereference\nat github.com/kaito-project/kaito/pkg/workspace/manifests.GenerateModelPullerContainer (pkg/workspace/manifests/manifests.go:366)", [
      warning("tuning.preset", path, `KAITO v0.12 cannot tune ${presetName}: its webhook admits it but its controller crashes building the Job (no tuning parameters). Models it can tune: ${tunableList}`),
    ]);
  }
  if (tunable.weightsTag === undefined) {
    return stuck([], `reconcile panic: model metadata not found: ${model}`, [
      warning("tuning.preset", path, `KAITO v0.12 lists ${model} as tunable but has no weights image for it: its controller crashes building the Job. Models it can tune: ${tunableList}`),
    ]);
  }

  // The training config: the user's, or the template for the method (its spelling as written: the
  // controller, unlike the webhook, does not lower-case it).
  const children: KubeObject[] = [];
  const user = req.tuning.config ?? "";
  const method = req.tuning.method ?? "";
  let configName = user;
  if (user === "") {
    if (method !== "lora" && method !== "qlora") {
      return stuck([], `failed to generate pod spec: failed to get default ConfigMap from template namespace: configmaps "" not found`, [
        warning("tuning.method", ["tuning", "method"], `KAITO's controller only finds the default training config for method "lora" or "qlora" spelled in lower case; ${JSON.stringify(method)} leaves it stuck`),
      ]);
    }
    configName = TEMPLATE_NAMES[method];
  }
  const inNamespace = req.cluster.configMaps.find((c) => c.metadata.name === configName && (c.metadata.namespace ?? req.namespace) === req.namespace);
  let config = findConfigMap(req.cluster, configName, req.namespace);
  if (user === "" && !inNamespace && req.namespace !== RELEASE_NAMESPACE) {
    // KAITO copies the template into the namespace unless a ConfigMap of that name is there already.
    const template = req.cluster.configMaps.find((c) => c.metadata.name === configName && c.metadata.namespace === RELEASE_NAMESPACE) ?? chartTemplate(method as "lora" | "qlora");
    const copy = copyOf(template, req.namespace);
    children.push(copy);
    config = findConfigMap({ ...req.cluster, configMaps: [copy] }, configName, req.namespace);
  }
  if (!config) return stuck(children, `failed to generate pod spec: user specified ConfigMap ${configName} not found in namespace ${req.namespace}`, []);
  const results = trainingOutputDir(config);
  if ("error" in results) {
    return stuck(children, `failed to generate pod spec: failed to get training output directory from config: ${results.error}`, [
      warning("tuning.config", ["tuning", "config"], `KAITO's controller refuses TrainingArguments.output_dir of ConfigMap ${config.name}: ${results.error}; use a directory under /mnt`),
    ]);
  }

  children.push(
    tuningJob({
      name: req.name,
      namespace: req.namespace,
      ...(req.uid ? { uid: req.uid } : {}),
      presetName,
      weightsImage: weightsImage(model, tunable.weightsTag),
      gpuCount: req.gpuCount,
      configMapName: configName,
      resultsDir: results.dir,
      input: inputOf(req.tuning),
      output: outputOf(req.tuning),
      affinityLabels: req.affinityLabels,
      cloudProvider: req.cloudProvider,
      revision: FIRST_REVISION,
    }),
  );
  return { children, warnings: [] };
}
