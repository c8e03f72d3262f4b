// KAITO v0.3.2's own output is the oracle: every case of the corpus's kaito-v0.3 folder renders
// to the same verdict and the same children (after the documented normalisations).
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusRoot } from "../helpers/corpus.js";
import { loadVersion } from "./corpus.js";
import { report, runCase } from "./run.js";

test("KAITO v0.3: every corpus case identical or refused by both", () => {
  const cases = loadVersion(corpusRoot(), "v0.3");
  const r = report("v0.3", cases.map((c) => runCase(c)));
  const bad = [...r.differing, ...r.verdictMismatches, ...r.crashed].map((x) => `${x.case}: ${"detail" in x ? x.detail : x.status}`);
  assert.deepEqual(bad, []);
  assert.equal(r.identical + r.agreedRefusals, cases.length);
  assert.ok(r.identical > 0 && r.agreedRefusals > 0);
});
