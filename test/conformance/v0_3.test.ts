// KAITO v0.3.2's own output is the oracle: every case of the corpus's kaito-v0.3 folder renders
// to the same verdict and the same children (after the documented normalisations).
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusRoot } from "../helpers/corpus.js";
import { expand, expandOptions } from "../../workspace/index.js";
import { exampleWorkspaces } from "../helpers/examples.js";
import { loadVersion } from "./corpus.js";
import { V0_3_DEVIATIONS } from "./deviations-v0_3.js";
import { normalise } from "./normalise.js";
import { CORPUS_UID, report, runCase } from "./run.js";

type Json = Record<string, unknown>;

test("KAITO v0.3: every corpus case identical or refused by both", () => {
  const cases = loadVersion(corpusRoot(), "v0.3");
  const r = report("v0.3", cases.map((c) => runCase(c)));
  const bad = [...r.differing, ...r.verdictMismatches, ...r.crashed].map((x) => `${x.case}: ${"detail" in x ? x.detail : x.status}`);
  assert.deepEqual(bad, []);
  assert.equal(r.identical + r.agreedRefusals, cases.length);
  assert.ok(r.identical > 0 && r.agreedRefusals > 0);
});

test("the seed documents' examples (examples/seed-v0.3) render under v0.3 to KAITO v0.3.2's children", () => {
  const seeds = loadVersion(corpusRoot(), "v0.3").filter((c) => c.index.category === "seed");
  const examples = exampleWorkspaces().filter((e) => e.file.startsWith("examples/seed-v0.3/"));
  assert.equal(examples.length, 3);
  for (const example of examples) {
    const ws = example.workspace as { metadata: { name: string; namespace?: string } };
    const seed = seeds.find((c) => (c.workspace.metadata as { name: string }).name === ws.metadata.name && JSON.stringify(c.workspace.resource) === JSON.stringify((example.workspace as Json).resource));
    assert.ok(seed, `${example.file}: no seed case in the corpus`);
    // The corpus ran every seed in the default namespace; an example may name its own.
    const inDefault = { ...example.workspace, metadata: { ...ws.metadata, namespace: "default", uid: CORPUS_UID } };
    const { children } = expand(inDefault, expandOptions({ kaitoVersion: "v0.3", cluster: example.cluster }));
    const name = ws.metadata.name;
    const want = normalise((seed.expected ?? []).filter((o) => o.kind !== "ControllerRevision"), name, V0_3_DEVIATIONS);
    assert.deepEqual(normalise(children, name, V0_3_DEVIATIONS), want, example.file);
    assert.deepEqual(children.map((c) => c.kind).filter((k) => k !== "Machine").sort(), example.file.includes("tuning") ? ["ConfigMap", "Job"] : ["Deployment", "Service"]);
  }
});
