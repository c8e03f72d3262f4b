// What is read for a Workspace (controller/cluster-facts.ts), from objects nothing has checked
// yet: only names that can be objects' names, each once, with the field naming it; the Node
// selector never narrower than a profile's own filter; Secrets reduced to their key names.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secretKeysOnly, wantedFacts, wantsNothing } from "../../controller/cluster-facts.js";

describe("wantedFacts", () => {
  it("names the ConfigMaps and Secrets of inference and tuning, each once, in the Workspace's namespace", () => {
    const wanted = wantedFacts(
      {
        metadata: { namespace: "team-a" },
        inference: { config: "cfg", preset: { presetOptions: { modelAccessSecret: "hf" } } },
        tuning: { config: "cfg", preset: { presetOptions: { modelAccessSecret: "hf-2" } } },
      },
      "default",
      false,
    );
    assert.equal(wanted.namespace, "team-a");
    assert.deepEqual(wanted.configMaps, [{ name: "cfg", field: "inference.config" }]);
    assert.deepEqual(wanted.secrets, [
      { name: "hf", field: "inference.preset.presetOptions.modelAccessSecret" },
      { name: "hf-2", field: "tuning.preset.presetOptions.modelAccessSecret" },
    ]);
    assert.equal(wanted.nodeLabels, undefined, "no Nodes without bring-your-own nodes");
  });

  it("falls back to the given namespace, and asks for nothing a name cannot be", () => {
    const hostile = [
      { inference: { config: 42 } },
      { inference: { config: "../secrets/x" } },
      { inference: { config: "UPPER" } },
      { inference: { config: "a".repeat(254) } },
      { inference: { config: "" } },
      { inference: "not an object" },
      { inference: { preset: { presetOptions: { modelAccessSecret: ["hf"] } } } },
      null,
      "a string",
      [],
    ];
    for (const object of hostile) assert.ok(wantsNothing(wantedFacts(object, "default", false)), JSON.stringify(object));
    assert.ok(wantsNothing(wantedFacts({ metadata: { namespace: "Bad/NS" }, inference: { config: "cfg" } }, "default", false)), "a namespace that cannot exist");
    assert.equal(wantedFacts({ inference: { config: "cfg" } }, "fallback", false).namespace, "fallback");
  });

  it("with bring-your-own nodes, selects Nodes by the plain matchLabels only (never by KAITO's own or unusable ones)", () => {
    const wanted = wantedFacts(
      {
        resource: {
          labelSelector: {
            matchLabels: { apps: "phi", "kaito.sh/workspace": "phi", "bad value": "x", odd: "a,b=c", pool: "gpu", num: 3 },
          },
        },
      },
      "default",
      true,
    );
    assert.deepEqual(wanted.nodeLabels, { apps: "phi", pool: "gpu" });
    assert.ok(!wantsNothing(wanted), "Nodes are read even when nothing else is named");
    assert.deepEqual(wantedFacts({}, "default", true).nodeLabels, {}, "no labels: every Node, as the profile filters them");
  });
});

describe("secretKeysOnly", () => {
  it("keeps the key names and drops every value, including stringData and annotations", () => {
    const kept = secretKeysOnly({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "hf", namespace: "ns", annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{\"stringData\":{\"HF_TOKEN\":\"hf_secret\"}}" } },
      type: "Opaque",
      data: { HF_TOKEN: "aGZfc2VjcmV0" },
      stringData: { OTHER: "plain" },
    });
    assert.deepEqual(kept, { apiVersion: "v1", kind: "Secret", metadata: { name: "hf", namespace: "ns" }, type: "Opaque", data: { HF_TOKEN: "", OTHER: "" } });
    assert.ok(!JSON.stringify(kept).includes("hf_secret") && !JSON.stringify(kept).includes("aGZf"));
  });
});
