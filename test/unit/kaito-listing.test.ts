// The profiles' listings (what `presets` and `instance-types` print) agree with what a render of
// the same release accepts: every listed model resolves, every listed instance type sizes a node,
// every legacy name points at its model, and the order is stable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { kaitoProfile } from "../../workspace/kaito/profiles.js";
import type { InstanceTypeListing, ModelListing } from "../../workspace/kaito/types.js";
import { sortInstanceTypes, sortModels } from "../../workspace/kaito/common/listing-order.js";
import { LEGACY_ALIASES } from "../../workspace/kaito/v0_12/models/aliases.js";
import { CATALOG } from "../../workspace/kaito/v0_12/models/catalog.js";
import { resolveModel } from "../../workspace/kaito/v0_12/models/resolve.js";
import { gpuConfigBySku } from "../../workspace/kaito/v0_12/gpu/config.js";
import { tunableModelNames } from "../../workspace/kaito/v0_12/tuning/index.js";
import { presetV03 } from "../../workspace/kaito/v0_3/presets.js";
import { WEBHOOK_SKUS_V03 } from "../../workspace/kaito/v0_3/skus.js";
import { lockedModel } from "../helpers/model-facts.js";

const v012 = kaitoProfile("v0.12");
const v03 = kaitoProfile("v0.3");

describe("KAITO v0.12's listing", () => {
  const { models, instanceTypes } = v012.catalog({ models: [] });
  const usable = models.filter((m) => !m.deprecated);

  it("lists every catalog model once, and each resolves from the catalog", () => {
    assert.deepEqual(usable.map((m) => m.name).sort(), CATALOG.map((m) => m.name).sort());
    for (const m of usable) {
      const r = resolveModel(m.name, { models: [] }, { hasToken: false });
      assert.ok(r.ok && r.source === "catalog", m.name);
      assert.equal(m.source, "builtin");
      assert.equal(m.runtimes[0], "vllm", m.name);
    }
  });

  it("puts every legacy short name on the model it redirects to, and no other", () => {
    const listed = usable.flatMap((m) => m.aliases.map((a) => [a, m.name.toLowerCase()] as const));
    assert.deepEqual(Object.fromEntries(listed), LEGACY_ALIASES);
    assert.equal(listed.length, Object.keys(LEGACY_ALIASES).length);
  });

  it("marks exactly KAITO's tunable models as tunable", () => {
    const tunable = usable.filter((m) => m.tuning.length > 0).map((m) => m.name.split("/").pop()?.toLowerCase());
    assert.deepEqual(tunable.sort(), tunableModelNames().sort());
  });

  it("lists per cloud the instance types KAITO sizes nodes with", () => {
    for (const t of instanceTypes) {
      const gpu = gpuConfigBySku(t.cloud, t.name);
      assert.ok(gpu, `${t.cloud}/${t.name}`);
      assert.equal(gpu.gpuCount, t.gpuCount);
      assert.equal(gpu.gpuModel, t.gpuModel);
    }
    assert.ok(instanceTypes.some((t) => t.cloud === "aws" && t.name === "g5.12xlarge" && t.gpuCount === 4));
    assert.ok(!instanceTypes.some((t) => t.name === "Standard_NC6s_v3"), "the V100 SKUs KAITO removed");
  });

  it("adds the lock's models, marked, skips lock entries for catalog ids, and shows what vLLM cannot serve", () => {
    const lock = {
      models: [
        lockedModel({ gated: true }),
        lockedModel({ name: "MICROSOFT/phi-4", modelFileSize: "1.00Gi" }),
        lockedModel({ name: "Contoso/Odd-1B", architectures: ["NotAModelVllmKnows"] }),
      ],
    };
    const withLock = v012.catalog(lock).models;
    const fromLock = withLock.filter((m) => m.source === "lock");
    assert.deepEqual(fromLock.map((m) => m.name), ["Contoso/Odd-1B", "Contoso/Tiny-Chat-1B"]);
    assert.deepEqual(fromLock.map((m) => [m.runtimes, m.gated]), [[[], false], [["vllm"], true]]);
    assert.equal(withLock.find((m) => m.name === "microsoft/phi-4")?.weightsSize, "27.31Gi", "the catalog's entry, not the lock's");
    assert.equal(withLock.length, models.length + 2);
  });
});

describe("KAITO v0.3's listing", () => {
  const { models, instanceTypes } = v03.catalog({ models: [lockedModel()] });

  it("lists its registered presets, each with its image or private, and reads no lock", () => {
    assert.equal(models.length, 17);
    for (const m of models) {
      const preset = presetV03(m.name);
      assert.ok(preset, m.name);
      assert.equal(m.gpuCount, preset.gpuCount);
      assert.equal(m.gpuMemory, `${preset.totalGpuMemoryGi}Gi`);
      assert.equal(m.image === "private", preset.imageAccessMode === "private", m.name);
      assert.equal(m.tuning.length > 0, preset.tuning !== undefined, m.name);
    }
    assert.equal(models.find((m) => m.name === "falcon-7b")?.image, "mcr.microsoft.com/aks/kaito/kaito-falcon-7b:0.0.6");
  });

  it("lists every SKU its webhook checks, with the webhook's numbers, and notes AWS", () => {
    for (const [name, sku] of WEBHOOK_SKUS_V03) {
      const t = instanceTypes.find((x) => x.name === name);
      assert.ok(t && t.cloud === "azure", name);
      assert.equal(t.gpuMemoryGiB, sku.gpuMemGi);
    }
    assert.match(instanceTypes.find((t) => t.name === "Standard_ND96amsr_A100_v4")?.note ?? "", /controller's table says 8 GPUs, 80Gi/);
    assert.ok(instanceTypes.filter((t) => t.cloud === "aws").every((t) => /webhook refuses/.test(t.note ?? "")));
  });
});

describe("listing order", () => {
  const model = (name: string): ModelListing => ({ name, source: "builtin", aliases: [], runtimes: [], tuning: [] });
  const sku = (cloud: "azure" | "aws", name: string): InstanceTypeListing => ({ name, cloud, gpuCount: 1, gpuMemoryGiB: 8 });

  it("ignores letter case and compares numbers as numbers", () => {
    assert.deepEqual(sortModels(["falcon-40b", "Falcon-7b", "falcon-7b-instruct", "a/Phi-3-mini-128k", "a/phi-3-mini-4k"].map(model)).map((m) => m.name), [
      "a/phi-3-mini-4k", "a/Phi-3-mini-128k", "Falcon-7b", "falcon-7b-instruct", "falcon-40b",
    ]);
    assert.deepEqual(sortInstanceTypes([sku("azure", "b"), sku("aws", "g5.12xlarge"), sku("aws", "g5.2xlarge")]).map((t) => t.name), ["g5.2xlarge", "g5.12xlarge", "b"]);
  });

  it("gives one order whatever the input order", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(["x10", "x9", "X9", "x09", "x1a", "x1", "y", "Y"], { minLength: 8 }), (names) => {
        const once = sortModels(names.map(model)).map((m) => m.name);
        assert.deepEqual(once, sortModels([...names].reverse().map(model)).map((m) => m.name));
      }),
    );
  });
});
