// KAITO v0.12's node estimator, as properties that would catch a wrong formula: more model never
// needs fewer nodes, more GPU memory never needs more, a longer context never needs fewer, and the
// known sizings of the 70B Llama on Azure's A100 and H100 instance types.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { estimateNodeCount } from "../../workspace/kaito/v0_12/estimator.js";
import type { GpuConfig } from "../../workspace/kaito/v0_12/gpu/config.js";
import { gpuConfigBySku } from "../../workspace/kaito/v0_12/gpu/config.js";
import { catalogFacts } from "../../workspace/kaito/v0_12/models/resolve.js";
import { presetFor } from "../../workspace/kaito/v0_12/models/preset.js";

const GIB = 1n << 30n;
const gpu = (count: number, gibPerGpu: number): GpuConfig => ({ gpuCount: count, gpuMemBytes: BigInt(count * gibPerGpu) * GIB, gpuModel: "NVIDIA A100", nvme: false, isMig: false });
const nodes = (modelGiB: number, g: GpuConfig, bytesPerToken = 163840, contextLength?: number) => {
  const n = estimateNodeCount({ modelFileSize: `${modelGiB.toFixed(2)}Gi`, bytesPerToken, gpu: g, ...(contextLength ? { contextLength } : {}) });
  assert.equal(typeof n, "number", `estimate failed: ${String(n)}`);
  return n as number;
};

describe("KAITO v0.12 node estimator", () => {
  it("sizes the 70B Llama as KAITO does: 3 single-A100 nodes, 2 dual-A100 nodes, 1 dual-H100 node", () => {
    const facts = catalogFacts("meta-llama/Llama-3.3-70B-Instruct");
    assert.ok(facts);
    const preset = presetFor("meta-llama/llama-3.3-70b-instruct", facts);
    const on = (sku: string) => estimateNodeCount({ modelFileSize: preset.modelFileSize, bytesPerToken: preset.bytesPerToken, gpu: gpuConfigBySku("azure", sku) as GpuConfig });
    assert.equal(on("Standard_NC24ads_A100_v4"), 3);
    assert.equal(on("Standard_NC48ads_A100_v4"), 2);
    assert.equal(on("Standard_NC80adis_H100_v5"), 1);
  });

  it("never asks for fewer nodes for a bigger model", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 500 }), fc.constantFrom(1, 2, 4, 8), fc.constantFrom(24, 40, 80, 94, 141), (size, extra, count, mem) => {
        assert.ok(nodes(size, gpu(count, mem)) <= nodes(size + extra, gpu(count, mem)));
      }),
    );
  });

  it("never asks for more nodes when each GPU has more memory", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(1, 2, 4, 8), fc.integer({ min: 24, max: 100 }), fc.integer({ min: 0, max: 100 }), (size, count, mem, more) => {
        assert.ok(nodes(size, gpu(count, mem + more)) <= nodes(size, gpu(count, mem)));
      }),
    );
  });

  it("never asks for fewer nodes for a longer context", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 2048, max: 32768 }), fc.integer({ min: 0, max: 32768 }), (size, ctx, more) => {
        assert.ok(nodes(size, gpu(8, 80), 131072, ctx) <= nodes(size, gpu(8, 80), 131072, ctx + more));
      }),
    );
  });

  it("always gives enough usable GPU memory for the weights", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.constantFrom(1, 2, 4, 8), fc.constantFrom(24, 80, 141), (size, count, mem) => {
        const n = nodes(size, gpu(count, mem));
        assert.ok(n * count * mem * 0.84 > size * 1.02, `${n} nodes of ${count}x${mem}GiB for ${size}GiB`);
      }),
    );
  });

  it("says why when the KV cache alone does not fit, and refuses to spread a model over MIG slices", () => {
    const tooSmall = estimateNodeCount({ modelFileSize: "1.00Gi", bytesPerToken: 4 * 1024 * 1024, gpu: gpu(1, 10), contextLength: 4096 });
    assert.match(String(tooSmall), /too small/);
    const mig = estimateNodeCount({ modelFileSize: "27.31Gi", bytesPerToken: 163840, gpu: { ...gpu(1, 10), isMig: true } });
    assert.match(String(mig), /MIG slice/);
  });

  it("falls back to resource.count when the GPUs' memory is unknown", () => {
    assert.equal(estimateNodeCount({ modelFileSize: "27.31Gi", bytesPerToken: 1, gpu: { ...gpu(1, 0) }, requestedNodes: 3 }), 3);
  });
});
