// The training-config templates KAITO v0.12's Helm chart installs in its release namespace
// (charts/kaito/workspace/templates/{lora,qlora}-params.yaml, Apache-2.0, the KAITO authors), as the
// cluster holds them: Helm's ownership label and annotations included. KAITO's controller copies the
// one for the tuning method into the Workspace's namespace when tuning.config is empty; the copy is
// data the Job mounts, so it is reproduced byte for byte. A cluster whose templates differ can say
// so: a ConfigMap of the same name in the release namespace, given as a cluster fact, wins.
import type { KubeObject } from "../../../expand/meta.js";

/** Where KAITO's chart is installed (the Helm release's namespace). */
export const RELEASE_NAMESPACE = "kaito-workspace";
export const RELEASE_NAME = "kaito-workspace";
export const TRAINING_CONFIG_KEY = "training_config.yaml";

export type TuningMethodName = "lora" | "qlora";

export const TEMPLATE_NAMES: Readonly<Record<TuningMethodName, string>> = {
  lora: "lora-params-template",
  qlora: "qlora-params-template",
};

/** The chart's training config; LoRA and QLoRA templates differ only in the quantization settings. */
const trainingConfig = (quantization: string): string => `training_config:
  ModelConfig: # Configurable Parameters: https://huggingface.co/docs/transformers/v4.40.2/en/model_doc/auto#transformers.AutoModelForCausalLM.from_pretrained
    torch_dtype: "bfloat16"
    local_files_only: true
    device_map: "auto"
    # chat_template: "/workspace/chat_templates/phi-3.jinja" # Commented out to use default template

  QuantizationConfig: # Configurable Parameters: https://huggingface.co/docs/transformers/v4.40.2/en/main_classes/quantization#transformers.BitsAndBytesConfig
${quantization}
  LoraConfig: # Configurable Parameters: https://huggingface.co/docs/peft/v0.8.2/en/package_reference/lora#peft.LoraConfig
    r: 8
    lora_alpha: 8
    lora_dropout: 0.0

  TrainingArguments: # Configurable Parameters: https://huggingface.co/docs/transformers/v4.40.2/en/main_classes/trainer#transformers.TrainingArguments
    output_dir: "/mnt/results"
    # num_train_epochs: <Defaults to 3, adjustable>
    ddp_find_unused_parameters: false # Default to false to prevent errors during distributed training
    save_strategy: "no" # Default to no checkpoint saving
    per_device_train_batch_size: 1

  DataCollator: # Configurable Parameters: https://huggingface.co/docs/transformers/v4.40.2/en/main_classes/data_collator#transformers.DataCollatorForLanguageModeling
    mlm: true # Default setting; included to show DataCollator can be updated.

  DatasetConfig: # Configurable Parameters: https://github.com/kaito-project/kaito/blob/main/presets/workspace/tuning/text-generation/cli.py#L44
    shuffle_dataset: true
    train_test_split: 1 # Default to using all data for fine-tuning due to strong pre-trained baseline and typically limited fine-tuning data
    # Expected Dataset format:
    # {"messages": [{"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."}, {"role": "user", "content": "What's the capital of France?"}, {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."}]}
    # e.g. https://huggingface.co/datasets/philschmid/dolly-15k-oai-style
`;

const LORA_TRAINING_CONFIG = trainingConfig(`    load_in_4bit: false
`);

const QLORA_TRAINING_CONFIG = trainingConfig(`    load_in_4bit: true
    bnb_4bit_quant_type: "nf4"
    bnb_4bit_compute_dtype: "bfloat16"
    bnb_4bit_use_double_quant: true
`);

/** The chart's template ConfigMap for a method, in the release namespace, as Helm installed it. */
export function chartTemplate(method: TuningMethodName): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: TEMPLATE_NAMES[method],
      namespace: RELEASE_NAMESPACE,
      labels: { "app.kubernetes.io/managed-by": "Helm" },
      annotations: { "meta.helm.sh/release-name": RELEASE_NAME, "meta.helm.sh/release-namespace": RELEASE_NAMESPACE },
    },
    data: { [TRAINING_CONFIG_KEY]: method === "lora" ? LORA_TRAINING_CONFIG : QLORA_TRAINING_CONFIG },
  };
}
