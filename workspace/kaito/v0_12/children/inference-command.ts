// The model server's command line KAITO v0.12.0 gives a preset inference pod: vLLM's
// inference_api.py with the preset's flags plus what the pod's context adds (served name,
// memory share, parallelism, config file, Ray for several nodes), or the transformers runtime's
// accelerate launch.
import type { GpuConfig } from "../gpu/config.js";
import { DEFAULT_GPU_MEMORY_UTILIZATION, GPU_MEMORY_UTILIZATION_BY_GPU_MODEL, HYBRID_KV_CACHE_ARCHITECTURES, LMCACHE_DISABLED_ARCHITECTURES } from "../models/generator-tables.js";
import type { Preset } from "../models/preset.js";
import { ACCELERATE_PARAMS, TRANSFORMERS_BASE_COMMAND, TRANSFORMERS_MAIN_FILE } from "../models/transformers.js";
import { quantityValue } from "../quantity.js";
import { commandLine, ifElse, shell } from "./command.js";

export const VLLM_COMMAND = "python3 /workspace/vllm/inference_api.py";
const RAY_LEADER_COMMAND = "/workspace/vllm/multi-node-serving.sh leader";
const RAY_WORKER_COMMAND = "/workspace/vllm/multi-node-serving.sh worker";
const RAY_PORT = "6379";
export const WEIGHTS_PATH = "/workspace/weights";
export const CONFIG_MOUNT_PATH = "/mnt/config";

export interface VllmContext {
  readonly gpu: GpuConfig;
  readonly nodes: number;
  readonly adapters: boolean;
  readonly performanceMode: string;
  readonly configFile: boolean;
  readonly localWeightsPath?: string;
  readonly leaderHost: string;
}

/** Whether one GPU holds the weights twice over: then KAITO runs data-parallel replicas per GPU. */
function fitsOnOneGpu(preset: Preset, gpu: GpuConfig): boolean {
  if (gpu.gpuCount <= 1) return false;
  const size = quantityValue(preset.modelFileSize);
  if (size === undefined) return false;
  return size * BigInt(gpu.gpuCount) * 2n < gpu.gpuMemBytes;
}

export function vllmCommand(preset: Preset, ctx: VllmContext): string[] {
  const p: Record<string, string> = { ...preset.vllmParams };
  p["served-model-name"] = preset.name;
  p["max-model-len"] = "auto";
  p["gpu-memory-utilization"] = GPU_MEMORY_UTILIZATION_BY_GPU_MODEL[ctx.gpu.gpuModel] ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  p["kv-events-config"] ??= `'{"enable_kv_cache_events":true}'`;
  p["compilation-config.pass_config.fuse_allreduce_rms"] = "False";
  if (ctx.adapters) p["enable-lora"] = "";
  if (ctx.localWeightsPath) {
    p.model = ctx.localWeightsPath;
    p["load-format"] = "runai_streamer";
    delete p.load_format;
  } else {
    p.model = preset.id;
    p["download-dir"] = WEIGHTS_PATH;
  }
  if (ctx.configFile) p["kaito-config-file"] = `${CONFIG_MOUNT_PATH}/inference_config.yaml`;
  if (ctx.performanceMode !== "" && ctx.performanceMode !== "balanced") p["performance-mode"] = ctx.performanceMode;
  const noCpuKvOffload = preset.architectures.some((a) => HYBRID_KV_CACHE_ARCHITECTURES.has(a) || LMCACHE_DISABLED_ARCHITECTURES.has(a)) || ctx.gpu.isMig;
  if (noCpuKvOffload) p["kaito-kv-cache-cpu-memory-utilization"] = "0";
  const multiNode = ctx.nodes > 1;
  if (!multiNode && fitsOnOneGpu(preset, ctx.gpu)) {
    p["data-parallel-size"] = String(ctx.gpu.gpuCount);
    p["tensor-parallel-size"] = "1";
    p["kaito-kv-cache-cpu-memory-utilization"] = "0";
  } else {
    p["tensor-parallel-size"] = String(ctx.gpu.gpuCount);
    if (multiNode) {
      p["kaito-kv-cache-cpu-memory-utilization"] = "0";
      p["pipeline-parallel-size"] = String(ctx.nodes);
      p["distributed-executor-backend"] = "ray";
    }
  }
  if (!multiNode) return shell(commandLine(VLLM_COMMAND, p));
  const leader = `${commandLine(RAY_LEADER_COMMAND, { ray_cluster_size: String(ctx.nodes), ray_port: RAY_PORT })}; ${commandLine(VLLM_COMMAND, p)}`;
  const worker = commandLine(RAY_WORKER_COMMAND, { ray_address: ctx.leaderHost, ray_port: RAY_PORT });
  return shell(ifElse('[ "${POD_INDEX}" = "0" ]', leader, worker));
}

export function transformersCommand(preset: Preset): string[] {
  const p: Record<string, string> = { ...(preset.transformersParams ?? {}) };
  p.served_model_name = preset.name;
  p.pretrained_model_name_or_path = preset.id;
  p.allow_remote_files = "";
  return shell(`${commandLine(TRANSFORMERS_BASE_COMMAND, ACCELERATE_PARAMS)} ${commandLine(TRANSFORMERS_MAIN_FILE, p)}`);
}
