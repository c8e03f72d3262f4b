// What KAITO v0.12.0's preset generator makes of a model's facts: the parameters its controller
// reads when it builds the pod (served name, vLLM flags, KV-cache bytes per token, disk size,
// startup budget). Pure: the same facts always give the same preset.
import type { ModelFacts } from "../../../models/facts.js";
import { gibString, quantityValue } from "../quantity.js";
import {
  CHAT_TEMPLATE_BY_PREFIX,
  DEEP_GEMM_ARCHITECTURES,
  EXPERT_PARALLEL_PREFIXES,
  FLASHINFER_AUTOTUNE_OFF_PREFIXES,
  FLASHINFER_MODELS,
  GDN_PREFILL_BACKEND_BY_PREFIX,
  KV_CACHE_DTYPE_BY_PREFIX,
  NON_REASONING_MODELS,
  REASONING_PARSER_BY_ARCHITECTURE,
  REASONING_PARSER_BY_PREFIX,
  TOKENIZER_MODE_BY_PREFIX,
  TOOL_CALL_PARSER_BY_ARCHITECTURE,
  TOOL_CALL_PARSER_BY_PREFIX,
} from "./generator-tables.js";
import { TRANSFORMERS_RUN_PARAMS } from "./transformers.js";

/** Room for the OS and the runtime on a node's disk, beside the weights. */
const SYSTEM_DISK_GIB = 80;
const MINUTE = 60;

export interface Preset {
  /** The Hugging Face id in lower case, as KAITO passes it to vLLM (`--model`). */
  readonly id: string;
  /** The id's last segment in lower case: the served model name. */
  readonly name: string;
  readonly facts: ModelFacts;
  readonly architectures: readonly string[];
  /** `27.31Gi`: the weights' size. */
  readonly modelFileSize: string;
  /** `107Gi`: the node disk / weights volume size (weights + 80 GiB, whole GiB). */
  readonly diskStorage: string;
  /** KV-cache bytes per token of context (fp16), the node estimator's input. */
  readonly bytesPerToken: number;
  readonly modelTokenLimit: number;
  readonly gated: boolean;
  /** vLLM flags derived from the model alone, before the pod's context adds its own. */
  readonly vllmParams: Readonly<Record<string, string>>;
  /** inference_api.py parameters of the transformers runtime; undefined: that runtime cannot serve it. */
  readonly transformersParams?: Readonly<Record<string, string>>;
  /** Seconds the startup probe waits for download, load and warm-up. */
  readonly readinessTimeoutSeconds: number;
  readonly requiresDeepGemm: boolean;
  readonly requiresCudaToolkit: boolean;
}

