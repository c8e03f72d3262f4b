// The tables KAITO v0.12.0's preset generator (presets/workspace/generator) reads to turn a model's
// Hugging Face facts into vLLM settings. Keys are prefixes of the model's short name (the last
// segment of its id, lower case) or architecture names. Data only; models/preset.ts applies them.

export const REASONING_PARSER_BY_PREFIX: Readonly<Record<string, string>> = {
  "deepseek-r1": "deepseek_r1", "deepseek-v3": "deepseek_v3", "deepseek-v4": "deepseek_v4", "ernie-4.5": "ernie45",
  "gemma-4": "gemma4", "glm-4.5": "glm45", "granite-3.2": "granite", holo2: "holo2", "hunyuan-a13b": "hunyuan_a13b",
  "kimi-k2": "kimi_k2", laguna: "poolside_v1", "minimax-m2": "minimax_m2_append_think", "minimax-m3": "minimax_m3",
  mimo: "mimo", mistral: "mistral", "olmo-3": "olmo3", qwen3: "qwen3", "qwq-32b": "deepseek_r1", step3: "step3",
};

export const REASONING_PARSER_BY_ARCHITECTURE: Readonly<Record<string, string>> = {
  DeepseekV3ForCausalLM: "deepseek_v3", Ernie4_5_VLMoeForConditionalGeneration: "ernie45", Ernie4_5_MoeForCausalLM: "ernie45",
  Gemma4ForConditionalGeneration: "gemma4", Gemma4UnifiedForConditionalGeneration: "gemma4", Glm4MoeForCausalLM: "glm45",
  GlmMoeDsaForCausalLM: "glm45", HunYuanMoEV1ForCausalLM: "hunyuan_a13b", GraniteForCausalLM: "granite",
  KimiK2ForCausalLM: "kimi_k2", KimiK25ForConditionalGeneration: "kimi_k2", MiniMaxM2ForCausalLM: "minimax_m2_append_think",
  MiniMaxM3SparseForCausalLM: "minimax_m3", MiniMaxM3SparseForConditionalGeneration: "minimax_m3", MiMoForCausalLM: "mimo",
  HYV3ForCausalLM: "hy_v3", LagunaForCausalLM: "poolside_v1", Mistral3ForConditionalGeneration: "mistral",
  MistralForCausalLM: "mistral", NemotronForCausalLM: "nemotron_v3", NemotronHForCausalLM: "nemotron_v3",
  NemotronH_Nano_VL_V2: "nemotron_v3", OlmoForCausalLM: "olmo3", Qwen3ForCausalLM: "qwen3", Qwen3MoeForCausalLM: "qwen3",
  Qwen3_5ForConditionalGeneration: "qwen3", Qwen3_5MoeForConditionalGeneration: "qwen3", GptOssForCausalLM: "openai_gptoss",
  Step3TextForCausalLM: "step3", Step3VLForConditionalGeneration: "step3",
};

/** Models that do not reason: no reasoning parser whatever their name or architecture says. */
export const NON_REASONING_MODELS: ReadonlySet<string> = new Set([
  "mistral-7b-v0.3", "mistral-7b-instruct-v0.3", "ministral-3-3b-instruct-2512", "ministral-3-8b-instruct-2512",
  "ministral-3-14b-instruct-2512", "mistral-large-3-675b-instruct-2512",
]);

export const TOOL_CALL_PARSER_BY_PREFIX: Readonly<Record<string, string>> = {
  "hermes-2": "hermes", "hermes-3": "hermes", mistral: "mistral", "meta-llama-3": "llama3_json", "meta-llama-4": "llama4_pythonic",
  "granite-3": "granite", "granite-4": "granite4", internlm: "internlm", "ai21-jamba": "jamba", "llama-xlama": "xlam", xlam: "xlam",
  "qwq-32b": "hermes", "qwen2.5": "hermes", laguna: "poolside_v1", "minimax-m2": "minimax_m2", "minimax-m3": "minimax_m3",
  mimo: "mimo", lfm2: "lfm2", apertus: "apertus", "deepseek-r1": "deepseek_v3", "deepseek-v3": "deepseek_v3",
  "deepseek-v3.1": "deepseek_v31", "deepseek-v3.2": "deepseek_v32", "deepseek-v4": "deepseek_v4", kimi_k2: "kimi_k2",
  "hunyuan-a13b": "hunyuan_a13b", longcat: "longcat", "glm-4": "glm45", "glm-4.7": "glm47", qwen3: "hermes",
  "qwen3-coder": "qwen3_xml", "qwen3.5": "qwen3_coder", "qwen3.6": "qwen3_coder", "qwen3.8": "qwen3_coder", "olmo-3": "olmo3",
  gigachat3: "gigachat3", "ernie-4.5": "ernie45", "phi4-mini": "phi4_mini_json", step3p5: "step3p5", step3: "step3",
  "seed-oss": "seed_oss", "gemma-3": "functiongemma", "gemma-4": "gemma4",
};

