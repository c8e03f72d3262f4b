// Pod-spec parts every GPU workload shares: scheduling onto the Workspace's GPU nodes, all the
// node's GPUs, and a memory-backed /dev/shm (NCCL and PyTorch data loaders need far more than
// the 64 MiB default).
import type { IAffinity } from "kubernetes-models/v1/Affinity";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IToleration } from "kubernetes-models/v1/Toleration";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { Plan } from "../plan.js";

export const GPU_RESOURCE = "nvidia.com/gpu";

export const gpuTolerations = (): IToleration[] => [
  { key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" },
  { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
];

/** Required node affinity to the labels of the Workspace's labelSelector. */
export function nodeAffinity(plan: Plan): IAffinity | undefined {
  const fromLabels = Object.entries(plan.nodeLabels).map(([key, value]) => ({ key, operator: "In" as const, values: [value] }));
  if (fromLabels.length === 0) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: fromLabels }] },
    },
  };
}

export function gpuResources(plan: Plan): IResourceRequirements {
  const gpus = String(plan.gpusPerNode);
  return { requests: { [GPU_RESOURCE]: gpus }, limits: { [GPU_RESOURCE]: gpus } };
}

export const DSHM_VOLUME: IVolume = { name: "dshm", emptyDir: { medium: "Memory" } };
export const DSHM_MOUNT: IVolumeMount = { name: "dshm", mountPath: "/dev/shm" };

/** Pull secrets in first-seen order, without repeats. */
export function pullSecrets(...lists: (readonly string[] | undefined)[]): { name: string }[] | undefined {
  const names = [...new Set(lists.flatMap((l) => l ?? []))];
  return names.length === 0 ? undefined : names.map((name) => ({ name }));
}
