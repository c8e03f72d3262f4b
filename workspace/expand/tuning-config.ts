// The training settings of a tuning Workspace that names no ConfigMap of its own, for LoRA or
// QLoRA (QLoRA adds 4-bit quantization of the frozen base model). Rendered per Workspace and owned
// by it, so it goes when the Workspace goes.
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { TuningMethod, Workspace } from "../api/types.js";
import type { Plan } from "../plan.js";
import { DATA_DIR, RESULTS_DIR, TRAINING_CONFIG_FILE } from "./command.js";
import type { KubeObject } from "./meta.js";
import { namespacedMeta } from "./meta.js";
import { tuningConfigMapName } from "./names.js";

export function trainingConfigText(method: TuningMethod): string {
  const quantization =
    method === "qlora"
      ? [
          "  QuantizationConfig:",
          "    load_in_4bit: true",
          "    bnb_4bit_quant_type: nf4",
          "    bnb_4bit_compute_dtype: bfloat16",
          "    bnb_4bit_use_double_quant: true",
        ]
      : [];
  return [
    `# ${method === "qlora" ? "QLoRA" : "LoRA"} fine-tuning; edit this ConfigMap or name your own in tuning.config.`,
    "training_config:",
    "  ModelConfig:",
    "    torch_dtype: bfloat16",
    "    local_files_only: true",
    "    device_map: auto",
    ...quantization,
    "  LoraConfig:",
    "    r: 8",
    "    lora_alpha: 8",
    "    lora_dropout: 0.0",
    "  TrainingArguments:",
    `    output_dir: ${RESULTS_DIR}`,
    "    ddp_find_unused_parameters: false",
    "    save_strategy: epoch",
    "    per_device_train_batch_size: 1",
    "  DataCollator:",
    "    mlm: true",
    "  DatasetConfig:",
    `    # training data is read from ${DATA_DIR}`,
    "    shuffle_dataset: true",
    "    train_test_split: 1",
    "",
  ].join("\n");
}

export function tuningConfigMap(ws: Workspace, plan: Plan, method: TuningMethod): IConfigMap & KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: namespacedMeta(ws, plan, tuningConfigMapName(plan)),
    data: { [TRAINING_CONFIG_FILE]: trainingConfigText(method) },
  };
}
