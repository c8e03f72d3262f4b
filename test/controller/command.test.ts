// `kaito-gitops controller`: its help and its refusals (a run against a real API server is in
// test/e2e/controller.test.ts, in-process; the command itself only parses flags around it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";

test("controller --help names every flag", async () => {
  const r = await runCli(["controller", "--help"]);
  assert.equal(r.code, 0);
  for (const flag of ["--kubeconfig", "--namespace", "--leader-elect=true|false", "--concurrency", "--log-level", "--node-claim", "--workload", "--models-lock"]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});

test("the command is listed in the CLI's usage", async () => {
  const r = await runCli(["--help"]);
  assert.match(r.stdout, /^ {2}controller {6}run the Workspace controller alone/m);
});

for (const [args, message] of [
  [["--leader-elect=maybe"], /--leader-elect must be true or false/],
  [["--concurrency", "0"], /--concurrency must be a whole number from 1 to 64/],
  [["--log-level", "loud"], /--log-level must be one of/],
  [["--node-claim", "Pod"], /--node-claim must be one of Machine, NodeClaim/],
  [["extra"], /takes no arguments/],
  [["--namespace", ""], /--namespace must not be empty/],
] as const) {
  test(`controller ${args.join(" ")}: a usage error, exit 2, before touching any cluster`, async () => {
    const r = await runCli(["controller", ...args], { env: { KUBECONFIG: "/nonexistent" } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  });
}
