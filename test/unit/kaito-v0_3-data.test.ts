// The KAITO v0.3 profile's data tables and embedded programs: invariants that keep them coherent
// (a typo in a row shows up here, not as a strange manifest), and the shell programs run for real.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PRESETS_V03, presetV03 } from "../../workspace/kaito/v0_3/presets.js";
import { DATA_DOWNLOADER_SCRIPT, adapterPusherScript, shellQuote } from "../../workspace/kaito/v0_3/scripts.js";
import { UNCHECKED_SKU_PREFIXES_V03, WEBHOOK_SKUS_V03, controllerSkusV03 } from "../../workspace/kaito/v0_3/skus.js";
import { DEFAULT_OUTPUT_DIR, chartTemplateV03, outputDirV03, trainingConfigProblems } from "../../workspace/kaito/v0_3/tuning-config.js";
import type { KubeObject } from "../../workspace/expand/meta.js";

const QUANTITY = /^[0-9]+(Ki|Mi|Gi|Ti)?$/;

describe("KAITO v0.3 presets", () => {
  it("has each name once, and finds every one by its exact name only", () => {
    assert.equal(new Set(PRESETS_V03.map((p) => p.name)).size, PRESETS_V03.length);
    for (const p of PRESETS_V03) {
      assert.equal(presetV03(p.name), p);
      assert.equal(presetV03(p.name.toUpperCase()), undefined, "v0.3.2 matches preset names exactly");
    }
  });

  it("gives public presets a registry tag and private ones none", () => {
    for (const p of PRESETS_V03) {
      if (p.imageAccessMode === "public") assert.match(p.tag ?? "", /^\d+\.\d+\.\d+$/, p.name);
      else assert.equal(p.tag, undefined, p.name);
    }
  });

  it("sizes every preset coherently", () => {
    for (const p of PRESETS_V03) {
      assert.ok(Number.isInteger(p.gpuCount) && p.gpuCount >= 1, p.name);
      assert.ok(p.perGpuMemoryGi <= p.totalGpuMemoryGi, p.name);
      assert.match(p.diskStorage, QUANTITY, p.name);
    }
  });

  it("runs distributed presets under torchrun with a world size the node count can split", () => {
    for (const p of PRESETS_V03.filter((x) => x.distributed)) {
      assert.ok(p.inference.rendezvous, p.name);
      assert.ok((p.worldSize ?? 0) >= p.gpuCount, p.name);
    }
  });

  it("launches tuning with the metrics server beside accelerate", () => {
    for (const p of PRESETS_V03) {
      if (!p.tuning) continue;
      assert.match(p.tuning.baseCommand, /accelerate launch$/, p.name);
      assert.ok(p.tuning.gpuCount >= 1, p.name);
    }
    assert.ok(PRESETS_V03.some((p) => !p.tuning), "instruct and llama-2 presets have no tuning");
  });
});

describe("KAITO v0.3 SKU tables", () => {
  it("holds positive GPU counts and memory", () => {
    for (const table of [WEBHOOK_SKUS_V03, controllerSkusV03("azure"), controllerSkusV03("aws")]) {
      assert.ok(table.size > 10);
      for (const [sku, { gpuCount, gpuMemGi }] of table) assert.ok(gpuCount >= 1 && gpuMemGi >= gpuCount, sku);
    }
  });

  it("lists only Azure N-series names in the webhook's table, which the prefix rule would admit anyway", () => {
    for (const sku of WEBHOOK_SKUS_V03.keys()) assert.ok(UNCHECKED_SKU_PREFIXES_V03.some((p) => sku.startsWith(p)), sku);
  });

  it("keeps the two tables' different spellings of the ND96asr A100 SKU", () => {
    assert.ok(WEBHOOK_SKUS_V03.has("Standard_ND96asr_v4") && !WEBHOOK_SKUS_V03.has("Standard_ND96asr_A100_v4"));
    assert.ok(controllerSkusV03("azure").has("Standard_ND96asr_A100_v4"));
  });
});

const configMap = (text: string): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { "training_config.yaml": text } });

