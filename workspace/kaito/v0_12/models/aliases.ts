// KAITO v0.12.0's model names beyond Hugging Face ids: the legacy short preset names it still
// redirects to a catalog id (pkg/utils/plugin LegacyBuiltinToCatalog) and the short names of
// presets it has withdrawn (supported_models.yaml entries marked deprecated). Data only.

/** Legacy short name (lower case) -> lower-case Hugging Face id. */
export const LEGACY_ALIASES: Readonly<Record<string, string>> = {
  "phi-4": "microsoft/phi-4",
  "phi-4-mini-instruct": "microsoft/phi-4-mini-instruct",
  "llama-3.1-8b-instruct": "meta-llama/llama-3.1-8b-instruct",
  "llama-3.3-70b-instruct": "meta-llama/llama-3.3-70b-instruct",
  "deepseek-r1-distill-llama-8b": "deepseek-ai/deepseek-r1-distill-llama-8b",
  "deepseek-r1-distill-qwen-14b": "deepseek-ai/deepseek-r1-distill-qwen-14b",
  "deepseek-r1-0528": "deepseek-ai/deepseek-r1-0528",
  "deepseek-v3-0324": "deepseek-ai/deepseek-v3-0324",
  "phi-3-mini-4k-instruct": "microsoft/phi-3-mini-4k-instruct",
  "phi-3-mini-128k-instruct": "microsoft/phi-3-mini-128k-instruct",
  "phi-3-medium-4k-instruct": "microsoft/phi-3-medium-4k-instruct",
  "phi-3-medium-128k-instruct": "microsoft/phi-3-medium-128k-instruct",
  "phi-3.5-mini-instruct": "microsoft/phi-3.5-mini-instruct",
  "qwen2.5-coder-7b-instruct": "qwen/qwen2.5-coder-7b-instruct",
  "qwen2.5-coder-32b-instruct": "qwen/qwen2.5-coder-32b-instruct",
  "gpt-oss-20b": "openai/gpt-oss-20b",
  "gpt-oss-120b": "openai/gpt-oss-120b",
  "gemma-3-4b-instruct": "google/gemma-3-4b-it",
  "gemma-3-27b-instruct": "google/gemma-3-27b-it",
  "mistral-7b": "mistralai/mistral-7b-v0.3",
  "mistral-7b-instruct": "mistralai/mistral-7b-instruct-v0.3",
  "ministral-3-3b-instruct": "mistralai/ministral-3-3b-instruct-2512",
  "ministral-3-8b-instruct": "mistralai/ministral-3-8b-instruct-2512",
  "ministral-3-14b-instruct": "mistralai/ministral-3-14b-instruct-2512",
  "mistral-large-3-675b-instruct": "mistralai/mistral-large-3-675b-instruct-2512",
};

/** Short names of presets KAITO withdrew; its webhook names them as deprecated. */
export const DEPRECATED_PRESETS: ReadonlySet<string> = new Set(["phi-2"]);
