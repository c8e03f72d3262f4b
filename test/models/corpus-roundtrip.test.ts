// Every corpus case whose model is outside KAITO's catalog, the way a user gets there: `models add`
// against a hub serving the corpus's answers, then the render equals KAITO's output; and the
// render's road (the CLI, reading the lock beside the Workspace) uses that lock.
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Readable } from "node:stream";
import { toExpandOptions } from "../../bin/options.js";
import { desiredState } from "../../controller/desired.js";
import { mutationFor } from "../../webhook/patch.js";
import type { KubeObject, Workspace } from "../../workspace/index.js";
import { parseModelLock } from "../../workspace/models/lock.js";
import { loadVersion } from "../conformance/corpus.js";
import { runCase } from "../conformance/run.js";
import { runCli } from "../helpers/cli.js";
import { corpusRoot } from "../helpers/corpus.js";
import { FAKE_HUB_TOKEN, startFakeHub } from "../helpers/fake-hub.js";
import type { FakeHub } from "../helpers/fake-hub.js";

const cases = loadVersion(corpusRoot(), "v0.12").filter((c) => c.hubAnswers !== undefined);
const presetOf = (c: (typeof cases)[number]) => String((c.workspace.inference as { preset: { name: string } }).preset.name);

let hub: FakeHub;
let dir: string;
before(async () => {
  hub = await startFakeHub();
  dir = await mkdtemp(join(tmpdir(), "corpus-roundtrip-"));
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe("models add, then render, against KAITO's output", () => {
  it("every accepted case renders identically from the lock models add wrote", async () => {
    const accepted = cases.filter((c) => c.expected !== undefined);
    assert.ok(accepted.length >= 5);
    for (const c of accepted) {
      const cwd = await mkdtemp(join(dir, "case-"));
      // A token when the Workspace can present one (its Secret with HF_TOKEN), as KAITO sent one.
      const env: Record<string, string> = c.cluster.secrets.length > 0 ? { HF_TOKEN: FAKE_HUB_TOKEN } : {};
      const add = await runCli(["models", "add", presetOf(c), "--endpoint", hub.url], { cwd, env });
      assert.equal(add.code, 0, `${c.name}: ${add.stderr}`);
      const lock = parseModelLock(await readFile(join(cwd, "kaito-models.lock.yaml"), "utf8"));
      const result = runCase(c, lock);
      assert.equal(result.status, "identical", `${c.name}: ${JSON.stringify(result)}`);
    }
  });

  it("the models KAITO refused are refused by models add, with KAITO's reason or what to do", async () => {
    const refused = cases.filter((c) => c.rejected !== undefined);
    assert.ok(refused.length >= 3);
    for (const c of refused) {
      const cwd = await mkdtemp(join(dir, "refused-"));
      const r = await runCli(["models", "add", presetOf(c), "--endpoint", hub.url], { cwd });
      assert.equal(r.code, 1, c.name);
      if (/401/.test(await readFile(join(c.hubAnswers as string, "requests.tsv"), "utf8"))) assert.match(r.stderr, /is gated/, c.name);
      else if (/unsupported model architecture/.test(c.rejected ?? "")) assert.match(r.stderr, /unsupported model architecture for google-t5\/t5-small/, c.name);
      else assert.match(r.stderr, /no such model/, c.name);
    }
  });
});

describe("the CLI reads the lock beside the Workspace", () => {
  const c = cases.find((x) => x.name === "hf-noncatalog-qwen-qwen3-0.6b-nv36ads-a10-v5");

  it("render and validate: without the lock an error naming the model and models add; with it, KAITO's pod", async () => {
    assert.ok(c);
    const cwd = await mkdtemp(join(dir, "cli-"));
    await copyFile(join(c.dir, "workspace.yaml"), join(cwd, "workspace.yaml"));
    const without = await runCli(["validate", "."], { cwd });
    assert.equal(without.code, 1);
    assert.match(without.stderr, /qwen\/qwen3-0\.6b.*model lock.*kaito-gitops models add/i);

    assert.equal((await runCli(["models", "add", "Qwen/Qwen3-0.6B", "--endpoint", hub.url], { cwd })).code, 0);
    const ok = await runCli(["render", "."], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /--model=qwen\/qwen3-0\.6b/);
    assert.match(ok.stdout, /storage: 81Gi/);
    assert.doesNotMatch(ok.stdout, /kind: ModelLock/, "the lock is read, not rendered");

    // Named elsewhere with --models-lock; a broken one is reported with its position.
    await writeFile(join(dir, "broken.lock.yaml"), "apiVersion: kaito-gitops.io/v1\nkind: ModelLock\nmodels:\n  - name: 3\n");
    const broken = await runCli(["render", "workspace.yaml", "--models-lock", join(dir, "broken.lock.yaml")], { cwd });
    assert.equal(broken.code, 3);
    assert.match(broken.stderr, /broken\.lock\.yaml:4:\d+: models\[0\]\.name/);
  });

  it("the Argo CD plugin finds the lock in the app folder, or the one its parameter names", async () => {
    assert.ok(c);
    const app = await mkdtemp(join(dir, "app-"));
    await copyFile(join(c.dir, "workspace.yaml"), join(app, "workspace.yaml"));
    assert.equal((await runCli(["generate"], { cwd: app })).code, 1);
    assert.equal((await runCli(["models", "add", "Qwen/Qwen3-0.6B", "--endpoint", hub.url, "--lock", "models/pinned.yaml"], { cwd: app })).code, 0);
    const named = await runCli(["generate"], { cwd: app, env: { PARAM_MODELS_LOCK: "models/pinned.yaml" } });
    assert.equal(named.code, 0, named.stderr);
    const cli = await runCli(["render", "workspace.yaml", "--models-lock", "models/pinned.yaml"], { cwd: app });
    assert.equal(named.stdout, cli.stdout, "the plugin renders what the CLI renders");
    const outside = await runCli(["generate"], { cwd: app, env: { PARAM_MODELS_LOCK: "../x.yaml" } });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /models-lock: must be a path inside the app's folder/);
  });
});

describe("the webhook and the controller read the lock --models-lock names", () => {
  it("admit and expand a locked model as the CLI renders it; refuse it without the lock", async () => {
    const c = cases.find((x) => x.name === "hf-noncatalog-tinyllama-tinyllama-1.1b-chat-v1.0-nv36ads-a10-v5");
    assert.ok(c);
    const cwd = await mkdtemp(join(dir, "server-"));
    await copyFile(join(c.dir, "workspace.yaml"), join(cwd, "workspace.yaml"));
    assert.equal((await runCli(["models", "add", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "--endpoint", hub.url], { cwd })).code, 0);

    // The options exactly as `serve` and `controller` build them from their flags.
    const withLock = await toExpandOptions({ "models-lock": "kaito-models.lock.yaml" }, cwd, Readable.from([]));
    const withoutLock = await toExpandOptions({}, cwd, Readable.from([]));
    assert.equal(withoutLock.models.models.length, 0, "servers read only the lock they are given");

    const ws = { ...c.workspace, metadata: { ...(c.workspace.metadata as object), namespace: "default", uid: "00000000-0000-0000-0000-000000000001" } } as unknown as Workspace;
    assert.throws(() => mutationFor(ws, withoutLock), /kaito-gitops models add/);
    const mutation = mutationFor(ws, withLock);
    const desired = desiredState(mutation.workspace, withLock);
    assert.ok(desired.ok, desired.ok ? "" : desired.error);

    const rendered = await runCli(["render", "-o", "json", "workspace.yaml"], { cwd });
    assert.equal(rendered.code, 0, rendered.stderr);
    const items = (JSON.parse(rendered.stdout) as { items: KubeObject[] }).items;
    const cliWorkspace = items.find((o) => o.kind === "Workspace");
    // The CLI renders before the API server gives the Workspace a UID.
    const mutatedMeta: Record<string, unknown> = { ...(mutation.workspace.metadata as Record<string, unknown>) };
    delete mutatedMeta.uid;
    assert.deepEqual({ ...mutation.workspace, metadata: mutatedMeta }, cliWorkspace, "the webhook's Workspace is the CLI's");
    const kinds = (objs: readonly KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(kinds(desired.expansion.children), kinds(items.filter((o) => o.kind !== "Workspace")));
    const sts = (objs: readonly KubeObject[]) => JSON.stringify((objs.find((o) => o.kind === "StatefulSet") as { spec?: unknown } | undefined)?.spec);
    assert.equal(sts(desired.expansion.children), sts(items), "the controller's StatefulSet is the CLI's");
  });
});
