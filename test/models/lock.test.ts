// The model lock file: parse with positions, one schema, sorted stable bytes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ModelFacts } from "../../workspace/models/facts.js";
import { findLockedModel, lockDrift, parseModelLock, serializeModelLock, withLockedModels } from "../../workspace/models/lock.js";
import { unknownModelMessage } from "../../workspace/models/messages.js";

const qwen: ModelFacts = {
  name: "Qwen/Qwen2.5-7B-Instruct",
  revision: "a09a35458c702b33eeacc393d103063234e8bc28",
  modelFileSize: "14.19Gi",
  architectures: ["Qwen2ForCausalLM"],
  modelTokenLimit: 32768,
  hiddenSize: 3584,
  numHiddenLayers: 28,
  numAttentionHeads: 28,
  numKeyValueHeads: 4,
};
const llama: ModelFacts = { ...qwen, name: "meta-llama/Llama-3.2-1B-Instruct", modelFileSize: "2.30Gi", architectures: ["LlamaForCausalLM"], gated: true };

describe("model lock", () => {
  it("round-trips, sorted by id whatever the order given, with the same bytes every time", () => {
    const text = serializeModelLock({ models: [qwen, llama] });
    assert.equal(serializeModelLock({ models: [llama, qwen] }), text);
    assert.deepEqual(parseModelLock(text, "x").models, [llama, qwen]);
    assert.equal(serializeModelLock(parseModelLock(text)), text);
    assert.match(text, /^apiVersion: kaito-gitops.io\/v1\nkind: ModelLock\nmodels:\n {2}- name: meta-llama\/Llama-3.2-1B-Instruct\n/m);
    assert.equal(serializeModelLock({ models: [] }).endsWith("models: []\n"), true);
  });

  it("round-trips any valid entries (property)", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}\/[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
    const n = fc.integer({ min: 0, max: 2 ** 31 - 1 });
    const entry = fc.record(
      {
        name: id,
        revision: fc.stringMatching(/^[0-9a-f]{40}$/),
        modelFileSize: fc.integer({ min: 0, max: 99_999 }).map((h) => `${Math.floor(h / 100)}.${String(h % 100).padStart(2, "0")}Gi`),
        architectures: fc.array(fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/), { maxLength: 3 }),
        modelTokenLimit: n,
        hiddenSize: n,
        numHiddenLayers: n,
        numAttentionHeads: n,
        numKeyValueHeads: n,
        headDim: n,
        quantMethod: fc.constantFrom("fp8", "awq", "gptq"),
        gated: fc.constant(true),
      },
      { requiredKeys: ["name", "modelFileSize", "architectures", "modelTokenLimit", "hiddenSize", "numHiddenLayers", "numAttentionHeads", "numKeyValueHeads"] },
    );
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.name.toLowerCase(), maxLength: 5 }), (models) => {
        const text = serializeModelLock({ models });
        const back = parseModelLock(text, "p");
        assert.equal(serializeModelLock(back), text);
        assert.equal(back.models.length, models.length);
        for (const m of models) assert.deepEqual(findLockedModel(back, m.name.toUpperCase()), { ...m });
      }),
      { numRuns: 100 },
    );
  });

  it("names file:line:col and the field of each error", () => {
    const text = serializeModelLock({ models: [qwen] }).replace("numKeyValueHeads: 4", "numKeyValueHeads: four").replace("modelFileSize: 14.19Gi", "modelFileSize: 14Gi");
    assert.throws(() => parseModelLock(text, "kaito-models.lock.yaml"), (e: Error) => {
      assert.match(e.message, /kaito-models\.lock\.yaml:\d+:\d+: models\[0\]\.numKeyValueHeads: expected an integer/);
      assert.match(e.message, /models\[0\]\.modelFileSize: must match pattern/);
      return true;
    });
    assert.throws(() => parseModelLock("apiVersion: kaito-gitops.io/v1\nkind: ModelLock\nmodels:\n  - name: a/b\n    sizee: 1\n", "l.yaml"), /l\.yaml:5:\d+: models\[0\]\.sizee: unknown field/);
    assert.throws(() => parseModelLock("models: [", "l.yaml"), /l\.yaml:1:\d+/);
    assert.throws(() => parseModelLock("", "l.yaml"), /the model lock is empty/);
    assert.throws(() => parseModelLock("a: 1\n---\nb: 2\n", "l.yaml"), /one YAML document/);
    assert.throws(() => parseModelLock("x".repeat(5 * 1024 * 1024), "l.yaml"), /larger than/);
  });

  it("refuses the same id twice, whatever the letter case", () => {
    const text = serializeModelLock({ models: [qwen] }).replace("models:\n", `models:\n  - ${JSON.stringify({ ...qwen, name: "qwen/qwen2.5-7b-instruct" })}\n`);
    assert.throws(() => parseModelLock(text, "l.yaml"), /already locked at models\[0\]/);
  });

  it("adds or replaces entries by id and reports drift field by field", () => {
    const moved = { ...qwen, name: "QWEN/Qwen2.5-7B-Instruct", revision: "b".repeat(40), modelFileSize: "14.20Gi" };
    const lock = withLockedModels({ models: [qwen, llama] }, [moved]);
    assert.equal(lock.models.length, 2);
    assert.equal(findLockedModel(lock, "qwen/qwen2.5-7b-instruct")?.revision, "b".repeat(40));
    assert.deepEqual(lockDrift(qwen, moved).map((d) => d.split(":")[0]), ["name", "revision", "modelFileSize"]);
    assert.deepEqual(lockDrift(qwen, { ...qwen, gated: false }), []);
  });

  it("says which command adds a model it does not know", () => {
    assert.match(unknownModelMessage("acme/fancy-7b"), /kaito-gitops models add acme\/fancy-7b/);
    assert.match(unknownModelMessage("fancy"), /Hugging Face id/);
  });
});
