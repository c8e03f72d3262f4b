// Facts of KAITO v0.12 about tuning: which models its transformers tuning table knows
// (presets/workspace/models/transformer_runtime_tuning_parameters.go), the weights image each one
// is pulled from (supported_models.yaml: kaito-<name>:<tag>), and the images and paths its tuning
// Job uses. Data only.

/**
 * Models KAITO v0.12 can tune, by the name its model registry gives them: the Hugging Face repo's
 * last path segment, lower-cased (`microsoft/Phi-3-mini-4k-instruct` -> `phi-3-mini-4k-instruct`).
 * `weightsTag` is the tag of the weights image in supported_models.yaml. Where that file has no
 * entry of the same name (mistral-7b-v0.3: the file calls it mistral-7b), KAITO's controller
 * panics looking it up, so such a Workspace is accepted and never gets its Job.
 */
export interface TunableModel {
  readonly weightsTag?: string;
}

export const TUNABLE_MODELS: Readonly<Record<string, TunableModel>> = {
  "phi-4": { weightsTag: "0.2.0" },
  "phi-4-mini-instruct": { weightsTag: "0.2.0" },
  "phi-3-mini-4k-instruct": { weightsTag: "0.2.0" },
  "phi-3-mini-128k-instruct": { weightsTag: "0.2.0" },
  "phi-3-medium-4k-instruct": { weightsTag: "0.2.0" },
  "phi-3-medium-128k-instruct": { weightsTag: "0.2.0" },
  "phi-3.5-mini-instruct": { weightsTag: "0.2.0" },
  "mistral-7b-v0.3": {},
  "qwen2.5-coder-7b-instruct": { weightsTag: "0.2.0" },
  "qwen2.5-coder-32b-instruct": { weightsTag: "0.2.0" },
};

/** The controller's PRESET_REGISTRY_NAME (Helm default). */
export const PRESET_REGISTRY = "mcr.microsoft.com/aks/kaito";
/** The trainer image: the `base` entry of supported_models.yaml. */
export const BASE_IMAGE = `${PRESET_REGISTRY}/kaito-base:0.5.0`;
export const ORAS_PULL_IMAGE = "mcr.microsoft.com/oss/v2/oras-project/oras:v1.2.3";
export const ORAS_PUSH_IMAGE = "ghcr.io/oras-project/oras:v1.2.2";
export const CURL_IMAGE = "curlimages/curl";
export const PAUSE_IMAGE = "registry.k8s.io/pause:latest";

export const weightsImage = (model: string, tag: string): string => `${PRESET_REGISTRY}/kaito-${model}:${tag}`;

export const TUNING_COMMAND_BASE = "cd /workspace/tfs/ && python3 metrics_server.py & accelerate launch";
export const TUNING_MAIN_FILE = "/workspace/tfs/fine_tuning.py";
/** Phi-3 presets (by the preset name as written) get these LoRA target modules by default. */
export const PHI3_TARGET_MODULES = "k_proj,q_proj,v_proj,o_proj,gate_proj,down_proj,up_proj";

export const PATHS = {
  shm: "/dev/shm",
  weights: "/workspace/weights",
  config: "/mnt/config",
  data: "/mnt/data",
  base: "/mnt",
  defaultOutput: "/mnt/output",
  pushSecret: "/root/.docker",
  pullSecrets: "/root/.docker/config.d",
} as const;

/** The file KAITO's trainer writes into the output directory when it is done. */
export const SENTINEL_FILE = "fine_tuning_completed.txt";
/** The files the pusher packs into the adapter image. */
export const ADAPTER_FILES = ["adapter_config.json", "adapter_model.safetensors"] as const;
/** The adapter image's manifest annotation naming the base model (read by KAITO's inference). */
export const MODEL_NAME_ANNOTATION = "sh.kaito.model.name";
/** Port of the trainer's metrics server. */
export const METRICS_PORT = 5000;