describe("KAITO v0.3 training configurations", () => {
  it("ships templates each method accepts, writing to /mnt/results", () => {
    assert.deepEqual(trainingConfigProblems(chartTemplateV03("lora"), "lora"), []);
    assert.deepEqual(trainingConfigProblems(chartTemplateV03("qlora"), "qlora"), []);
    assert.equal(outputDirV03(chartTemplateV03("lora")), "/mnt/results");
  });

  it("refuses a qlora run without quantization and a lora run with it", () => {
    assert.equal(trainingConfigProblems(chartTemplateV03("lora"), "qlora").length, 1);
    assert.equal(trainingConfigProblems(chartTemplateV03("qlora"), "lora").length, 1);
  });

  it("refuses unknown sections, non-boolean switches and output directories outside /mnt", () => {
    assert.match(trainingConfigProblems(configMap("training_config:\n  Bogus: {}\n"), "lora").join(), /unrecognized section: Bogus/);
    assert.match(trainingConfigProblems(configMap("training_config:\n  QuantizationConfig:\n    load_in_4bit: maybe\n"), "lora").join(), /nil or a boolean/);
    assert.match(trainingConfigProblems(configMap("training_config:\n  TrainingArguments:\n    output_dir: ../etc\n"), "lora").join(), /must be a directory/);
    assert.match(trainingConfigProblems(configMap("nothing: here\n"), "lora").join(), /'training_config' key/);
  });

  it("reads YAML 1.1 booleans as KAITO's YAML library does", () => {
    assert.deepEqual(trainingConfigProblems(configMap("training_config:\n  QuantizationConfig:\n    load_in_4bit: yes\n"), "qlora"), []);
  });

  it("places the results under /mnt, falling back to /mnt/output", () => {
    const dir = (d: string) => outputDirV03(configMap(`training_config:\n  TrainingArguments:\n    output_dir: "${d}"\n`));
    assert.equal(dir("results/custom/"), "/mnt/results/custom");
    assert.equal(dir("/mnt/x/../y"), "/mnt/y");
    assert.equal(dir("/mnt"), DEFAULT_OUTPUT_DIR);
    assert.equal(outputDirV03(configMap("training_config: {}\n")), DEFAULT_OUTPUT_DIR);
  });
});

describe("KAITO v0.3 tuning scripts", () => {
  it("are valid sh", () => {
    for (const script of [DATA_DOWNLOADER_SCRIPT, adapterPusherScript("/mnt/results", "r.io/a:1")]) {
      const check = spawnSync("sh", ["-n"], { input: script, encoding: "utf8" });
      assert.equal(check.status, 0, check.stderr);
    }
  });

  it("keep a hostile image reference one shell word", () => {
    assert.equal(execFileSync("sh", ["-c", `printf %s ${shellQuote("a'b $(x) \"c\"")}`], { encoding: "utf8" }), "a'b $(x) \"c\"");
    assert.ok(adapterPusherScript("/mnt/out", "r.io/a:1").includes("docker push 'r.io/a:1'"));
    assert.ok(adapterPusherScript("/mnt/out", "r.io/a:1").includes("find '/mnt/out' -name fine_tuning_completed.txt"));
  });

  it("download every URL under a safe file name, and fail on an empty list or a failed URL", () => {
    const dir = mkdtempSync(join(tmpdir(), "v03-downloader-"));
    try {
      const bin = join(dir, "bin");
      const data = join(dir, "data");
      execFileSync("mkdir", ["-p", bin, data]);
      // A stand-in curl: writes the URL into the -o file and answers 200, or 404 for URLs with "missing".
      writeFileSync(
        join(bin, "curl"),
        '#!/bin/sh\nout=""; url=""\nwhile [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; -w) shift 2;; -*) shift;; *) url="$1"; shift;; esac; done\ncase "$url" in *missing*) printf 404; exit 0;; esac\nprintf %s "$url" > "$out"; printf 200\n',
      );
      chmodSync(join(bin, "curl"), 0o755);
      const run = (urls: string) =>
        spawnSync("sh", ["-c", DATA_DOWNLOADER_SCRIPT], { env: { PATH: `${bin}:${process.env.PATH ?? ""}`, DATA_URLS: urls, DATA_VOLUME_PATH: data }, encoding: "utf8" });
      const ok = run("https://h/a/train.parquet?download=true https://h/b/eval.json");
      assert.equal(ok.status, 0, ok.stderr);
      assert.deepEqual(readdirSync(data).sort(), ["eval.json", "train.parquet_download_true"]);
      assert.equal(readFileSync(join(data, "eval.json"), "utf8"), "https://h/b/eval.json");
      assert.notEqual(run("").status, 0);
      const failed = spawnSync("sh", ["-c", DATA_DOWNLOADER_SCRIPT.replaceAll("sleep 2", "true")], {
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, DATA_URLS: "https://h/missing.csv", DATA_VOLUME_PATH: data },
        encoding: "utf8",
      });
      assert.notEqual(failed.status, 0);
      assert.ok(!readdirSync(data).includes("missing.csv"), "a failed download leaves no file");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
