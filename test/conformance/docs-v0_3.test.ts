// docs/conformance-v0.3.md lists every deliberate deviation of the v0.3 profile: each one the
// conformance run applies to v0.3 cases, and nothing it does not.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { repoPath } from "../helpers/repo.js";
import { V0_3_DEVIATIONS } from "./deviations-v0_3.js";

test("docs/conformance-v0.3.md lists exactly the v0.3 deviations the run applies", () => {
  const doc = readFileSync(repoPath("docs/conformance-v0.3.md"), "utf8");
  const listed = [...doc.matchAll(/^\| `(v0\.3-[a-z0-9.-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), V0_3_DEVIATIONS.map((n) => n.id).sort());
});
