// KAITO v0.12's verdicts where its two API versions part ways: the v1alpha1 webhook crashes on a
// preset it has not resolved yet (we admit, with warnings), judges a resolved one by older rules
// (memory fit for every runtime), while v1beta1 lets the node estimator spread vLLM over nodes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KaitoContext, KaitoOutcome } from "../../workspace/kaito/types.js";
import { defaultControllerSettings, emptyClusterFacts, emptyModelLock } from "../../workspace/kaito/types.js";
import { v0_12 } from "../../workspace/kaito/v0_12/index.js";

const ctx = (prewarm: string[] = []): KaitoContext => ({ settings: { ...defaultControllerSettings, prewarmModels: prewarm }, cluster: emptyClusterFacts, models: emptyModelLock });

const workspace = (apiVersion: string, preset: string, instanceType: string, annotations: Record<string, string> = {}) => ({
  apiVersion,
  kind: "Workspace",
  metadata: { name: "ws", namespace: "default", annotations },
  resource: { instanceType, labelSelector: { matchLabels: { apps: "ws" } } },
  inference: { preset: { name: preset } },
});

const accepted = (o: KaitoOutcome) => {
  assert.equal(o.verdict, "accepted", o.verdict === "rejected" ? o.violations.map((v) => v.message).join("; ") : "");
  return o as Extract<KaitoOutcome, { verdict: "accepted" }>;
};

describe("KAITO v0.12 verdicts across API versions", () => {
  it("v1beta1: vLLM spreads a model too big for one node over several (no webhook fit check)", () => {
    const o = accepted(v0_12.generate(workspace("kaito.sh/v1beta1", "meta-llama/Llama-3.3-70B-Instruct", "Standard_NC24ads_A100_v4"), ctx()));
    assert.equal(o.targetNodeCount, 3);
    assert.equal(o.children.filter((c) => c.kind === "NodeClaim").length, 3);
  });

  it("v1beta1: the transformers runtime cannot spread it, so the webhook refuses", () => {
    const o = v0_12.generate(workspace("kaito.sh/v1beta1", "llama-3.3-70b-instruct", "Standard_NC24ads_A100_v4", { "kaito.sh/runtime": "transformers" }), ctx());
    assert.equal(o.verdict, "rejected");
  });

  it("v1alpha1, preset not yet resolved by KAITO: its webhook crashes; we admit and warn what v1beta1 would refuse", () => {
    for (const name of ["llama-3.3-70b-instruct", "meta-llama/Llama-3.3-70B-Instruct", "meta-llama/llama-3.3-70b-instruct"]) {
      const o = accepted(v0_12.generate(workspace("kaito.sh/v1alpha1", name, "Standard_NC24ads_A100_v4", { "kaito.sh/runtime": "transformers" }), ctx()));
      assert.ok(o.warnings.some((w) => w.message.includes("v1alpha1 webhook crashes")), name);
    }
  });

  it("v1alpha1, preset resolved before (lower-case id): the old memory-fit rule refuses even for vLLM", () => {
    const id = "meta-llama/llama-3.3-70b-instruct";
    assert.equal(v0_12.generate(workspace("kaito.sh/v1alpha1", id, "Standard_NC24ads_A100_v4"), ctx([id])).verdict, "rejected");
    accepted(v0_12.generate(workspace("kaito.sh/v1alpha1", id, "Standard_NC80adis_H100_v5"), ctx([id])));
    // The registry is keyed by the lower-case id: another spelling still crashes the webhook.
    accepted(v0_12.generate(workspace("kaito.sh/v1alpha1", "meta-llama/Llama-3.3-70B-Instruct", "Standard_NC24ads_A100_v4"), ctx([id])));
  });

  it("v1alpha1 without an instance type gets the CRD's default and its NodeClaims ask for it", () => {
    const ws = workspace("kaito.sh/v1alpha1", "phi-4-mini-instruct", "");
    delete (ws.resource as { instanceType?: string }).instanceType;
    const o = accepted(v0_12.generate(ws, ctx()));
    const claim = o.children.find((c) => c.kind === "NodeClaim");
    assert.ok(JSON.stringify(claim).includes("Standard_NC24ads_A100_v4"));
  });

  it("an unknown Azure N-series size passes the webhook but leaves KAITO's controller stuck", () => {
    const o = accepted(v0_12.generate(workspace("kaito.sh/v1beta1", "phi-4-mini-instruct", "Standard_NC4as_T4_v3"), ctx()));
    assert.ok(o.reconcileError);
    assert.deepEqual(o.children, []);
    assert.equal(v0_12.generate(workspace("kaito.sh/v1beta1", "phi-4-mini-instruct", "Standard_E4s_v5"), ctx()).verdict, "rejected");
  });
});
