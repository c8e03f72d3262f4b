// `kaito-gitops models add|verify` against a fake hub on 127.0.0.1: the right lock or the right
// error, and never a half-written lock.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { HubClient } from "../../hub/client.js";
import { resolveModel } from "../../hub/resolve.js";
import { parseModelLock } from "../../workspace/models/lock.js";
import { runCli } from "../helpers/cli.js";
import { FAKE_HUB_TOKEN, HOSTILE, startFakeHub } from "../helpers/fake-hub.js";
import type { FakeHub } from "../helpers/fake-hub.js";

let hub: FakeHub;
let dir: string;
let n = 0;

before(async () => {
  hub = await startFakeHub();
  dir = await mkdtemp(join(tmpdir(), "models-cli-"));
});
after(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh folder per test; the lock is written there. */
async function folder(): Promise<string> {
  const d = join(dir, String(n++));
  await mkdir(d);
  return d;
}

const add = (cwd: string, ids: string[], extra: string[] = [], env: Record<string, string> = {}) =>
  runCli(["models", "add", ...ids, "--endpoint", hub.url, "--timeout", "2", ...extra], { cwd, env });

const lockOf = async (cwd: string) => parseModelLock(await readFile(join(cwd, "kaito-models.lock.yaml"), "utf8"));
const filesIn = async (cwd: string) => (await readdir(cwd)).sort();

describe("models add", () => {
  it("pins several models from the hub, sorted, with the revision and progress on stderr", async () => {
    const cwd = await folder();
    const r = await add(cwd, ["tinyllama/tinyllama-1.1b-chat-v1.0", "Qwen/Qwen2.5-7B-Instruct", "qwen/qwen3-0.6b"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /\[1\/3\] tinyllama\/tinyllama-1\.1b-chat-v1\.0: resolving/);
    assert.match(r.stderr, /\[2\/3\] Qwen\/Qwen2\.5-7B-Instruct: revision [0-9a-f]{12}, 14\.19Gi, Qwen2ForCausalLM/);
    const lock = await lockOf(cwd);
    // The lock keeps the ids as the hub publishes them.
    assert.deepEqual(lock.models.map((m) => m.name), ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen3-0.6B", "TinyLlama/TinyLlama-1.1B-Chat-v1.0"]);
    assert.equal(lock.models[0]?.revision, hub.shaOf("Qwen/Qwen2.5-7B-Instruct"));
    // KAITO lower-cases the id in its URLs; the pinned revision, not main, is read.
    assert.ok(hub.requests.some((q) => q.path === `/api/models/qwen/qwen2.5-7b-instruct/tree/${hub.shaOf("Qwen/Qwen2.5-7B-Instruct")}?recursive=true`));
    assert.deepEqual(await filesIn(cwd), ["kaito-models.lock.yaml"]);

    const again = await add(cwd, ["QWEN/QWEN2.5-7B-INSTRUCT"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already locked, unchanged/);
    assert.equal((await lockOf(cwd)).models.length, 3);
  });

  it("a gated model: refused without a token, with what to do; locked as gated with one, the token sent only where needed", async () => {
    const cwd = await folder();
    const r = await add(cwd, ["meta-llama/Llama-3.2-1B-Instruct"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /meta-llama\/Llama-3\.2-1B-Instruct is gated: the hub answered 401/);
    assert.match(r.stderr, /--token-file FILE or HF_TOKEN/);
    assert.match(r.stderr, /presetOptions\.modelAccessSecret/);
    assert.deepEqual(await filesIn(cwd), []);

    const before = hub.requests.length;
    const ok = await add(cwd, ["meta-llama/Llama-3.2-1B-Instruct", "Qwen/Qwen3-0.6B"], [], { HF_TOKEN: FAKE_HUB_TOKEN });
    assert.equal(ok.code, 0, ok.stderr);
    const lock = await lockOf(cwd);
    assert.equal(lock.models.find((m) => m.name.startsWith("meta-llama"))?.gated, true);
    assert.equal(lock.models.find((m) => m.name.startsWith("Qwen"))?.gated, undefined);
    const qwenRequests = hub.requests.slice(before).filter((q) => q.path.includes("qwen3"));
    assert.ok(qwenRequests.length >= 3 && qwenRequests.every((q) => !q.authorization), "a public model never gets the token");

    const tokenFile = join(cwd, "token");
    await writeFile(tokenFile, "wrong-token\n");
    const wrong = await add(cwd, ["meta-llama/Llama-3.2-1B-Instruct"], ["--token-file", tokenFile]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the token \(403\)/);
  });

  it("all or nothing: one unknown model leaves the lock as it was", async () => {
    const cwd = await folder();
    assert.equal((await add(cwd, ["Qwen/Qwen3-0.6B"])).code, 0);
    const before = await readFile(join(cwd, "kaito-models.lock.yaml"), "utf8");
    const r = await add(cwd, ["Qwen/Qwen2.5-7B-Instruct", "contoso/no-such-model"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /contoso\/no-such-model: no such model on http:\/\/127\.0\.0\.1:\d+ \(404/);
    assert.match(r.stderr, /1 of 2 model\(s\) failed; kaito-models\.lock\.yaml was not changed/);
    assert.equal(await readFile(join(cwd, "kaito-models.lock.yaml"), "utf8"), before);
    assert.deepEqual(await filesIn(cwd), ["kaito-models.lock.yaml"]);
  });

  it("an architecture vLLM does not serve, and a repository without weights, are refused", async () => {
    const cwd = await folder();
    const t5 = await add(cwd, ["google-t5/t5-small"]);
    assert.equal(t5.code, 1);
    assert.match(t5.stderr, /unsupported model architecture for google-t5\/t5-small: T5ForConditionalGeneration/);
    const empty = await add(cwd, [HOSTILE.noWeights]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no \.safetensors or \.bin files/);
    assert.deepEqual(await filesIn(cwd), []);
  });

  it("waits as 429's Retry-After asks, a bounded number of times", async () => {
    const cwd = await folder();
    const started = Date.now();
    const r = await add(cwd, [HOSTILE.rateLimited]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - started >= 1900, "waited Retry-After twice");
    assert.match(r.stderr, /hub answered 429 .* retrying in 1s \(1\/3\)/);
    assert.equal((await lockOf(cwd)).models[0]?.name, "Hostile/Rate-Limited");

    const never = await runCli(["models", "add", HOSTILE.longRetryAfter, "--endpoint", hub.url], { cwd: await folder() });
    assert.equal(never.code, 1);
    assert.match(never.stderr, /asks to wait 3600s/);
  });

  it("gives up after the retries when the hub keeps answering 429", async () => {
    const client = new HubClient({ endpoint: hub.url, maxRetries: 2, sleep: async () => {} });
    await assert.rejects(resolveModel(HOSTILE.alwaysLimited, client), /answered 429 3 times/);
  });

  it("hostile answers: slow, huge, malformed, truncated, a server error", async () => {
    const cases: [string, RegExp][] = [
      [HOSTILE.slow, /no complete answer within 0\.5s/],
      [HOSTILE.hugeConfig, /larger than the 4194304 bytes allowed/],
      [HOSTILE.badJson, /the file list is not valid JSON/],
      [HOSTILE.badConfig, /the model configuration is not valid JSON/],
      [HOSTILE.truncated, /closed before the answer was complete|stopped after/],
      [HOSTILE.serverError, /answered HTTP 500/],
    ];
    for (const [id, message] of cases) {
      const cwd = await folder();
      const started = Date.now();
      const r = await runCli(["models", "add", id, "--endpoint", hub.url, "--timeout", "0.5"], { cwd });
      assert.notEqual(r.code, 0, id);
      assert.match(r.stderr, message, id);
      assert.ok(Date.now() - started < 2500, `${id} ends promptly`);
      assert.deepEqual(await filesIn(cwd), [], `${id} leaves no file behind`);
    }
  });

  it("refuses bad usage", async () => {
    const cwd = await folder();
    assert.equal((await runCli(["models", "add"], { cwd })).code, 2);
    assert.equal((await runCli(["models", "add", "a/b", "--endpoint", "ftp://x"], { cwd })).code, 2);
    assert.equal((await runCli(["models", "add", "a/b", "--timeout", "-1"], { cwd })).code, 2);
    assert.equal((await runCli(["models", "frob"], { cwd })).code, 2);
    const bad = await add(cwd, ["not an id"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a Hugging Face model id/);
  });

  it("a broken lock is reported with its position and left alone", async () => {
    const cwd = await folder();
    await writeFile(join(cwd, "kaito-models.lock.yaml"), "apiVersion: kaito-gitops.io/v1\nkind: ModelLock\nmodels: 3\n");
    const r = await add(cwd, ["Qwen/Qwen3-0.6B"]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /kaito-models\.lock\.yaml:3:9: models: expected an array/);
  });
});

describe("models add over HTTPS with a private CA", () => {
  let secure: FakeHub;
  before(async () => {
    secure = await startFakeHub({ https: true });
  });
  after(async () => secure.close());

  it("trusts the CA given with --ca-file, and nothing else", async () => {
    const cwd = await folder();
    const untrusted = await runCli(["models", "add", "Qwen/Qwen3-0.6B", "--endpoint", secure.url], { cwd });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /certificate/);
    await writeFile(join(cwd, "ca.crt"), secure.ca ?? "");
    const r = await runCli(["models", "add", "Qwen/Qwen3-0.6B", "--endpoint", secure.url, "--ca-file", "ca.crt"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await lockOf(cwd)).models[0]?.modelFileSize, "1.40Gi");
  });
});

describe("models verify", () => {
  it("passes on a fresh lock and reports a moved revision and size with exit 1", async () => {
    const cwd = await folder();
    assert.equal((await add(cwd, ["Qwen/Qwen3-0.6B", "TinyLlama/TinyLlama-1.1B-Chat-v1.0"])).code, 0);
    const ok = await runCli(["models", "verify", "--endpoint", hub.url], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /2 model\(s\): 2 unchanged, 0 drifted/);

    const own = await startFakeHub();
    try {
      const tiny = (await lockOf(cwd)).models.find((m) => m.name.startsWith("TinyLlama"));
      own.setRepo({ id: "TinyLlama/TinyLlama-1.1B-Chat-v1.0", tree: JSON.stringify([{ type: "file", path: "model.safetensors", size: 3 * 2 ** 30 }]), config: JSON.stringify({ architectures: ["LlamaForCausalLM"], hidden_size: 2048, num_hidden_layers: 22, num_attention_heads: 32, num_key_value_heads: 4, max_position_embeddings: 2048 }) });
      const drift = await runCli(["models", "verify", "--endpoint", own.url], { cwd });
      assert.equal(drift.code, 1);
      assert.match(drift.stderr, new RegExp(`TinyLlama/TinyLlama-1.1B-Chat-v1.0: DRIFT: revision: locked "${tiny?.revision}", hub "[0-9a-f]{40}"; modelFileSize: locked "2.05Gi", hub "3.00Gi"`));
      assert.match(drift.stderr, /1 drifted/);
    } finally {
      await own.close();
    }
    const missing = await runCli(["models", "verify", "--lock", "nope.yaml", "--endpoint", hub.url], { cwd });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /nope\.yaml: no such model lock/);
  });
});

describe("models add --from-dir", () => {
  const config = JSON.stringify({ architectures: ["Qwen2ForCausalLM"], hidden_size: 3584, num_hidden_layers: 28, num_attention_heads: 28, num_key_value_heads: 4, max_position_embeddings: 32768 });

  it("builds the entry from config.json and the weight files, the revision from a cache snapshot's name", async () => {
    const cwd = await folder();
    const snap = join(cwd, "snapshots", "c".repeat(40));
    await mkdir(join(snap, ".cache"), { recursive: true });
    await writeFile(join(snap, "config.json"), config);
    // A sparse file: 1.5 GiB on paper, nothing on disk.
    await writeFile(join(cwd, "blob"), "");
    await truncate(join(cwd, "blob"), 1.5 * 2 ** 30);
    await symlink(join(cwd, "blob"), join(snap, "model.safetensors"));
    await writeFile(join(snap, ".cache", "huge.safetensors"), Buffer.alloc(10));
    const r = await runCli(["models", "add", "Acme/Local-7B", "--from-dir", snap], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const [entry] = (await lockOf(cwd)).models;
    assert.deepEqual([entry?.name, entry?.revision, entry?.modelFileSize, entry?.gated], ["Acme/Local-7B", "c".repeat(40), "1.50Gi", undefined]);
  });

  it("takes the size from the index when only the index is there", async () => {
    const cwd = await folder();
    const copy = join(cwd, "copy");
    await mkdir(copy);
    await writeFile(join(copy, "config.json"), config);
    const index = JSON.stringify({ metadata: { total_size: 15_231_271_856 }, weight_map: {} });
    await writeFile(join(copy, "model.safetensors.index.json"), index);
    const r = await runCli(["models", "add", "Acme/Indexed", "--from-dir", "copy", "--revision", "d".repeat(40), "--gated"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const [entry] = (await lockOf(cwd)).models;
    assert.deepEqual([entry?.modelFileSize, entry?.revision, entry?.gated], ["14.19Gi", "d".repeat(40), true]);
  });

  it("says what is missing", async () => {
    const cwd = await folder();
    await mkdir(join(cwd, "empty"));
    const r = await runCli(["models", "add", "Acme/Empty", "--from-dir", "empty"], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no \.safetensors or \.bin files and no model\.safetensors\.index\.json/);
    assert.equal((await runCli(["models", "add", "a/b", "c/d", "--from-dir", "empty"], { cwd })).code, 2);
  });
});
