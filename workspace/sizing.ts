// How many nodes of an instance type a preset needs. KAITO's classic rule: the model's total GPU
// memory must fit in the GPU memory of `count` nodes, each GPU must meet the per-GPU minimum,
// and the GPU count must be reached; a model that needs several nodes must be able to span them.
import type { InstanceType, ModelPreset } from "./catalog/types.js";

export interface Fit {
  /** The smallest node count that holds the model. */
  readonly minNodes: number;
  /** The GPUs of this instance type are each too small for the preset. */
  readonly perGPUTooSmall: boolean;
  readonly perGPUMemoryGiB: number;
}

export function fitPreset(preset: ModelPreset, it: InstanceType): Fit {
  const perGPUMemoryGiB = it.gpuMemoryGiB / it.gpuCount;
  const byMemory = Math.ceil(preset.gpuMemoryGiB / it.gpuMemoryGiB);
  const byCount = Math.ceil(preset.gpuCount / it.gpuCount);
  return {
    minNodes: Math.max(1, byMemory, byCount),
    perGPUTooSmall: preset.perGPUMemoryGiB > perGPUMemoryGiB,
    perGPUMemoryGiB,
  };
}

/** The instance type can serve the preset on `nodes` nodes or fewer. */
export function fitsOn(preset: ModelPreset, it: InstanceType, nodes: number): boolean {
  const fit = fitPreset(preset, it);
  return !fit.perGPUTooSmall && fit.minNodes <= nodes;
}

/** Share of the GPU memory of `nodes` nodes the model takes, 0..1+. */
export function memoryUse(preset: ModelPreset, it: InstanceType, nodes: number): number {
  return preset.gpuMemoryGiB / (it.gpuMemoryGiB * nodes);
}

/**
 * Instance types that would serve the preset on a single node, smallest first, preferring the
 * cloud of the type the user chose: the suggestion a "does not fit" message ends with.
 */
export function singleNodeAlternatives(
  preset: ModelPreset,
  types: Iterable<InstanceType>,
  neededGiB: number,
  preferCloud?: string,
  limit = 4,
): InstanceType[] {
  return [...types]
    .filter((t) => !t.deprecated && t.gpuMemoryGiB >= neededGiB && t.gpuMemoryGiB / t.gpuCount >= preset.perGPUMemoryGiB)
    .filter((t) => t.gpuCount >= preset.gpuCount)
    .sort(
      (a, b) =>
        Number(b.cloud === preferCloud) - Number(a.cloud === preferCloud) ||
        a.gpuMemoryGiB - b.gpuMemoryGiB ||
        a.gpuCount - b.gpuCount ||
        a.name.localeCompare(b.name),
    )
    .slice(0, limit);
}

export const gib = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(2).replace(/0+$/, "")} GiB`;
