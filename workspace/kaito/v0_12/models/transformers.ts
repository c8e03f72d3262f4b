// KAITO v0.12.0's Hugging Face transformers runtime: the models it can serve with it (by short
// name) and their inference_api.py parameters (presets/workspace/models
// transformer_runtime_inference_parameters.go). A model missing here cannot use that runtime.

export const TRANSFORMERS_BASE_COMMAND = "accelerate launch";
export const TRANSFORMERS_MAIN_FILE = "/workspace/tfs/inference_api.py";
export const ACCELERATE_PARAMS: Readonly<Record<string, string>> = { num_processes: "1", num_machines: "1", machine_rank: "0", gpu_ids: "all" };

const phi = { torch_dtype: "auto", pipeline: "text-generation", trust_remote_code: "" };
const mistral = { torch_dtype: "bfloat16", pipeline: "text-generation", chat_template: "/workspace/chat_templates/mistral-instruct.jinja", allow_remote_files: "" };
const gemma3 = { torch_dtype: "auto", pipeline: "text-generation", allow_remote_files: "" };
const qwen = { torch_dtype: "bfloat16", pipeline: "text-generation" };
const llama = { torch_dtype: "bfloat16", pipeline: "text-generation", chat_template: "/workspace/chat_templates/llama-3-instruct.jinja", allow_remote_files: "" };
const gpt = { torch_dtype: "auto", pipeline: "text-generation", allow_remote_files: "" };
const deepseekDistill = { torch_dtype: "bfloat16", pipeline: "text-generation" };
const deepseekLarge = { torch_dtype: "bfloat16", pipeline: "text-generation", allow_remote_files: "" };

/** Short model name -> inference_api.py parameters. */
export const TRANSFORMERS_RUN_PARAMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "phi-4": phi,
  "phi-3-mini-4k-instruct": phi,
  "phi-3-mini-128k-instruct": phi,
  "phi-3-medium-4k-instruct": phi,
  "phi-3-medium-128k-instruct": phi,
  "phi-3.5-mini-instruct": phi,
  "mistral-7b-v0.3": mistral,
  "mistral-7b-instruct-v0.3": mistral,
  "mistral-large-3-675b-instruct": mistral,
  "gemma-3-4b-it": gemma3,
  "gemma-3-27b-it": gemma3,
  "qwen2.5-coder-7b-instruct": qwen,
  "qwen2.5-coder-32b-instruct": qwen,
  "llama-3.1-8b-instruct": llama,
  "llama-3.3-70b-instruct": llama,
  "gpt-oss-20b": gpt,
  "gpt-oss-120b": gpt,
  "deepseek-r1-distill-llama-8b": deepseekDistill,
  "deepseek-r1-distill-qwen-14b": deepseekDistill,
  "deepseek-r1-0528": deepseekLarge,
  "deepseek-v3-0324": deepseekLarge,
};
