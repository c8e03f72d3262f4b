// docs/conformance.md lists every way our output may differ from KAITO's: each normalisation the
// conformance run applies must be written down there, with its id, and nothing listed may be stale.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { repoPath } from "../helpers/repo.js";
import { V0_3_DEVIATIONS } from "./deviations-v0_3.js";
import { CORPUS_NORMALISATIONS, DELIBERATE_DEVIATIONS } from "./normalise.js";

const doc = readFileSync(repoPath("docs/conformance.md"), "utf8");
const listed = new Set([...doc.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]));

test("every normalisation the conformance run applies is listed in docs/conformance.md", () => {
  for (const n of [...CORPUS_NORMALISATIONS, ...DELIBERATE_DEVIATIONS, ...V0_3_DEVIATIONS]) assert.ok(listed.has(n.id), `docs/conformance.md does not list \`${n.id}\``);
});

test("docs/conformance.md lists no normalisation the run does not apply", () => {
  const applied = new Set([...CORPUS_NORMALISATIONS, ...DELIBERATE_DEVIATIONS, ...V0_3_DEVIATIONS].map((n) => n.id));
  for (const id of listed) assert.ok(applied.has(id as string), `docs/conformance.md lists \`${id}\`, which the run does not apply`);
});
