// From the Hugging Face hub's answers for one repository (its file list and config.json) to the
// facts KAITO v0.12 derives from them when a Workspace names a model outside its catalog
// (presets/workspace/generator: weight files, size, config parsing, architecture check). Pure: the
// edge fetches the answers (hub/), this file only reads them, every input bounded.
import type { ModelFacts } from "./facts.js";
import { VLLM_ARCHITECTURES as VLLM_ARCHITECTURES_V0_12 } from "../kaito/v0_12/models/vllm-architectures.js";

/** One entry of `GET /api/models/{id}/tree/{revision}?recursive=true`. */
export interface HubFile {
  readonly type: string;
  readonly path: string;
  readonly size: number;
}

export type JsonObject = { readonly [key: string]: unknown };

/** An answer that cannot become a lock entry: the message says which answer and why. */
export class HubAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HubAnswerError";
  }
}

/** Real repositories hold hundreds of files; a list past this is not a model repository. */
export const MAX_FILE_LIST_ENTRIES = 50_000;
/** Real config.json files are kilobytes (a few carry label maps of a few hundred kilobytes). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_DEPTH = 64;
const MAX_PATH_LENGTH = 4096;

/** Where a hub answer came from, for messages: a URL or a file. */
export type Source = string;

function parseJson(text: string, source: Source, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new HubAnswerError(`${source}: the ${what} is not valid JSON (${reason.slice(0, 200)}); truncated or not a Hugging Face answer`);
  }
}

/** The file list as the hub API returns it: a JSON array of {type, path, size}. */
export function parseFileList(text: string, source: Source): HubFile[] {
  const value = parseJson(text, source, "file list");
  if (!Array.isArray(value)) throw new HubAnswerError(`${source}: the file list must be a JSON array; got ${describe(value)}`);
  if (value.length > MAX_FILE_LIST_ENTRIES) {
    throw new HubAnswerError(`${source}: the file list has ${value.length} entries, more than the ${MAX_FILE_LIST_ENTRIES} a model repository may have`);
  }
  return value.map((entry: unknown, i): HubFile => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw new HubAnswerError(`${source}: file list entry ${i} is ${describe(entry)}, not an object`);
    const { type, path, size } = entry as Record<string, unknown>;
    if (typeof path !== "string" || path === "" || path.length > MAX_PATH_LENGTH) throw new HubAnswerError(`${source}: file list entry ${i}: path must be a non-empty string`);
    // Folders come without a size; KAITO reads a missing size as 0.
    const bytes = size === undefined ? 0 : size;
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new HubAnswerError(`${source}: file list entry ${i} (${path.slice(0, 200)}): size must be a whole number of bytes; got ${describe(size)}`);
    }
    return { type: typeof type === "string" ? type : "", path, size: bytes };
  });
}

// KAITO's patterns are unanchored: a name *containing* ".safetensors" (so also
// model.safetensors.index.json) or ".bin" is a weight file; "consolidated…safetensors" marks
// Mistral's own format.
const SAFETENSORS = /\.safetensors/;
const BIN = /\.bin/;
const MISTRAL_CONSOLIDATED = /consolidated.*\.safetensors/;

export interface WeightFiles {
  readonly files: readonly HubFile[];
  /** Mistral's consolidated format: vLLM loads, configures and tokenizes it the Mistral way. */
  readonly mistralFormat: boolean;
}

/** The files KAITO counts as weights: Mistral's consolidated files, else safetensors, else .bin. */
export function selectWeightFiles(files: readonly HubFile[]): WeightFiles {
  const mistral = files.filter((f) => MISTRAL_CONSOLIDATED.test(f.path));
  if (mistral.length > 0) return { files: mistral, mistralFormat: true };
  const safetensors = files.filter((f) => SAFETENSORS.test(f.path));
  if (safetensors.length > 0) return { files: safetensors, mistralFormat: false };
  return { files: files.filter((f) => BIN.test(f.path)), mistralFormat: false };
}

const GIB = 1n << 30n;

/**
 * Bytes as KAITO writes a model size: GiB with two decimals (`14.19Gi`). Exact: the quotient is
 * rounded at the third decimal, a tie to the even hundredth, as Go's %.2f does.
 */
