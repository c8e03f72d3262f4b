// The model presets KAITO v0.3.2 registers (presets/models/*/model.go at tag v0.3.2), as data.
// A preset name is matched exactly: v0.3.2 knows no aliases and no Hugging Face ids.

/** How the inference container starts the model server. */
export interface LaunchSpec {
  /** The launcher, e.g. `accelerate launch` or `cd /workspace/llama/llama-2 && torchrun`. */
  readonly baseCommand: string;
  /** Launcher flags (`--key=value`; an empty value prints a bare `--key`). */
  readonly launcherParams: Readonly<Record<string, string>>;
  /** torchrun's rendezvous flags, for the presets that run under torch elastic. */
  readonly rendezvous: boolean;
  /** Flags of the model server script. */
  readonly modelParams: Readonly<Record<string, string>>;
}

export interface TuningSupport {
  readonly baseCommand: string;
  /** Launcher flags before KAITO sets num_processes to the instance type's GPU count. */
  readonly launcherParams: Readonly<Record<string, string>>;
  /** GPUs KAITO falls back to when the controller's SKU table does not know the instance type. */
  readonly gpuCount: number;
}

export interface PresetV03 {
  readonly name: string;
  /** private: the image comes from presetOptions.image (llama-2); public: KAITO's registry. */
  readonly imageAccessMode: "public" | "private";
  /** The Machine's storage request, verbatim (KAITO's value, `400` for falcon-40b is bytes). */
  readonly diskStorage: string;
  readonly gpuCount: number;
  readonly totalGpuMemoryGi: number;
  readonly perGpuMemoryGi: number;
  /** Tag of mcr.microsoft.com/aks/kaito/kaito-<name>; absent for private presets. */
  readonly tag?: string;
  /** torch elastic over several nodes: a StatefulSet with a headless Service. */
  readonly distributed: boolean;
  /** Processes torchrun starts over all nodes (distributed presets). */
  readonly worldSize?: number;
  readonly inference: LaunchSpec;
  /** Absent: KAITO v0.3.2 has no tuning parameters for the preset (its controller then crashes). */
  readonly tuning?: TuningSupport;
}

const ACCELERATE = "accelerate launch";
const ACCELERATE_PARAMS = { num_processes: "1", num_machines: "1", machine_rank: "0", gpu_ids: "all" };
const TUNING_COMMAND = "python3 metrics_server.py & accelerate launch";
const TORCHRUN = "cd /workspace/llama/llama-2 && torchrun";
const TORCHRUN_PARAMS = { nnodes: "1", nproc_per_node: "1", node_rank: "0", master_addr: "localhost", master_port: "29500" };
const LLAMA_PARAMS = { max_seq_len: "512", max_batch_size: "8" };

const falconParams = { torch_dtype: "bfloat16", pipeline: "text-generation" };
const mistralParams = { torch_dtype: "bfloat16", pipeline: "text-generation" };
const phi2Params = { torch_dtype: "float16", pipeline: "text-generation" };
const phi3Params = { torch_dtype: "auto", pipeline: "text-generation", trust_remote_code: "" };

const accelerate = (modelParams: Record<string, string>): LaunchSpec => ({
  baseCommand: ACCELERATE,
  launcherParams: ACCELERATE_PARAMS,
  rendezvous: false,
  modelParams,
});
const torchrun: LaunchSpec = { baseCommand: TORCHRUN, launcherParams: TORCHRUN_PARAMS, rendezvous: true, modelParams: LLAMA_PARAMS };
/** Falcon tunes under accelerate's defaults; the other families pass only num_processes. */
const tuneFalcon = (gpuCount: number): TuningSupport => ({ baseCommand: TUNING_COMMAND, launcherParams: ACCELERATE_PARAMS, gpuCount });
const tunePlain: TuningSupport = { baseCommand: TUNING_COMMAND, launcherParams: {}, gpuCount: 1 };

interface Row {
  readonly disk: string;
  readonly gpus: number;
  readonly total: number;
  readonly perGpu: number;
}
const row = (disk: string, gpus: number, total: number, perGpu: number): Row => ({ disk, gpus, total, perGpu });

function publicPreset(name: string, tag: string, r: Row, inference: LaunchSpec, tuning?: TuningSupport): PresetV03 {
  return {
    name, imageAccessMode: "public", diskStorage: r.disk, gpuCount: r.gpus, totalGpuMemoryGi: r.total, perGpuMemoryGi: r.perGpu,
    tag, distributed: false, inference, ...(tuning ? { tuning } : {}),
  };
}

function llama(name: string, r: Row, worldSize: number, distributed: boolean): PresetV03 {
  return {
    name, imageAccessMode: "private", diskStorage: r.disk, gpuCount: r.gpus, totalGpuMemoryGi: r.total, perGpuMemoryGi: r.perGpu,
    distributed, worldSize, inference: torchrun,
  };
}

export const PRESETS_V03: readonly PresetV03[] = [
  publicPreset("falcon-7b", "0.0.6", row("50Gi", 1, 14, 0), accelerate(falconParams), tuneFalcon(1)),
  publicPreset("falcon-7b-instruct", "0.0.6", row("50Gi", 1, 14, 0), accelerate(falconParams)),
  publicPreset("falcon-40b", "0.0.7", row("400", 2, 90, 0), accelerate(falconParams), tuneFalcon(2)),
  publicPreset("falcon-40b-instruct", "0.0.7", row("400", 2, 90, 0), accelerate(falconParams)),
  publicPreset("mistral-7b", "0.0.7", row("100Gi", 1, 14, 0), accelerate(mistralParams), tunePlain),
  publicPreset("mistral-7b-instruct", "0.0.7", row("100Gi", 1, 16, 0), accelerate(mistralParams)),
  publicPreset("phi-2", "0.0.5", row("50Gi", 1, 12, 0), accelerate(phi2Params), tunePlain),
  publicPreset("phi-3-mini-4k-instruct", "0.0.2", row("50Gi", 1, 9, 0), accelerate(phi3Params), tunePlain),
  publicPreset("phi-3-mini-128k-instruct", "0.0.2", row("50Gi", 1, 9, 0), accelerate(phi3Params), tunePlain),
  publicPreset("phi-3-medium-4k-instruct", "0.0.2", row("50Gi", 1, 28, 0), accelerate(phi3Params), tunePlain),
  publicPreset("phi-3-medium-128k-instruct", "0.0.2", row("50Gi", 1, 28, 0), accelerate(phi3Params), tunePlain),
  llama("llama-2-7b", row("34Gi", 1, 14, 14), 1, false),
  llama("llama-2-13b", row("46Gi", 2, 30, 15), 2, true),
  llama("llama-2-70b", row("158Gi", 8, 152, 19), 8, true),
  llama("llama-2-7b-chat", row("34Gi", 1, 16, 14), 1, false),
  llama("llama-2-13b-chat", row("46Gi", 2, 30, 15), 2, true),
  llama("llama-2-70b-chat", row("158Gi", 8, 192, 19), 8, true),
];

const byName = new Map(PRESETS_V03.map((p) => [p.name, p]));

/** The preset registered under exactly this name, if any. */
export function presetV03(name: string): PresetV03 | undefined {
  return byName.get(name);
}

/** LoRA target modules KAITO sets (DEFAULT_TARGET_MODULES) when it tunes a phi-3 preset. */
export const PHI3_TARGET_MODULES = "k_proj,q_proj,v_proj,o_proj,gate_proj,down_proj,up_proj";
