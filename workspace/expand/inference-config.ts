// The runtime settings of an inference Workspace that names no ConfigMap of its own: rendered per
// Workspace and owned by it (KAITO copied a shared template into the namespace with no owner, so
// it outlived the Workspace).
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { Workspace } from "../api/types.js";
import type { Plan } from "../plan.js";
import { INFERENCE_CONFIG_FILE } from "./command.js";
import type { KubeObject } from "./meta.js";
import { namespacedMeta } from "./meta.js";
import { inferenceConfigMapName } from "./names.js";

/** A10 GPUs need a little more headroom outside vLLM's pool than the rest (KAITO's 0.82). */
const gpuMemoryUtilization = (plan: Plan): string => (plan.instanceType?.gpuModel.includes("A10") ? "0.82" : "0.84");

export function inferenceConfigText(plan: Plan): string {
  return [
    "# Settings of the inference server; edit this ConfigMap or name your own in inference.config.",
    "# Steps to probe for the longest sequence that fits in GPU memory.",
    "max_probe_steps: 6",
    "vllm:",
    "  # Any vLLM engine argument can go here; it wins over the command line.",
    `  gpu-memory-utilization: ${gpuMemoryUtilization(plan)}`,
    "  cpu-offload-gb: 0",
    "  swap-space: 4",
    "",
  ].join("\n");
}

export function inferenceConfigMap(ws: Workspace, plan: Plan): IConfigMap & KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: namespacedMeta(ws, plan, inferenceConfigMapName(plan)),
    data: { [INFERENCE_CONFIG_FILE]: inferenceConfigText(plan) },
  };
}