/** The prefix table's value for the longest key the name starts with (KAITO: "first match" in a Go map). */
function byPrefix<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table)) {
    if (name.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : table[best];
}

function byArchitecture(table: Readonly<Record<string, string>>, architectures: readonly string[]): string | undefined {
  for (const arch of architectures) if (arch in table) return table[arch];
  return undefined;
}

/** Tool-call parser prefixes in reverse byte order (longer, more specific names first), as KAITO tries them. */
const TOOL_CALL_PREFIXES_TRIED = Object.keys(TOOL_CALL_PARSER_BY_PREFIX).sort().reverse();

function toolCallParser(name: string, architectures: readonly string[]): string | undefined {
  const hit = TOOL_CALL_PREFIXES_TRIED.find((p) => name.startsWith(p));
  return hit !== undefined ? TOOL_CALL_PARSER_BY_PREFIX[hit] : byArchitecture(TOOL_CALL_PARSER_BY_ARCHITECTURE, architectures);
}

function architecturesOf(facts: ModelFacts, name: string): readonly string[] {
  if (facts.architectures.length > 0) return facts.architectures;
  if (name.startsWith("mistral-large-3")) return ["MistralLarge3ForCausalLM"];
  if (name.startsWith("ministral-3")) return ["Mistral3ForConditionalGeneration"];
  return [];
}

/** fp16 KV-cache bytes per token: latent attention (MLA) or 2 x kv heads x head size, times layers. */
export function kvCacheBytesPerToken(facts: ModelFacts): number {
  const heads = facts.numAttentionHeads;
  const headDim = facts.headDim && facts.headDim > 0 ? facts.headDim : heads > 0 ? Math.trunc(facts.hiddenSize / heads) : 0;
  const kvHeads = facts.numKeyValueHeads > 0 ? facts.numKeyValueHeads : heads;
  let elements = 0;
  if (facts.kvLoraRank !== undefined && facts.kvLoraRank > 0) elements = facts.kvLoraRank + (facts.qkRopeHeadDim ?? 0);
  else if (heads > 0 && kvHeads > 0 && headDim > 0) elements = 2 * kvHeads * headDim;
  return elements * facts.numHiddenLayers * 2;
}

/** Disk: the weights' GiB (as written, two decimals) plus 80, truncated to whole GiB. */
export function diskStorageFor(modelFileSize: string): string {
  const gib = Number.parseFloat(modelFileSize.replace(/Gi$/, ""));
  return gibString(Math.trunc((Number.isFinite(gib) ? gib : 0) + SYSTEM_DISK_GIB));
}

/** Startup budget: 15 min + 18 s per GiB of weights, at least 30 min, at most 180 min. */
export function readinessTimeoutSeconds(modelFileSize: string): number {
  const bytes = quantityValue(modelFileSize);
  if (bytes === undefined) return 30 * MINUTE;
  const gib = Number(bytes) / 2 ** 30;
  const seconds = 15 * MINUTE + gib * 18;
  return Math.min(180 * MINUTE, Math.max(30 * MINUTE, seconds));
}

function formats(facts: ModelFacts): { load: string; config: string; tokenizer: string } {
  const load = facts.loadFormat || "auto";
  return {
    load,
    config: facts.configFormat || facts.loadFormat || "auto",
    tokenizer: facts.tokenizerMode || facts.loadFormat || "auto",
  };
}

function vllmParamsOf(facts: ModelFacts, name: string, architectures: readonly string[]): Record<string, string> {
  const f = formats(facts);
  const params: Record<string, string> = { load_format: f.load, config_format: f.config, tokenizer_mode: byPrefix(TOKENIZER_MODE_BY_PREFIX, name) ?? f.tokenizer };
  const kvDtype = byPrefix(KV_CACHE_DTYPE_BY_PREFIX, name);
  if (kvDtype) params["kv-cache-dtype"] = kvDtype;
  const gdn = byPrefix(GDN_PREFILL_BACKEND_BY_PREFIX, name);
  if (gdn) params["gdn-prefill-backend"] = gdn;
  if (EXPERT_PARALLEL_PREFIXES.some((p) => name.startsWith(p))) params["enable-expert-parallel"] = "";
  if (FLASHINFER_AUTOTUNE_OFF_PREFIXES.some((p) => name.startsWith(p))) params["kernel-config.enable_flashinfer_autotune"] = "False";
  params["trust-remote-code"] = "";
  params.dtype = facts.quantMethod ? "auto" : "bfloat16";
  const tool = toolCallParser(name, architectures);
  if (tool) {
    params["tool-call-parser"] = tool;
    params["enable-auto-tool-choice"] = "";
  }
  const template = byPrefix(CHAT_TEMPLATE_BY_PREFIX, name);
  if (template) params["chat-template"] = `/workspace/chat_templates/${template}`;
  if (!NON_REASONING_MODELS.has(name)) {
    const reasoning = byPrefix(REASONING_PARSER_BY_PREFIX, name) ?? byArchitecture(REASONING_PARSER_BY_ARCHITECTURE, architectures);
    if (reasoning) params["reasoning-parser"] = reasoning;
  }
  return params;
}

/** The preset KAITO generates for a model, given its lower-case Hugging Face id and its facts. */
export function presetFor(id: string, facts: ModelFacts): Preset {
  const name = (id.split("/").pop() ?? id).toLowerCase();
  const architectures = architecturesOf(facts, name);
  const requiresDeepGemm = architectures.some((a) => DEEP_GEMM_ARCHITECTURES.has(a));
  const transformersParams = TRANSFORMERS_RUN_PARAMS[name];
  return {
    id,
    name,
    facts,
    architectures,
    modelFileSize: facts.modelFileSize,
    diskStorage: diskStorageFor(facts.modelFileSize),
    bytesPerToken: kvCacheBytesPerToken(facts),
    modelTokenLimit: facts.modelTokenLimit,
    gated: facts.gated === true,
    vllmParams: vllmParamsOf(facts, name, architectures),
    ...(transformersParams ? { transformersParams } : {}),
    readinessTimeoutSeconds: readinessTimeoutSeconds(facts.modelFileSize),
    requiresDeepGemm,
    requiresCudaToolkit: requiresDeepGemm || FLASHINFER_MODELS.has(name),
  };
}
