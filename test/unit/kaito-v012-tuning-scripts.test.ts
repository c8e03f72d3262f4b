// Our tuning helper scripts run for real under /bin/sh, with the registry and network tools (curl,
// oras, killall, sleep) replaced by stubs that record what they were asked and act like the
// real ones on the file system. They must give the results KAITO's scripts give: the files under the
// data volume, and an adapter image made of one gzip layer with data/<adapter files>.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { DATA_DOWNLOADER_SCRIPT, adapterAnnotations, adapterPusherScript, scriptParameters, shellQuote } from "../../workspace/kaito/v0_12/tuning/scripts.js";

function sandbox(stubs: Record<string, string>): { dir: string; bin: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), "kaito-tuning-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { dir, bin, env: { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: join(dir, "home") } };
}

const run = (script: string, env: NodeJS.ProcessEnv, cwd: string) => spawnSync("/bin/sh", ["-c", script], { env, cwd, encoding: "utf8", timeout: 20_000 });

/** Names of the members of an (uncompressed) tar archive. */
const tarMembers = (file: string): string[] => execFileSync("tar", ["-t", "-f", file], { encoding: "utf8" }).split("\n").filter(Boolean).sort();

test("data downloader: each URL into the data volume under its file name, query and fragment dropped", () => {
  const box = sandbox({
    // Writes the URL into --output and answers 200.
    curl: `out=; while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift;; esac; last="$1"; shift; done; printf '%s' "$last" > "$out"; printf 200`,
    sleep: "exit 0",
  });
  const data = join(box.dir, "data");
  mkdirSync(data);
  const urls = ["https://example.com/datasets/train-0001.parquet?download=true", "https://example.com/x/eval.jsonl#part", "https://example.com/dir/"];
  const r = run(DATA_DOWNLOADER_SCRIPT, { ...box.env, DATA_URLS: urls.join(" "), DATA_VOLUME_PATH: data }, box.dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(data).sort(), ["dir", "eval.jsonl", "train-0001.parquet"]);
  assert.equal(readFileSync(join(data, "train-0001.parquet"), "utf8"), urls[0]);
});

test("data downloader: three attempts, then the pod fails; no URLs fails at once", () => {
  const box = sandbox({ curl: `echo x >> "$CALLS"; printf 503`, sleep: "exit 0" });
  const calls = join(box.dir, "calls");
  const r = run(DATA_DOWNLOADER_SCRIPT, { ...box.env, CALLS: calls, DATA_URLS: "https://example.com/a.parquet", DATA_VOLUME_PATH: box.dir }, box.dir);
  assert.equal(r.status, 1);
  assert.equal(readFileSync(calls, "utf8").trim().split("\n").length, 3);
  assert.equal(existsSync(join(box.dir, "a.parquet")), false);
  const empty = run(DATA_DOWNLOADER_SCRIPT, { ...box.env, DATA_URLS: "", DATA_VOLUME_PATH: box.dir }, box.dir);
  assert.equal(empty.status, 1);
});

test("adapter pusher: waits for the trainer, pushes one gzip layer data/<adapter files> with the model annotation", () => {
  const box = sandbox({
    // Keeps what oras was given: its arguments and the files they name (it runs in the work folder).
    oras: `echo "$*" >> "$ORAS_LOG"; if [ "$1" = push ]; then cp layer.tar.gz config.json annotations.json "$KEEP/"; fi`,
    killall: `echo "$*" > "$KILLED"`,
  });
  const results = join(box.dir, "results");
  const keep = join(box.dir, "keep");
  mkdirSync(results);
  mkdirSync(keep);
  writeFileSync(join(results, "adapter_config.json"), '{"r":8}');
  writeFileSync(join(results, "adapter_model.safetensors"), "weights");
  writeFileSync(join(results, "fine_tuning_completed.txt"), "");
  const annotations = adapterAnnotations("phi-3-mini-4k-instruct");
  const image = "myregistry.azurecr.io/adapters/phi-3:0.0.1";
  const script = adapterPusherScript({ results, image, annotations, doneFile: join(results, "fine_tuning_completed.txt") });
  const log = join(box.dir, "oras.log");
  const killed = join(box.dir, "killed");
  const r = run(script, { ...box.env, ORAS_LOG: log, KEEP: keep, KILLED: killed }, box.dir);
  assert.equal(r.status, 0, r.stderr);
  const [push, copy] = readFileSync(log, "utf8").trim().split("\n");
  assert.match(push ?? "", /^push --oci-layout .*layout:latest --annotation-file annotations.json --config config.json:application\/vnd.oci.image.config.v1\+json layer.tar.gz:application\/vnd.oci.image.layer.v1.tar\+gzip$/);
  assert.match(copy ?? "", new RegExp(`^cp --from-oci-layout .*layout:latest ${image.replaceAll(".", "\\.")}$`));
  assert.equal(readFileSync(join(keep, "annotations.json"), "utf8"), '{"$manifest":{"sh.kaito.model.name":"phi-3-mini-4k-instruct"}}');
  const tar = gunzipSync(readFileSync(join(keep, "layer.tar.gz")));
  writeFileSync(join(box.dir, "layer.tar"), tar);
  assert.deepEqual(tarMembers(join(box.dir, "layer.tar")), ["data/", "data/adapter_config.json", "data/adapter_model.safetensors"]);
  const diffId = createHash("sha256").update(tar).digest("hex");
  assert.equal(readFileSync(join(keep, "config.json"), "utf8"), `{"rootfs":{"diff_ids":["sha256:${diffId}"]}}`);
  assert.equal(readFileSync(killed, "utf8").trim(), "-CHLD pause");
});

test("script parameters survive shell quoting, and read back as given", () => {
  const tricky = `it's "quoted" $HOME \`x\``;
  assert.equal(execFileSync("/bin/sh", ["-c", `v=${shellQuote(tricky)}; printf '%s' "$v"`], { encoding: "utf8" }), tricky);
  const params = scriptParameters(adapterPusherScript({ results: "/mnt/r", image: "a/b:1", annotations: adapterAnnotations("o'rg/<m>"), doneFile: "/mnt/r/done" }));
  assert.deepEqual(params, { results: "/mnt/r", image: "a/b:1", annotations: '{"$manifest":{"sh.kaito.model.name":"o\'rg/\\u003cm\\u003e"}}', done_file: "/mnt/r/done" });
});
