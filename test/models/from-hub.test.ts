// From the hub's answers to lock facts, as KAITO v0.12's generator derives them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  factsFromHub,
  formatGiB,
  HubAnswerError,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_DEPTH,
  mergeTextConfig,
  parseFileList,
  parseModelConfig,
  selectWeightFiles,
} from "../../workspace/models/from-hub.js";
import type { HubFile, JsonObject } from "../../workspace/models/from-hub.js";
import { corpusHubModels } from "../helpers/hub-answers.js";

const file = (path: string, size: number): HubFile => ({ type: "file", path, size });
const facts = (files: HubFile[], config: JsonObject, id = "org/model") => factsFromHub({ id, files, config, gated: false });
const base = { architectures: ["LlamaForCausalLM"], hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32 };

describe("formatGiB", () => {
  it("prints GiB with two decimals, rounding exactly", () => {
    assert.equal(formatGiB(0), "0.00Gi");
    assert.equal(formatGiB(1n << 30n), "1.00Gi");
    assert.equal(formatGiB(15_231_271_856 + 27_752), "14.19Gi");
    // 0.125 GiB exactly: a tie, which Go's %.2f rounds to the even hundredth.
    assert.equal(formatGiB(134_217_728), "0.12Gi");
    // 0.375 GiB: a tie rounding up to the even hundredth.
    assert.equal(formatGiB(402_653_184), "0.38Gi");
    assert.equal(formatGiB(134_217_729), "0.13Gi");
    assert.equal(formatGiB(688_572_124_160n), "641.28Gi");
    assert.equal(formatGiB(Math.round(641.3 * 2 ** 30)), "641.30Gi");
  });
});

describe("weight files", () => {
  it("counts every name containing .safetensors, the index too, and prefers them to .bin", () => {
    const picked = selectWeightFiles([file("a.safetensors", 1), file("model.safetensors.index.json", 2), file("pytorch_model.bin", 4), file("README.md", 8)]);
    assert.deepEqual(picked.files.map((f) => f.path), ["a.safetensors", "model.safetensors.index.json"]);
    assert.equal(picked.mistralFormat, false);
  });
  it("falls back to .bin files, then to nothing", () => {
    assert.deepEqual(selectWeightFiles([file("pytorch_model.bin", 4), file("training_args.bin", 1)]).files.length, 2);
    assert.deepEqual(selectWeightFiles([file("README.md", 4)]).files, []);
  });
  it("takes Mistral's consolidated files alone and switches the formats to mistral", () => {
    const files = [file("consolidated.safetensors", 10 * 2 ** 30), file("model-00001-of-00002.safetensors", 5 * 2 ** 30), file("params.json", 1)];
    assert.deepEqual(selectWeightFiles(files).files.map((f) => f.path), ["consolidated.safetensors"]);
    const f = facts(files, { ...base, architectures: ["MistralForCausalLM"] }, "mistralai/Mistral-7B-Instruct-v0.3");
    assert.equal(f.modelFileSize, "10.00Gi");
    assert.deepEqual([f.loadFormat, f.configFormat, f.tokenizerMode], ["mistral", "mistral", "mistral"]);
  });
  it("refuses a repository without weights, naming the model", () => {
    assert.throws(() => facts([file("README.md", 1)], base, "acme/empty"), /no \.safetensors or \.bin files.*acme\/empty/);
  });
});

describe("config.json", () => {
  it("reads Python's NaN and Infinity as null, as KAITO does", () => {
    const c = parseModelConfig('{"a": NaN, "b": [1, -Infinity], "c":Infinity, "hidden_size": 8}', "x");
    assert.deepEqual(c, { a: null, b: [1, null], c: null, hidden_size: 8 });
  });
  it("is bounded in size and depth, and must be an object", () => {
    assert.throws(() => parseModelConfig(" ".repeat(MAX_CONFIG_BYTES + 1), "big"), /larger than/);
    const deep = "[".repeat(MAX_CONFIG_DEPTH + 1) + "]".repeat(MAX_CONFIG_DEPTH + 1);
    assert.throws(() => parseModelConfig(`{"a": ${deep}}`, "deep"), /deeper than/);
    assert.throws(() => parseModelConfig("[1]", "arr"), /must hold a JSON object/);
    assert.throws(() => parseModelConfig('{"a": 1', "cut"), HubAnswerError);
  });
  it("lifts text_config keys the top level lacks (multimodal models)", () => {
    const merged = mergeTextConfig({ architectures: ["Gemma3ForConditionalGeneration"], hidden_size: 1, text_config: { hidden_size: 2560, num_hidden_layers: 34 } });
    assert.equal(merged.hidden_size, 1);
    assert.equal(merged.num_hidden_layers, 34);
    assert.equal(mergeTextConfig({ llm_config: { n_layer: 3 } }).n_layer, 3);
  });
});