export function formatGiB(bytes: number | bigint): string {
  const b = BigInt(bytes);
  const scaled = b * 100n;
  let hundredths = scaled / GIB;
  const rest = scaled % GIB;
  if (rest * 2n > GIB || (rest * 2n === GIB && hundredths % 2n === 1n)) hundredths += 1n;
  const whole = hundredths / 100n;
  const frac = (hundredths % 100n).toString().padStart(2, "0");
  return `${whole}.${frac}Gi`;
}

/**
 * config.json as KAITO reads it: Python's json accepts NaN and ±Infinity, Go's does not, so KAITO
 * turns those literals into null first (wherever they stand after `[`, `,`, `:` or white space).
 */
export function parseModelConfig(text: string, source: Source): JsonObject {
  if (Buffer.byteLength(text, "utf8") > MAX_CONFIG_BYTES) {
    throw new HubAnswerError(`${source}: config.json is larger than ${MAX_CONFIG_BYTES} bytes; not a model configuration`);
  }
  const sanitized = text.replace(/(^|[,[:\s])(\s*)(-?Infinity|NaN)/g, "$1$2null");
  const value = parseJson(sanitized, source, "model configuration");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HubAnswerError(`${source}: config.json must hold a JSON object; got ${describe(value)}`);
  }
  checkShape(value, source);
  return value as JsonObject;
}

/** Depth and number range, walked without recursion so a hostile file cannot exhaust the stack. */
function checkShape(root: object, source: Source): void {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new HubAnswerError(`${source}: config.json holds a number out of range`);
    }
    if (value === null || typeof value !== "object") continue;
    if (depth > MAX_CONFIG_DEPTH) throw new HubAnswerError(`${source}: config.json nests deeper than ${MAX_CONFIG_DEPTH} levels`);
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
}

/**
 * Multimodal models keep the language model's numbers under `text_config` (or `llm_config`);
 * KAITO lifts those keys to the top level where the top level lacks them.
 */
export function mergeTextConfig(config: JsonObject): JsonObject {
  const nested = [config.text_config, config.llm_config].find((c): c is JsonObject => c !== null && typeof c === "object" && !Array.isArray(c));
  if (!nested) return config;
  return { ...nested, ...config };
}

// The config keys KAITO tries, in order, for each fact.
const KEYS = {
  modelTokenLimit: ["max_position_embeddings", "n_ctx", "seq_length", "max_seq_len", "max_sequence_length", "model_max_length"],
  hiddenSize: ["hidden_size", "n_embd", "d_model", "dim"],
  numHiddenLayers: ["num_hidden_layers", "n_layer", "n_layers"],
  numAttentionHeads: ["num_attention_heads", "n_head", "n_heads"],
  numKeyValueHeads: ["num_key_value_heads", "n_head_kv", "n_kv_heads"],
  headDim: ["head_dim", "attention_head_dim"],
  kvLoraRank: ["kv_lora_rank"],
  qkRopeHeadDim: ["qk_rope_head_dim"],
} as const;

/** KAITO's default context length when config.json names none. */
export const DEFAULT_MODEL_TOKEN_LIMIT = 2048;
const MAX_FACT = 2 ** 31 - 1;

/**
 * The first key holding a number (truncated toward zero) or a decimal string, as KAITO's getInt;
 * keys holding anything else are passed over. Values must be whole, 0 ≤ v < 2^31, to go in a lock.
 */
function intOf(config: JsonObject, keys: readonly string[], source: Source): number | undefined {
  for (const key of keys) {
    const v = config[key];
    let n: number | undefined;
    if (typeof v === "number") n = Math.trunc(v);
    else if (typeof v === "string" && /^[+-]?[0-9]+$/.test(v)) n = Number(v);
    if (n === undefined) continue;
    if (!(n >= 0 && n <= MAX_FACT)) throw new HubAnswerError(`${source}: config.json ${key} is ${JSON.stringify(v)}; expected a whole number from 0 to ${MAX_FACT}`);
    return n;
  }
  return undefined;
}

/** The last path segment of the id, lower-cased: KAITO's model name, the key of its name tables. */
export const modelNameOf = (id: string): string => (id.split("/").pop() ?? id).toLowerCase();

/** What KAITO's webhook says about a model none of whose architectures vLLM serves. */
export function unsupportedArchitectureMessage(id: string, architectures: readonly string[]): string {
  return `unsupported model architecture for ${id.toLowerCase()}: ${architectures.join(", ")}`;
}