export const TOOL_CALL_PARSER_BY_ARCHITECTURE: Readonly<Record<string, string>> = {
  MistralForCausalLM: "mistral", MistralLarge3ForCausalLM: "mistral", LlamaForCausalLM: "llama3_json",
  Llama4ForConditionalGeneration: "llama4_pythonic", GraniteForCausalLM: "granite", GraniteMoeForCausalLM: "granite",
  GraniteMoeHybridForCausalLM: "granite4", GPTBigCodeForCausalLM: "granite-20b-fc", InternLM2ForCausalLM: "internlm",
  JambaForCausalLM: "jamba", Qwen2ForCausalLM: "hermes", Qwen3ForCausalLM: "hermes", Qwen3MoeForCausalLM: "qwen3_xml",
  Qwen3_5ForConditionalGeneration: "qwen3_coder", Qwen3_5MoeForConditionalGeneration: "qwen3_coder",
  MiniMaxM2ForCausalLM: "minimax_m2", MiniMaxM3SparseForCausalLM: "minimax_m3", MiniMaxM3SparseForConditionalGeneration: "minimax_m3",
  MiMoForCausalLM: "mimo", HYV3ForCausalLM: "hy_v3", LagunaForCausalLM: "poolside_v1", Lfm2ForCausalLM: "lfm2",
  Lfm2MoeForCausalLM: "lfm2", ApertusForCausalLM: "apertus", DeepseekV3ForCausalLM: "deepseek_v3",
  DeepseekV32ForCausalLM: "deepseek_v32", GptOssForCausalLM: "openai", HunYuanMoEV1ForCausalLM: "hunyuan_a13b",
  LongcatFlashForCausalLM: "longcat", Glm4MoeForCausalLM: "glm45", Glm47MoeForCausalLM: "glm47", GlmMoeDsaForCausalLM: "glm47",
  Gemma3ForCausalLM: "functiongemma", Gemma4ForConditionalGeneration: "gemma4", Gemma4UnifiedForConditionalGeneration: "gemma4",
  Olmo3ForCausalLM: "olmo3", SeedOssForCausalLM: "seed_oss", Ernie4_5_VLMoeForConditionalGeneration: "ernie45",
  Ernie4_5_MoeForCausalLM: "ernie45", Step3TextForCausalLM: "step3", Step3p5TextForCausalLM: "step3p5",
  NemotronHForCausalLM: "qwen3_coder", NemotronH_Nano_VL_V2: "qwen3_coder", Phi4MiniForCausalLM: "phi4_mini_json",
  KimiK2ForCausalLM: "kimi_k2", KimiK25ForConditionalGeneration: "kimi_k2", GigaChat3ForCausalLM: "gigachat3",
};

/** Chat templates shipped in the kaito-base image under /workspace/chat_templates/. */
export const CHAT_TEMPLATE_BY_PREFIX: Readonly<Record<string, string>> = {
  "deepseek-r1": "tool-chat-deepseekr1.jinja", "deepseek-v3": "tool-chat-deepseekv3.jinja", "gemma-4": "tool-chat-gemma4.jinja",
  "llama-3": "tool-chat-llama3.1-json.jinja", "phi-4-mini": "tool-chat-phi4-mini.jinja", "qwen2.5": "tool-chat-hermes.jinja",
};

export const TOKENIZER_MODE_BY_PREFIX: Readonly<Record<string, string>> = {
  "deepseek-r1": "deepseek_v32", "deepseek-v3": "deepseek_v32", "deepseek-v4": "deepseek_v4",
};

export const KV_CACHE_DTYPE_BY_PREFIX: Readonly<Record<string, string>> = { "deepseek-v4": "fp8", "glm-5.2-fp8": "fp8" };

export const GDN_PREFILL_BACKEND_BY_PREFIX: Readonly<Record<string, string>> = { "qwen3.5": "triton", "qwen3.6": "triton", "qwen3.8": "triton" };

export const EXPERT_PARALLEL_PREFIXES: readonly string[] = ["minimax-m2"];

export const FLASHINFER_AUTOTUNE_OFF_PREFIXES: readonly string[] = ["deepseek-v3.2"];

/** Architectures vLLM serves only with its hybrid KV-cache manager (KAITO turns its CPU KV offload off). */
export const HYBRID_KV_CACHE_ARCHITECTURES: ReadonlySet<string> = new Set([
  "NemotronHForCausalLM", "NemotronH_Nano_VL_V2", "NemotronHMTPModel", "NemotronHPuzzleForCausalLM", "Gemma4ForCausalLM",
  "Gemma4ForConditionalGeneration", "Gemma4UnifiedForConditionalGeneration", "Qwen3_5ForConditionalGeneration",
  "Qwen3_5MoeForConditionalGeneration", "DeepseekV4ForCausalLM", "DeepseekV32ForCausalLM",
]);

/** Architectures KAITO serves without LMCache (CPU KV offload off). */
export const LMCACHE_DISABLED_ARCHITECTURES: ReadonlySet<string> = new Set(["GptOssForCausalLM"]);

/** Architectures whose kernels need DeepGEMM (VLLM_USE_DEEP_GEMM=1 and the CUDA toolkit on the node). */
export const DEEP_GEMM_ARCHITECTURES: ReadonlySet<string> = new Set(["DeepseekV4ForCausalLM", "DeepseekV32ForCausalLM", "GlmMoeDsaForCausalLM"]);

/** Models (short names) that need FlashInfer, hence the CUDA toolkit on the node. */
export const FLASHINFER_MODELS: ReadonlySet<string> = new Set(["mistral-small-4-119b-2603"]);

/** vLLM's share of GPU memory by GPU model; 0.84 for any other. */
export const GPU_MEMORY_UTILIZATION_BY_GPU_MODEL: Readonly<Record<string, string>> = { "NVIDIA A10": "0.82" };
export const DEFAULT_GPU_MEMORY_UTILIZATION = "0.84";
