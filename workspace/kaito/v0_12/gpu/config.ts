// The GPU facts KAITO v0.12.0 sizes a Workspace with: from its instance type (the SKU tables),
// from a bring-your-own node's NVIDIA feature-discovery labels, or from a MIG slice profile.
import type { KubeObject } from "../../../expand/meta.js";
import type { CloudProvider } from "../../types.js";
import { GIB } from "../quantity.js";
import { SKUS } from "./skus.js";

export interface GpuConfig {
  readonly gpuCount: number;
  /** GPU memory of the whole node (or the GPUs the Workspace may use), bytes. */
  readonly gpuMemBytes: bigint;
  readonly gpuModel: string;
  readonly nvme: boolean;
  readonly isMig: boolean;
}

export const LABEL_GPU_PRODUCT = "nvidia.com/gpu.product";
export const LABEL_GPU_COUNT = "nvidia.com/gpu.count";
export const LABEL_GPU_MEMORY = "nvidia.com/gpu.memory";
const LABEL_MIG_CONFIG = "nvidia.com/mig.config";
const LABEL_MIG_STATE = "nvidia.com/mig.config.state";

/** The instance type's GPUs (names compared case-insensitively, as KAITO does), or undefined. */
export function gpuConfigBySku(cloud: CloudProvider, instanceType: string): GpuConfig | undefined {
  const wanted = instanceType.toLowerCase();
  const hit = SKUS[cloud].find((s) => s.sku.toLowerCase() === wanted);
  if (!hit) return undefined;
  return { gpuCount: hit.gpuCount, gpuMemBytes: BigInt(hit.gpuMemGiB) * GIB, gpuModel: hit.gpuModel, nvme: hit.nvme === true, isMig: false };
}

export const supportedSkus = (cloud: CloudProvider): string[] => SKUS[cloud].map((s) => s.sku);

/** A node's GPUs from its labels; a string says what is missing or malformed. */
export function gpuConfigFromNode(node: KubeObject): GpuConfig | string {
  const labels = node.metadata.labels ?? {};
  const name = node.metadata.name ?? "";
  const product = labels[LABEL_GPU_PRODUCT];
  const countText = labels[LABEL_GPU_COUNT];
  const memoryText = labels[LABEL_GPU_MEMORY];
  if (product === undefined || countText === undefined || memoryText === undefined) {
    return `node ${name} lacks the labels ${LABEL_GPU_PRODUCT}, ${LABEL_GPU_COUNT} and ${LABEL_GPU_MEMORY} (NVIDIA GPU feature discovery)`;
  }
  if (!/^[+-]?\d{1,9}$/.test(countText)) return `node ${name}: ${LABEL_GPU_COUNT} is not a whole number: ${countText}`;
  if (!/^[+-]?\d{1,12}$/.test(memoryText)) return `node ${name}: ${LABEL_GPU_MEMORY} is not a whole number of MiB: ${memoryText}`;
  const count = Number.parseInt(countText, 10);
  const memoryMiB = Number.parseInt(memoryText, 10);
  // Per-GPU memory rounded to whole GiB, times the GPUs (KAITO's arithmetic).
  const perGpuGiB = Math.trunc(memoryMiB / 1024 + 0.5);
  const mig = labels[LABEL_MIG_CONFIG];
  return {
    gpuCount: count,
    gpuMemBytes: BigInt(perGpuGiB * count) * GIB,
    gpuModel: product,
    nvme: false,
    isMig: mig !== undefined && mig !== "" && mig !== "all-disabled" && labels[LABEL_MIG_STATE] === "success",
  };
}

/** The GPUs a Workspace may use on a node when it asks for `count` of them (accelerator partition). */
export function scaleToCount(config: GpuConfig, count: number): GpuConfig | string {
  if (count > config.gpuCount) return `partition.count (${count}) exceeds the ${config.gpuCount} GPUs of the node`;
  const perGpu = config.gpuMemBytes / BigInt(config.gpuCount);
  return { ...config, gpuCount: count, gpuMemBytes: perGpu * BigInt(count) };
}
