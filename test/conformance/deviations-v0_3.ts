// Where our KAITO v0.3 children differ from KAITO v0.3.2's on purpose, and the one normalisation
// that lets the conformance run compare them. Applied to both sides, and to v0.3 cases only.
import { parse } from "yaml";
import type { KubeObject } from "../../workspace/expand/meta.js";
import type { Normalisation } from "./normalise.js";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function podSpecs(o: KubeObject): Json[] {
  const spec = o.spec;
  if (!isObject(spec) || !isObject(spec.template) || !isObject(spec.template.spec)) return [];
  return [spec.template.spec];
}

function containers(o: KubeObject): Json[] {
  return podSpecs(o).flatMap((pod) => [pod.initContainers, pod.containers].flatMap((list) => (Array.isArray(list) ? list.filter(isObject) : [])));
}

/** Embedded shell programs, replaced by what they are: the contract they share, not their text. */
function replaceScripts(objects: KubeObject[]): KubeObject[] {
  for (const o of objects) {
    if (o.kind !== "Job") continue;
    for (const c of containers(o)) {
      if (c.name === "data-downloader" && Array.isArray(c.command) && c.command.length === 3) c.command = [c.command[0], c.command[1], "<data downloader: $DATA_URLS into $DATA_VOLUME_PATH>"];
      if (c.name === "docker-sidecar" && Array.isArray(c.args) && c.args.length === 1) {
        const mount = Array.isArray(c.volumeMounts) ? c.volumeMounts.find((m) => isObject(m) && m.name === "results-volume") : undefined;
        const dir = isObject(mount) ? String(mount.mountPath) : "?";
        c.args = [`<adapter pusher: waits for ${dir}/**/fine_tuning_completed.txt, pushes the adapter image>`];
      }
    }
  }
  return objects;
}

/** The copied training template compared as the settings it holds, not as text with comments. */
function parseTrainingConfig(objects: KubeObject[]): KubeObject[] {
  for (const o of objects) {
    if (o.kind !== "ConfigMap" || !isObject(o.data) || typeof o.data["training_config.yaml"] !== "string") continue;
    o.data = { ...o.data, "training_config.yaml": parse(o.data["training_config.yaml"], { version: "1.1" }) as unknown };
  }
  return objects;
}

const MASTER_ADDR = /(^|\s)--master_addr(=\S*)?(?=\s|$)/;

/** torchrun's --master_addr, whatever its value (KAITO's record shows none; ours names the Service). */
function maskMasterAddress(objects: KubeObject[]): KubeObject[] {
  for (const o of objects) {
    for (const c of containers(o)) {
      if (!Array.isArray(c.command)) continue;
      c.command = c.command.map((part: unknown) => (typeof part === "string" ? part.replace(MASTER_ADDR, "$1--master_addr=<the Workspace's Service>") : part));
    }
  }
  return objects;
}

export const V0_3_DEVIATIONS: readonly Normalisation[] = [
  {
    id: "v0.3-tuning-scripts",
    summary: "the tuning Job's data downloader (data-downloader command) and adapter pusher (docker-sidecar args) replaced by a description",
    reason:
      "KAITO embeds its own shell programs; ours are written anew to the same contract (inputs $DATA_URLS/$DATA_VOLUME_PATH, the results directory and the image; same files, same exit codes) and are unit-tested",
    apply: replaceScripts,
  },
  {
    id: "v0.3-tuning-template-text",
    summary: "training_config.yaml of the copied lora/qlora template ConfigMap compared as parsed YAML",
    reason:
      "KAITO copies the template its Helm chart installed, comments included; we carry the same settings without the chart's comments (the trainer reads the values only)",
    apply: parseTrainingConfig,
  },
  {
    id: "v0.3-master-addr",
    summary: "torchrun's --master_addr value in multi-node llama-2 StatefulSets masked",
    reason:
      "KAITO writes the Service's cluster IP, which only the API server knows (its recorded run shows an empty value, a bare flag torchrun cannot parse); we write the Service's DNS name, which resolves to that IP",
    apply: maskMasterAddress,
  },
];