describe("facts", () => {
  it("takes the first key KAITO knows for each fact, numbers or decimal strings", () => {
    const f = facts([file("m.safetensors", 2 ** 30)], { architectures: ["GPT2LMHeadModel"], n_embd: 768, n_layer: "12", n_head: 12.9, n_ctx: 1024 });
    assert.deepEqual([f.hiddenSize, f.numHiddenLayers, f.numAttentionHeads, f.modelTokenLimit], [768, 12, 12, 1024]);
  });
  it("defaults the context length to 2048 and key/value heads to the attention heads (1 for multi-query)", () => {
    const f = facts([file("m.safetensors", 1)], base);
    assert.equal(f.modelTokenLimit, 2048);
    assert.equal(f.numKeyValueHeads, 32);
    assert.equal(facts([file("m.safetensors", 1)], { ...base, multi_query: true }).numKeyValueHeads, 1);
  });
  it("keeps head_dim only when it is not hidden size / heads", () => {
    assert.equal(facts([file("m.safetensors", 1)], { ...base, head_dim: 128 }).headDim, undefined);
    assert.equal(facts([file("m.safetensors", 1)], { ...base, head_dim: 256 }).headDim, 256);
  });
  it("reads multi-head latent attention and quantization", () => {
    const f = facts([file("m.safetensors", 1)], {
      ...base,
      architectures: ["DeepseekV3ForCausalLM"],
      kv_lora_rank: 512,
      qk_rope_head_dim: 64,
      quantization_config: { quant_method: "fp8", fmt: "e4m3" },
    });
    assert.deepEqual([f.kvLoraRank, f.qkRopeHeadDim, f.quantMethod, f.quantBits], [512, 64, "fp8", undefined]);
    assert.deepEqual(
      [facts([file("m.safetensors", 1)], { ...base, quantization_config: { quant_method: "awq", bits: 4 } }).quantBits],
      [4],
    );
  });
  it("refuses an architecture vLLM does not serve with KAITO's words, and lets none through", () => {
    assert.throws(() => facts([file("m.safetensors", 1)], { architectures: ["T5ForConditionalGeneration"] }, "google-t5/T5-small"), {
      message: "unsupported model architecture for google-t5/t5-small: T5ForConditionalGeneration",
    });
    assert.deepEqual(facts([file("m.safetensors", 1)], {}).architectures, []);
    assert.deepEqual(facts([file("m.safetensors", 1)], {}, "mistralai/Ministral-3-3B-Instruct-2512").architectures, ["Mistral3ForConditionalGeneration"]);
  });
  it("refuses numbers that cannot be facts", () => {
    assert.throws(() => facts([file("m.safetensors", 1)], { ...base, hidden_size: -1 }), /hidden_size is -1/);
    assert.throws(() => facts([file("m.safetensors", 1)], { ...base, num_hidden_layers: 1e12 }), /num_hidden_layers/);
  });
});

describe("file lists", () => {
  it("are bounded and typed", () => {
    assert.throws(() => parseFileList("{}", "u"), /must be a JSON array/);
    assert.throws(() => parseFileList('[{"path": "a", "size": -1}]', "u"), /size must be a whole number/);
    assert.throws(() => parseFileList('[{"path": "a", "size": 1', "u"), /not valid JSON/);
    assert.throws(() => parseFileList(JSON.stringify(Array.from({ length: 50_001 }, () => ({ path: "a", size: 1 }))), "u"), /more than/);
    assert.deepEqual(parseFileList('[{"type": "directory", "path": "sub"}]', "u"), [{ type: "directory", path: "sub", size: 0 }]);
  });
});

describe("the corpus answers", () => {
  it("give the sizes and shapes KAITO derived (its disk sizes are int(size) + 80 Gi)", () => {
    const { models } = corpusHubModels();
    const got = Object.fromEntries(
      [...models.values()]
        .filter((m) => !m.id.startsWith("google-t5"))
        .map((m) => {
          const f = factsFromHub({ id: m.id, files: parseFileList(m.tree, m.id), config: parseModelConfig(m.config, m.id), gated: m.gated });
          return [m.id, `${f.modelFileSize} ${f.architectures.join()} ctx=${f.modelTokenLimit} kv=${f.numKeyValueHeads}${f.gated ? " gated" : ""}`];
        }),
    );
    assert.deepEqual(got, {
      "Qwen/Qwen2.5-7B-Instruct": "14.19Gi Qwen2ForCausalLM ctx=32768 kv=4",
      "Qwen/Qwen3-0.6B": "1.40Gi Qwen3ForCausalLM ctx=40960 kv=8",
      "TinyLlama/TinyLlama-1.1B-Chat-v1.0": "2.05Gi LlamaForCausalLM ctx=2048 kv=4",
      "meta-llama/Llama-3.2-1B-Instruct": "2.30Gi LlamaForCausalLM ctx=131072 kv=8 gated",
    });
  });
});
