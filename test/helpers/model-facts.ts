// A model outside KAITO's catalog, as a lock entry would pin it: TinyLlama's shape under a name no
// catalog holds. Tests change the fields they are about.
import type { ModelFacts } from "../../workspace/models/facts.js";

export const lockedModel = (over: Partial<ModelFacts> = {}): ModelFacts => ({
  name: "Contoso/Tiny-Chat-1B",
  modelFileSize: "2.05Gi",
  architectures: ["LlamaForCausalLM"],
  modelTokenLimit: 2048,
  hiddenSize: 2048,
  numHiddenLayers: 22,
  numAttentionHeads: 32,
  numKeyValueHeads: 4,
  ...over,
});
