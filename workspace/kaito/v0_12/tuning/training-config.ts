// The training config (key training_config.yaml of the tuning ConfigMap) as KAITO v0.12 reads it:
// the webhook's checks (known sections; lora/qlora quantisation flags; output_dir inside /mnt) and
// the controller's choice of output directory, which becomes the results volume's mount path.
// Parsed as YAML 1.1, like KAITO's yaml.v2 (so `yes` is a boolean). Pure; input is bounded.
import { posix } from "node:path";
import { parse } from "yaml";
import { PATHS } from "./params.js";
import { TRAINING_CONFIG_KEY } from "./templates.js";

/** A ConfigMap's data is at most 1 MiB in Kubernetes; the same bound here. */
const MAX_CONFIG = 1024 * 1024;
const SECTIONS = ["ModelConfig", "QuantizationConfig", "LoraConfig", "TrainingArguments", "DatasetConfig", "DataCollator"] as const;

export interface ConfigMapLike {
  readonly name: string;
  readonly namespace: string;
  readonly data: Readonly<Record<string, string>>;
}

/** One refusal: the field KAITO names and its message. */
export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function parseYaml(text: string): Parsed {
  if (text.length > MAX_CONFIG) return { ok: false, reason: `longer than ${MAX_CONFIG} bytes` };
  try {
    return { ok: true, value: parse(text, { version: "1.1", maxAliasCount: 100, uniqueKeys: true }) as unknown };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.split("\n")[0] ?? "not YAML" : "not YAML" };
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const goType = (v: unknown): string => (typeof v === "string" ? "string" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float64") : Array.isArray(v) ? "[]interface {}" : isMap(v) ? "map[interface {}]interface {}" : typeof v);

/** The sections of `training_config`, or a reason the document does not have that shape. */
function trainingConfig(cm: ConfigMapLike): { readonly sections: Record<string, unknown> } | { readonly problem: ConfigProblem } {
  const text = cm.data[TRAINING_CONFIG_KEY];
  if (text === undefined) return { problem: { field: "config", message: `ConfigMap '${cm.name}' does not contain '${TRAINING_CONFIG_KEY}' in namespace '${cm.namespace}'` } };
  const parsed = parseYaml(text);
  if (!parsed.ok) return { problem: { field: "config", message: `Failed to parse '${TRAINING_CONFIG_KEY}' in ConfigMap '${cm.name}' in namespace '${cm.namespace}': ${parsed.reason}` } };
  const root = parsed.value;
  if (root !== null && root !== undefined && !isMap(root)) return { problem: { field: "config", message: `Failed to parse '${TRAINING_CONFIG_KEY}' in ConfigMap '${cm.name}': not a mapping` } };
  const inner = isMap(root) ? root.training_config : undefined;
  if (inner !== null && inner !== undefined && !isMap(inner)) return { problem: { field: "config", message: `Failed to parse '${TRAINING_CONFIG_KEY}' in ConfigMap '${cm.name}': training_config is not a mapping` } };
  return { sections: isMap(inner) ? inner : {} };
}

/** A key of one section: absent, or its value; a section that is not a mapping is an error. */
function lookup(section: unknown, key: string): { readonly found: boolean; readonly value?: unknown } | { readonly error: string } {
  if (section === null || section === undefined) return { found: false };
  if (!isMap(section)) return { error: `failed to unmarshal runtime.RawExtension: cannot read ${goType(section)} as a mapping` };
  return Object.hasOwn(section, key) ? { found: true, value: section[key] } : { found: false };
}

function schemaProblem(cm: ConfigMapLike): ConfigProblem | undefined {
  const text = cm.data[TRAINING_CONFIG_KEY];
  if (text === undefined) return { field: TRAINING_CONFIG_KEY, message: "missing field(s): training_config.yaml in ConfigMap" };
  const parsed = parseYaml(text);
  if (!parsed.ok) return { field: TRAINING_CONFIG_KEY, message: `invalid value: ${parsed.reason}` };
  const inner = isMap(parsed.value) ? parsed.value.training_config : undefined;
  if (!isMap(inner)) return { field: TRAINING_CONFIG_KEY, message: "invalid value: Expected 'training_config' key to contain a map" };
  for (const section of Object.keys(inner)) {
    if (!(SECTIONS as readonly string[]).includes(section)) return { field: TRAINING_CONFIG_KEY, message: `invalid value: Unrecognized section: ${section}` };
  }
  return undefined;
}

function methodProblem(cm: ConfigMapLike, method: string): ConfigProblem | undefined {
  const config = trainingConfig(cm);
  if ("problem" in config) return config.problem;
  const quant = config.sections.QuantizationConfig;
  const qloraMissing: ConfigProblem = { field: "QuantizationConfig", message: `missing field(s): For method 'qlora', either 'load_in_4bit' or 'load_in_8bit' must be true in ConfigMap '${cm.name}'` };
  if (!Object.hasOwn(config.sections, "QuantizationConfig")) return method === "qlora" ? qloraMissing : undefined;
  const flags: boolean[] = [];
  for (const key of ["load_in_4bit", "load_in_8bit"]) {
    const got = lookup(quant, key);
    if ("error" in got) return { field: key, message: `invalid value: ${got.error}` };
    if (got.found && got.value !== null && typeof got.value !== "boolean") {
      return { field: key, message: `invalid value: value must be either nil or a boolean, got type ${goType(got.value)}` };
    }
    flags.push(got.value === true);
  }
  const [in4, in8] = flags;
  if (in4 && in8) return { field: "QuantizationConfig", message: `Cannot set both 'load_in_4bit' and 'load_in_8bit' to true in ConfigMap '${cm.name}'` };
  if (method === "lora" && (in4 || in8)) return { field: "QuantizationConfig", message: `For method 'lora', 'load_in_4bit' or 'load_in_8bit' in ConfigMap '${cm.name}' must not be true` };
  if (method === "qlora" && !in4 && !in8) return qloraMissing;
  return undefined;
}

/** Go's path.Clean. */
const clean = (p: string): string => {
  if (p === "") return ".";
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
};

/** output_dir of TrainingArguments as written: undefined when absent, or an error. */
function outputDirOf(cm: ConfigMapLike): { readonly dir?: string } | { readonly problem: ConfigProblem } {
  const config = trainingConfig(cm);
  if ("problem" in config) return config;
  const got = lookup(config.sections.TrainingArguments, "output_dir");
  if ("error" in got) return { problem: { field: "output_dir", message: `Failed to parse 'output_dir' in ConfigMap '${cm.name}' in namespace '${cm.namespace}': ${got.error}` } };
  if (!got.found) return {};
  if (typeof got.value !== "string") return { problem: { field: "output_dir", message: `invalid value: output_dir is not a string in ConfigMap '${cm.name}' in namespace '${cm.namespace}'` } };
  return { dir: got.value };
}

function outputDirProblem(cm: ConfigMapLike): ConfigProblem | undefined {
  const got = outputDirOf(cm);
  if ("problem" in got) return got.problem;
  if (got.dir === undefined) return undefined;
  // The webhook always joins the value to /mnt (the controller does not: see trainingOutputDir).
  const joined = clean(posix.join(PATHS.base, got.dir));
  if (joined === PATHS.base || !joined.startsWith(PATHS.base)) {
    return { field: "output_dir", message: `invalid value: Invalid output_dir specified: '${got.dir}', must be a directory` };
  }
  return undefined;
}

/** Every refusal KAITO's webhook gives for this training config and (lower-cased) method. */
export function trainingConfigProblems(cm: ConfigMapLike, method: string): ConfigProblem[] {
  return [schemaProblem(cm), methodProblem(cm, method), outputDirProblem(cm)].filter((p): p is ConfigProblem => p !== undefined);
}

/**
 * Where the trainer writes (the results volume's mount path), as KAITO's controller decides it:
 * /mnt/output when output_dir is absent, the value under /mnt, or an error the controller is stuck on.
 */
export function trainingOutputDir(cm: ConfigMapLike): { readonly dir: string } | { readonly error: string } {
  const got = outputDirOf(cm);
  if ("problem" in got) return { error: got.problem.message };
  const dir = got.dir ?? "";
  if (dir === "") return { dir: PATHS.defaultOutput };
  const cleaned = clean(dir.startsWith(PATHS.base) ? dir : posix.join(PATHS.base, dir));
  if (cleaned === PATHS.base || !cleaned.startsWith(PATHS.base)) return { error: `invalid output_dir specified: '${dir}', must be a directory` };
  return { dir: cleaned };
}
