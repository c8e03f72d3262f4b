// Golden tests: the rendered output of every example is checked in; any change to the
// expansion shows up as a reviewable diff (regenerate with `npm run golden`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { repoPath } from "../helpers/repo.js";
import { goldenCases } from "./cases.js";

const cases = goldenCases();

test("there is a golden case for every example, covering inference, adapters, tuning and multi-node", () => {
  const files = cases.map((c) => c.golden).join("\n");
  for (const dir of ["inference", "adapters", "tuning", "multi-node"]) assert.match(files, new RegExp(`test/golden/examples/${dir}/`));
});

for (const c of cases) {
  test(`golden: ${c.args.join(" ")}`, async () => {
    const run = await runCli(c.args);
    assert.equal(run.code, 0, run.stderr);
    const expected = readFileSync(repoPath(c.golden), "utf8");
    assert.equal(run.stdout, expected, `${c.golden} differs from the render; if the change is intended, run npm run golden and review the diff`);
  });
}
