// Training configurations (the `training_config.yaml` key of a ConfigMap) as KAITO v0.3.2 reads
// them: the webhook's checks, the controller's choice of output directory, and the two templates
// KAITO's Helm chart installs (lora-params-template, qlora-params-template) with the same settings.
import { posix } from "node:path";
import { parseDocument } from "yaml";
import type { KubeObject } from "../../expand/meta.js";
import { INSTALL_V03 } from "./defaults.js";

export const TRAINING_CONFIG_KEY = "training_config.yaml";
export const TEMPLATE_NAMES_V03 = { lora: "lora-params-template", qlora: "qlora-params-template" } as const;
export type TuningMethodV03 = keyof typeof TEMPLATE_NAMES_V03;

/** The sections KAITO's TrainingConfig type has; any other is refused. */
const SECTIONS = ["ModelConfig", "QuantizationConfig", "LoraConfig", "TrainingArguments", "DatasetConfig", "DataCollator"];
const BASE_DIR = "/mnt";
export const DEFAULT_OUTPUT_DIR = "/mnt/output";
/** A training config larger than this is not a training config; bounds the parse. */
const MAX_CONFIG_BYTES = 256 * 1024;

function templateText(quantization: string): string {
  return [
    "training_config:",
    "  ModelConfig:",
    '    torch_dtype: "bfloat16"',
    "    local_files_only: true",
    '    device_map: "auto"',
    "",
    "  QuantizationConfig:",
    quantization,
    "",
    "  LoraConfig:",
    "    r: 8",
    "    lora_alpha: 8",
    "    lora_dropout: 0.0",
    "",
    "  TrainingArguments:",
    '    output_dir: "/mnt/results"',
    "    ddp_find_unused_parameters: false",
    '    save_strategy: "epoch"',
    "    per_device_train_batch_size: 1",
    "",
    "  DataCollator:",
    "    mlm: true",
    "",
    "  DatasetConfig:",
    "    shuffle_dataset: true",
    "    train_test_split: 1",
    "",
  ].join("\n");
}

const TEMPLATE_TEXT: Readonly<Record<TuningMethodV03, string>> = {
  lora: templateText("    load_in_4bit: false"),
  qlora: templateText(
    ["    load_in_4bit: true", '    bnb_4bit_quant_type: "nf4"', '    bnb_4bit_compute_dtype: "bfloat16"', "    bnb_4bit_use_double_quant: true"].join("\n"),
  ),
};