/** KAITO lets a model through when its config names no architecture, or any one vLLM serves. */
export function isServedByVllm(architectures: readonly string[]): boolean {
  return architectures.length === 0 || architectures.some((a) => VLLM_ARCHITECTURES_V0_12.has(a));
}

export interface HubAnswers {
  /** The Hugging Face id as published (the lock keeps this spelling). */
  readonly id: string;
  /** The commit the answers were read at. */
  readonly revision?: string;
  readonly files: readonly HubFile[];
  /** config.json (or Mistral's params.json), parsed with parseModelConfig. */
  readonly config: JsonObject;
  /** The hub refused the file list or config without a token (401/403). */
  readonly gated: boolean;
  /** For messages: where the file list and config came from. */
  readonly source?: Source;
}

/** The lock entry for one model, every fact as KAITO v0.12's generator derives it for that model. */
export function factsFromHub(answers: HubAnswers): ModelFacts {
  const source = answers.source ?? answers.id;
  const weights = selectWeightFiles(answers.files);
  if (weights.files.length === 0) {
    throw new HubAnswerError(`${source}: no .safetensors or .bin files found; KAITO cannot size or serve ${answers.id}`);
  }
  const totalBytes = weights.files.reduce((sum, f) => sum + BigInt(f.size), 0n);
  const config = mergeTextConfig(answers.config);
  const name = modelNameOf(answers.id);

  let architectures = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === "string") : [];
  if (architectures.length === 0) {
    // KAITO names these two Mistral families' architectures itself: their params.json has none.
    if (name.startsWith("mistral-large-3")) architectures = ["MistralLarge3ForCausalLM"];
    else if (name.startsWith("ministral-3")) architectures = ["Mistral3ForConditionalGeneration"];
  }
  if (!isServedByVllm(architectures)) throw new HubAnswerError(unsupportedArchitectureMessage(answers.id, architectures));

  const int = (keys: readonly string[]) => intOf(config, keys, source);
  const hiddenSize = int(KEYS.hiddenSize) ?? 0;
  const numAttentionHeads = int(KEYS.numAttentionHeads) ?? 0;
  let numKeyValueHeads = int(KEYS.numKeyValueHeads) ?? 0;
  if (numKeyValueHeads === 0 && numAttentionHeads > 0) numKeyValueHeads = config.multi_query === true ? 1 : numAttentionHeads;
  // Kept only when it differs from what KAITO would compute (hidden size / heads), as in its catalog.
  let headDim = int(KEYS.headDim);
  if (headDim === 0 || (headDim !== undefined && numAttentionHeads > 0 && headDim === Math.trunc(hiddenSize / numAttentionHeads))) headDim = undefined;
  // Present (even 0) means multi-head latent attention to KAITO.
  const kvLoraRank = int(KEYS.kvLoraRank);
  const qkRopeHeadDim = int(KEYS.qkRopeHeadDim);

  const quantization = config.quantization_config;
  const quant = quantization !== null && typeof quantization === "object" && !Array.isArray(quantization) ? (quantization as JsonObject) : undefined;
  const quantMethod = quant && typeof quant.quant_method === "string" && quant.quant_method !== "" ? quant.quant_method : undefined;
  const quantBits = quant ? intOf(quant, ["bits"], source) : undefined;

  return {
    name: answers.id,
    ...(answers.revision !== undefined ? { revision: answers.revision } : {}),
    modelFileSize: formatGiB(totalBytes),
    architectures,
    modelTokenLimit: int(KEYS.modelTokenLimit) ?? DEFAULT_MODEL_TOKEN_LIMIT,
    hiddenSize,
    numHiddenLayers: int(KEYS.numHiddenLayers) ?? 0,
    numAttentionHeads,
    numKeyValueHeads,
    ...(headDim !== undefined ? { headDim } : {}),
    ...(kvLoraRank !== undefined ? { kvLoraRank } : {}),
    ...(qkRopeHeadDim !== undefined && qkRopeHeadDim !== 0 ? { qkRopeHeadDim } : {}),
    ...(quantMethod !== undefined ? { quantMethod } : {}),
    ...(quantBits !== undefined && quantBits !== 0 ? { quantBits } : {}),
    ...(weights.mistralFormat ? { loadFormat: "mistral", configFormat: "mistral", tokenizerMode: "mistral" } : {}),
    ...(answers.gated ? { gated: true } : {}),
  };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
