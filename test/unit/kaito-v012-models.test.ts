// How KAITO v0.12 finds the model a preset name means: case-insensitive ids, legacy short names,
// the catalog before the lock, gated models needing a token, the served model name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LEGACY_ALIASES } from "../../workspace/kaito/v0_12/models/aliases.js";
import { CATALOG } from "../../workspace/kaito/v0_12/models/catalog.js";
import { diskStorageFor, kvCacheBytesPerToken } from "../../workspace/kaito/v0_12/models/preset.js";
import { catalogFacts, isValidPresetName, modelIdOf, resolveModel } from "../../workspace/kaito/v0_12/models/resolve.js";
import { lockedModel } from "../helpers/model-facts.js";

const noLock = { models: [] };
const withToken = { hasToken: true };

/** A random mix of upper and lower case letters in the same name. */
const recased = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((flags) => [...name].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(""));

describe("KAITO v0.12 model resolution", () => {
  it("resolves every catalog id in any letter case to the same preset, served under its lower-case short name", () => {
    for (const entry of CATALOG) {
      fc.assert(
        fc.property(recased(entry.name), (name) => {
          const r = resolveModel(name, noLock, withToken);
          assert.ok(r.ok, `${name}: ${r.ok ? "" : r.reason}`);
          assert.equal(r.source, "catalog");
          assert.equal(r.preset.id, entry.name.toLowerCase());
          assert.equal(r.preset.name, (entry.name.split("/")[1] ?? "").toLowerCase());
          assert.equal(r.preset.facts, entry);
        }),
        { numRuns: 5 },
      );
    }
  });

  it("redirects every legacy short name, in any case, to a catalog model", () => {
    for (const [alias, id] of Object.entries(LEGACY_ALIASES)) {
      assert.ok(catalogFacts(id), `${alias} -> ${id} is not in the catalog`);
      fc.assert(
        fc.property(recased(alias), (name) => {
          assert.equal(modelIdOf(name), id);
          assert.ok(isValidPresetName(name), name);
        }),
        { numRuns: 5 },
      );
    }
  });

  it("takes only legacy names and org/name ids as preset names", () => {
    for (const bad of ["not-a-preset", "phi-2", "/phi-4", "microsoft/", ""]) assert.equal(isValidPresetName(bad), false, bad);
    const r = resolveModel("not-a-preset", noLock, withToken);
    assert.equal(r.ok, false);
  });

  it("reads models outside the catalog from the lock, case-insensitively, and says how to add a missing one", () => {
    const lock = { models: [lockedModel()] };
    const hit = resolveModel("contoso/tiny-chat-1b", lock, withToken);
    assert.ok(hit.ok);
    assert.equal(hit.source, "lock");
    assert.equal(hit.preset.name, "tiny-chat-1b");
    const miss = resolveModel("contoso/other", lock, withToken);
    assert.equal(miss.ok, false);
    assert.match(miss.ok ? "" : miss.reason, /models add contoso\/other/);
  });

  it("prefers KAITO's catalog over a lock entry for the same id", () => {
    const shadow = lockedModel({ name: "microsoft/Phi-4", modelFileSize: "1.00Gi" });
    const r = resolveModel("microsoft/phi-4", { models: [shadow] }, withToken);
    assert.ok(r.ok);
    assert.equal(r.preset.modelFileSize, "27.31Gi");
  });

  it("needs a token for a gated model and refuses architectures vLLM cannot serve", () => {
    const gated = { models: [lockedModel({ gated: true })] };
    assert.equal(resolveModel("contoso/tiny-chat-1b", gated, { hasToken: false }).ok, false);
    assert.equal(resolveModel("contoso/tiny-chat-1b", gated, { hasToken: true }).ok, true);
    const t5 = { models: [lockedModel({ architectures: ["T5ForConditionalGeneration"] })] };
    assert.equal(resolveModel("contoso/tiny-chat-1b", t5, withToken).ok, false);
  });

  it("sizes disk as whole GiB of weights plus 80, and the KV cache per token from the attention shape", () => {
    assert.equal(diskStorageFor("7.15Gi"), "87Gi");
    assert.equal(diskStorageFor("944.00Gi"), "1Ti");
    // grouped-query attention: 2 x 8 kv heads x 128 head size x 80 layers x 2 bytes
    assert.equal(kvCacheBytesPerToken(lockedModel({ hiddenSize: 8192, numAttentionHeads: 64, numKeyValueHeads: 8, numHiddenLayers: 80 })), 327680);
    // latent attention (MLA): (kv_lora_rank + rope head size) x layers x 2 bytes
    assert.equal(kvCacheBytesPerToken(lockedModel({ kvLoraRank: 512, qkRopeHeadDim: 64, numHiddenLayers: 61 })), 70272);
  });
});