/** The chart's template ConfigMap as it sits in KAITO's release namespace (with Helm's metadata). */
export function chartTemplateV03(method: TuningMethodV03): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: TEMPLATE_NAMES_V03[method],
      namespace: INSTALL_V03.releaseNamespace,
      labels: { "app.kubernetes.io/managed-by": "Helm" },
      annotations: { "meta.helm.sh/release-name": INSTALL_V03.releaseName, "meta.helm.sh/release-namespace": INSTALL_V03.releaseNamespace },
    },
    data: { [TRAINING_CONFIG_KEY]: TEMPLATE_TEXT[method] },
  };
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** YAML 1.1, as KAITO's gopkg.in/yaml.v2 reads it (yes/no are booleans there). */
function parseYaml(text: string): Parsed {
  if (text.length > MAX_CONFIG_BYTES) return { ok: false, error: `larger than ${MAX_CONFIG_BYTES} bytes` };
  const doc = parseDocument(text, { version: "1.1" });
  if (doc.errors.length > 0) return { ok: false, error: doc.errors[0]?.message ?? "not YAML" };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function configText(cm: KubeObject): string | undefined {
  const data = cm.data;
  if (!isMap(data)) return undefined;
  const text = data[TRAINING_CONFIG_KEY];
  return typeof text === "string" ? text : undefined;
}

/** The training_config map, or why there is none. */
function trainingConfig(cm: KubeObject): { readonly sections: Record<string, unknown> } | { readonly error: string } {
  const name = cm.metadata.name ?? "";
  const text = configText(cm);
  if (text === undefined) return { error: `ConfigMap '${name}' has no key ${TRAINING_CONFIG_KEY}` };
  const parsed = parseYaml(text);
  if (!parsed.ok) return { error: `ConfigMap '${name}': ${TRAINING_CONFIG_KEY} is not YAML: ${parsed.error}` };
  const root = parsed.value;
  const sections = isMap(root) ? root.training_config : undefined;
  if (!isMap(sections)) return { error: `ConfigMap '${name}': expected 'training_config' key to contain a map` };
  return { sections };
}

/** A section's key, as KAITO looks it up: a section that is not a map (or null) has no keys. */
function lookup(section: unknown, key: string): { readonly value?: unknown; readonly error?: string } {
  if (section === null || section === undefined) return {};
  if (!isMap(section)) return { error: `cannot read '${key}' from a section that is not a map` };
  return { value: section[key] };
}

/** What KAITO v0.3.2's webhook says about a training config for a method: the problems, in its order. */
export function trainingConfigProblems(cm: KubeObject, method: string): string[] {
  const name = cm.metadata.name ?? "";
  const config = trainingConfig(cm);
  if ("error" in config) return [config.error];
  const problems: string[] = [];
  const unknown = Object.keys(config.sections).find((s) => !SECTIONS.includes(s));
  if (unknown !== undefined) problems.push(`ConfigMap '${name}': unrecognized section: ${unknown.slice(0, 64)}`);

  const quantization = config.sections.QuantizationConfig;
  if ("QuantizationConfig" in config.sections) {
    const four = lookup(quantization, "load_in_4bit");
    const eight = lookup(quantization, "load_in_8bit");
    const error = four.error ?? eight.error;
    const notBool = [["load_in_4bit", four.value], ["load_in_8bit", eight.value]].find(([, v]) => v !== undefined && v !== null && typeof v !== "boolean");
    if (error) problems.push(`ConfigMap '${name}': QuantizationConfig: ${error}`);
    else if (notBool) problems.push(`ConfigMap '${name}': ${String(notBool[0])} must be either nil or a boolean`);
    else {
      const on4 = four.value === true;
      const on8 = eight.value === true;
      if (on4 && on8) problems.push(`Cannot set both 'load_in_4bit' and 'load_in_8bit' to true in ConfigMap '${name}'`);
      else if (method === "lora" && (on4 || on8)) problems.push(`For method 'lora', 'load_in_4bit' or 'load_in_8bit' in ConfigMap '${name}' must not be true`);
      else if (method === "qlora" && !on4 && !on8) problems.push(`For method 'qlora', either 'load_in_4bit' or 'load_in_8bit' must be true in ConfigMap '${name}'`);
    }
  } else if (method === "qlora") {
    problems.push(`For method 'qlora', either 'load_in_4bit' or 'load_in_8bit' must be true in ConfigMap '${name}'`);
  }

  if ("TrainingArguments" in config.sections) {
    const outputDir = lookup(config.sections.TrainingArguments, "output_dir");
    if (outputDir.error) problems.push(`ConfigMap '${name}': TrainingArguments: ${outputDir.error}`);
    else if (outputDir.value !== undefined) {
      if (typeof outputDir.value !== "string") problems.push(`output_dir is not a string in ConfigMap '${name}'`);
      else {
        const clean = goClean(posix.join(BASE_DIR, outputDir.value));
        if (clean === BASE_DIR || !clean.startsWith(BASE_DIR)) problems.push(`Invalid output_dir specified: '${outputDir.value.slice(0, 256)}', must be a directory`);
      }
    }
  }
  return problems;
}

/** Go's filepath.Clean for absolute paths: no trailing slash. */
function goClean(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

/**
 * Where the controller mounts the training results: TrainingArguments.output_dir under /mnt, or
 * /mnt/output when it is absent or escapes /mnt; "" when the config cannot be read (KAITO then
 * mounts the results volume at an empty path).
 */
export function outputDirV03(cm: KubeObject): string {
  const config = trainingConfig(cm);
  if ("error" in config) return "";
  const outputDir = lookup(config.sections.TrainingArguments, "output_dir");
  if (outputDir.error) return "";
  if (outputDir.value === undefined) return DEFAULT_OUTPUT_DIR;
  if (typeof outputDir.value !== "string") return "";
  if (outputDir.value === "") return DEFAULT_OUTPUT_DIR;
  const joined = outputDir.value.startsWith(BASE_DIR) ? outputDir.value : posix.join(BASE_DIR, outputDir.value);
  const clean = goClean(joined);
  return clean === BASE_DIR || !clean.startsWith(BASE_DIR) ? DEFAULT_OUTPUT_DIR : clean;
}
