// KAITO v0.12.0's node estimator (pkg/workspace/estimator/nodesestimator): how many nodes a vLLM
// Workspace needs so the weights, vLLM's base overhead and the KV cache for the context length fit
// in the GPUs' usable memory. Its result is status.targetNodeCount: one NodeClaim and one
// StatefulSet replica per node.
import type { GpuConfig } from "./gpu/config.js";
import { GIB, quantityValue } from "./quantity.js";

/** vLLM takes this share of each GPU's memory when KAITO sizes (its default utilisation). */
const GPU_MEMORY_UTILIZATION = 0.84;
/** vLLM's in-memory weights are about 2% larger than the files. */
const WEIGHT_EXPANSION = 1.02;
/** CUDA context, activations and the like, per GPU. */
const BASE_OVERHEAD_GIB = 2.3;
/** Extra per-GPU overhead in proportion to the weights on it. */
const OVERHEAD_WEIGHT_FACTOR = 0.05;
/** The context length the estimator assumes unless the inference config sets max-model-len. */
export const DEFAULT_ESTIMATE_CONTEXT = 2048;

export interface EstimateInput {
  /** The weights' size as KAITO writes it (`27.31Gi`). */
  readonly modelFileSize: string;
  readonly bytesPerToken: number;
  readonly gpu: GpuConfig;
  /** The user's max-model-len, when their inference config sets one. */
  readonly contextLength?: number;
  /** resource.count: used only when the GPU facts say nothing about memory. */
  readonly requestedNodes?: number;
}

/** Nodes per replica, or why KAITO's estimator gives up (its controller then retries forever). */
export function estimateNodeCount(input: EstimateInput): number | string {
  const { gpu } = input;
  if (gpu.gpuMemBytes === 0n || gpu.gpuCount <= 0) return input.requestedNodes && input.requestedNodes > 0 ? input.requestedNodes : 1;
  const bytes = quantityValue(input.modelFileSize);
  if (bytes === undefined) return `model size ${JSON.stringify(input.modelFileSize)} is not a quantity`;
  const modelSize = Number(bytes) * WEIGHT_EXPANSION;
  const gpuMemPerGpu = Number(gpu.gpuMemBytes / BigInt(gpu.gpuCount));
  const available = gpuMemPerGpu * GPU_MEMORY_UTILIZATION;
  const contextLength = input.contextLength && input.contextLength > 0 ? input.contextLength : DEFAULT_ESTIMATE_CONTEXT;
  const kvCache = (contextLength * input.bytesPerToken) / gpu.gpuCount;
  const fixedReserve = BASE_OVERHEAD_GIB * Number(GIB) + kvCache;
  const gib = (n: number) => n / Number(GIB);
  if (available <= fixedReserve) {
    return `GPU memory ${gpuMemPerGpu.toFixed(0)} bytes is too small, needs at least ${gib(fixedReserve).toFixed(1)} GB overhead (base: ${BASE_OVERHEAD_GIB.toFixed(1)}GB + KV Cache: ${gib(kvCache).toFixed(1)} GB)`;
  }
  const usablePerGpu = (available - fixedReserve) / (1 + OVERHEAD_WEIGHT_FACTOR);
  const minGpus = Math.trunc(modelSize / usablePerGpu) + 1;
  const nodes = Math.trunc((minGpus + gpu.gpuCount - 1) / gpu.gpuCount);
  if (gpu.isMig && nodes > 1) {
    const overhead = fixedReserve + OVERHEAD_WEIGHT_FACTOR * modelSize;
    return `model needs ${gib(modelSize + overhead).toFixed(1)}GB (weights ${gib(modelSize).toFixed(1)}GB + overhead ${gib(overhead).toFixed(1)}GB) but the MIG slice only provides ${gib(gpuMemPerGpu).toFixed(0)}GB (${gib(available).toFixed(1)}GB available after vLLM gpu-memory-utilization)`;
  }
  return nodes;
}
