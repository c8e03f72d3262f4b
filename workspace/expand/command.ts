// The command lines of the inference and tuning containers. KAITO built them from Go maps, so
// flag order changed from run to run; here flags are merged (a later flag with the same name
// wins) and sorted, so the same Workspace always renders the same bytes.
import type { ModelPreset } from "../catalog/types.js";
import type { Plan } from "../plan.js";
import { leaderAddress } from "./names.js";

export const INFERENCE_PORT = 5000;
export const TORCH_PORT = 29500;
export const RAY_PORT = 6379;
export const CONFIG_DIR = "/mnt/config";
export const INFERENCE_CONFIG_FILE = "inference_config.yaml";
export const TRAINING_CONFIG_FILE = "training_config.yaml";
export const WEIGHTS_DIR = "/workspace/weights";
export const ADAPTERS_DIR = "/mnt/adapter";
export const DATA_DIR = "/mnt/data";
export const RESULTS_DIR = "/mnt/results";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** A value the shell must expand when the pod starts, such as ${POD_INDEX}. */
const SHELL_VARIABLE = /^\$\{[A-Z_][A-Z0-9_]*\}$/;
const quote = (s: string): string => (SAFE.test(s) || SHELL_VARIABLE.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`);

const flagName = (flag: string): string => flag.replace(/^--/, "").split("=")[0] ?? flag;

/** Flags merged by name (last wins), sorted by name, values quoted for /bin/sh. */
export function mergeFlags(...groups: readonly (readonly string[])[]): string[] {
  const byName = new Map<string, string>();
  for (const flag of groups.flat()) byName.set(flagName(flag), flag);
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, flag]) => {
      const eq = flag.indexOf("=");
      return eq < 0 ? flag : `${flag.slice(0, eq)}=${quote(flag.slice(eq + 1))}`;
    });
}

/** The name clients put in "model": the preset's short name, or the repository's for Hugging Face ids. */
export function servedModelName(preset: ModelPreset): string {
  return (preset.name.includes("/") ? preset.name.split("/").pop() ?? preset.name : preset.name).toLowerCase();
}

const sh = (script: string): string[] => ["/bin/sh", "-c", script];

export function inferenceCommand(plan: Plan, preset: ModelPreset, hasAdapters: boolean): string[] {
  return sh(plan.runtime === "vllm" ? vllmScript(plan, preset, hasAdapters) : transformersScript(plan, preset));
}

function vllmScript(plan: Plan, preset: ModelPreset, hasAdapters: boolean): string {
  const flags = mergeFlags(
    preset.args.vllm ?? [],
    [
      `--served-model-name=${servedModelName(preset)}`,
      `--kaito-config-file=${CONFIG_DIR}/${INFERENCE_CONFIG_FILE}`,
      `--tensor-parallel-size=${plan.gpusPerNode}`,
    ],
    hasAdapters ? ["--enable-lora"] : [],
    preset.weights === "download"
      ? [`--model=${preset.huggingFace}`, `--download-dir=${WEIGHTS_DIR}`, ...(preset.revision ? [`--code-revision=${preset.revision}`] : [])]
      : [],
    plan.distributed ? [`--pipeline-parallel-size=${plan.nodeCount}`, "--distributed-executor-backend=ray"] : [],
  );
  const serve = ["python3", "/workspace/vllm/inference_api.py", ...flags].join(" ");
  if (!plan.distributed) return serve;
  // Pod 0 leads the Ray cluster and serves; the others join it as workers.
  return [
    `if [ "\${POD_INDEX}" = "0" ]; then`,
    `/workspace/vllm/multi-node-serving.sh leader --ray_cluster_size=${plan.nodeCount} --ray_port=${RAY_PORT};`,
    `${serve};`,
    `else /workspace/vllm/multi-node-serving.sh worker --ray_address=${leaderAddress(plan)} --ray_port=${RAY_PORT}; fi`,
  ].join(" ");
}

function transformersScript(plan: Plan, preset: ModelPreset): string {
  const modelFlags = mergeFlags(
    preset.args.transformers ?? [],
    preset.weights === "download"
      ? [`--pretrained_model_name_or_path=${preset.huggingFace}`, "--allow_remote_files", ...(preset.revision ? [`--revision=${preset.revision}`] : [])]
      : [],
  );
  if (preset.weights === "private") {
    // The private llama-2 images run Meta's reference code under torchrun, one process per GPU.
    const rank = plan.distributed ? "${POD_INDEX}" : "0";
    const master = plan.distributed ? leaderAddress(plan) : "localhost";
    const torchrun = mergeFlags([
      `--nnodes=${plan.distributed ? plan.nodeCount : 1}`,
      `--nproc_per_node=${plan.gpusPerNode}`,
      `--node_rank=${rank}`,
      `--master_addr=${master}`,
      `--master_port=${TORCH_PORT}`,
    ]);
    return ["cd /workspace/llama/llama-2 &&", "torchrun", ...torchrun, "inference_api.py", ...modelFlags].join(" ");
  }
  const launch = mergeFlags([
    `--num_processes=${plan.gpusPerNode}`,
    `--num_machines=${plan.distributed ? plan.nodeCount : 1}`,
    `--machine_rank=${plan.distributed ? "${POD_INDEX}" : "0"}`,
    "--gpu_ids=all",
    ...(plan.distributed ? [`--main_process_ip=${leaderAddress(plan)}`, `--main_process_port=${TORCH_PORT}`] : []),
  ]);
  const app = mergeFlags(modelFlags, [`--served_model_name=${servedModelName(preset)}`]);
  return ["accelerate launch", ...launch, "/workspace/tfs/inference_api.py", ...app].join(" ");
}

export function tuningCommand(plan: Plan): string[] {
  // The metrics server reports training progress on the pod's port while accelerate trains.
  return sh(
    `cd /workspace/tfs && python3 metrics_server.py & accelerate launch --num_processes=${plan.gpusPerNode} /workspace/tfs/fine_tuning.py`,
  );
}
