// The CLI as a user meets it: render, validate, the presets and instance-types listings, exit codes and messages.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { runCli } from "../helpers/cli.js";
import { repoPath } from "../helpers/repo.js";

const docsOf = (stream: string): Record<string, unknown>[] =>
  parseAllDocuments(stream).map((d) => d.toJS() as Record<string, unknown>);
const kindsOf = (stream: string): string[] => docsOf(stream).map((d) => String(d.kind));

const minimal = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: phi
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      apps: phi
inference:
  preset:
    name: phi-3-mini-4k-instruct
`;

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kaito-gitops-cli-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test("render examples/ prints every Workspace defaulted plus its children as one YAML stream", async () => {
  const run = await runCli(["render", "examples/"]);
  assert.equal(run.code, 0, run.stderr);
  const docs = docsOf(run.stdout);
  const workspaces = docs.filter((d) => d.kind === "Workspace");
  assert.equal(workspaces.length, 10);
  for (const ws of workspaces) {
    const resource = ws.resource as { count?: number };
    assert.equal(resource.count, 1, "KAITO's CRD default is written into the Workspace");
  }
  // v0.12 (the default) and the seed-era examples pinned to v0.3.
  for (const kind of ["NodeClaim", "Machine", "ConfigMap", "Service", "Deployment", "StatefulSet", "Job"]) {
    assert.ok(docs.some((d) => d.kind === kind), `a ${kind} is rendered`);
  }
});

test("render is a fixed point: rendering its own output gives the same bytes", async () => {
  const first = await runCli(["render", "-q", "examples/"]);
  const second = await runCli(["render", "-"], { stdin: first.stdout });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.doesNotMatch(second.stderr, /note:/, "a fixed-point render reports no overrides");
});

test("render reads stdin and passes non-Workspace objects through unchanged, in order", async () => {
  const input = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: first\n  namespace: default\nstringData:\n  HF_TOKEN: x\n---\n${minimal}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\ndata:\n  z: "1"\n  a: "2"\n`;
  const run = await runCli(["render", "-"], { stdin: input });
  assert.equal(run.code, 0, run.stderr);
  const kinds = kindsOf(run.stdout);
  assert.equal(kinds[0], "Secret");
  assert.equal(kinds[1], "Workspace");
  assert.equal(kinds.at(-1), "ConfigMap");
  assert.match(run.stdout, /data:\n {2}z: "1"\n {2}a: "2"/, "pass-through objects keep their key order");
});

test("render walks folders recursively in sorted order and skips kustomization files", async () => {
  const dir = tempDir({
    "b/ws.yaml": minimal.replace("name: phi\n", "name: phi-b\n"),
    "a/nested/ws.yml": minimal.replace("name: phi\n", "name: phi-a\n"),
    "kustomization.yaml": "resources: [a, b]\n",
    ".git/ignored.yaml": "not: [valid",
  });
  const run = await runCli(["render", dir]);
  assert.equal(run.code, 0, run.stderr);
  const names = docsOf(run.stdout)
    .filter((d) => d.kind === "Workspace")
    .map((d) => (d.metadata as { name: string }).name);
  assert.deepEqual(names, ["phi-a", "phi-b"]);
  assert.ok(!kindsOf(run.stdout).includes("undefined"));
});

test("an input object with a generated child's kind, namespace and name replaces that child, with a note", async () => {
  const override = `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: phi\n  namespace: default\nspec:\n  type: LoadBalancer\n  selector:\n    kaito.sh/workspace: phi\n  ports:\n    - port: 80\n      targetPort: 5000\n`;
  const run = await runCli(["render", "-"], { stdin: minimal + override });
  assert.equal(run.code, 0, run.stderr);
  const services = docsOf(run.stdout).filter((d) => d.kind === "Service" && (d.metadata as { name: string }).name === "phi");
  assert.equal(services.length, 1, "the override is not emitted twice");
  assert.equal((services[0]?.spec as { type: string }).type, "LoadBalancer");
  const kinds = kindsOf(run.stdout);
  assert.ok(kinds.indexOf("Service") < kinds.indexOf("StatefulSet"), "the override takes the child's place");
  assert.match(run.stderr, /-:\d+:\d+: note: Service default\/phi: replaces the Service default\/phi generated for Workspace default\/phi/);
});

test("malformed YAML: file:line:col and the parser's reason, exit 3, nothing on stdout", async () => {
  const dir = tempDir({ "good.yaml": minimal, "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n" });
  const run = await runCli(["render", dir]);
  assert.equal(run.code, 3);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /bad\.yaml:\d+:\d+: /);
});

test("invalid Workspace: file:line:col, kind/name and field path; nothing half-written; exit 1", async () => {
  const bad = minimal.replace("matchLabels:", "matchLabel:");
  const dir = tempDir({ "a-good.yaml": minimal.replace("name: phi\n", "name: good\n"), "b-bad.yaml": bad });
  const run = await runCli(["render", dir]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "", "valid files are not printed when another is invalid");
  assert.match(run.stderr, /b-bad\.yaml:\d+:\d+: error: Workspace default\/phi: resource\.labelSelector\.matchLabel: unknown field \(did you mean "matchLabels"\?\)/);
  const preset = await runCli(["render", "-"], { stdin: minimal.replace("name: phi-3-mini-4k-instruct", "name: phi-3-mini") });
  assert.match(preset.stderr, /-:12:11: error: Workspace default\/phi: inference\.preset\.name: unknown preset "phi-3-mini" \(did you mean "phi-3-mini-4k-instruct"/);
  assert.match(preset.stderr, /nothing was written/);
});

test("a wrong kind or version of Workspace is named", async () => {
  const run = await runCli(["render", "-"], { stdin: minimal.replace("kaito.sh/v1beta1", "kaito.sh/v2") });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /apiVersion: unknown version kaito\.sh\/v2 of Workspace; served versions are kaito\.sh\/v1alpha1, kaito\.sh\/v1beta1/);
});

test("render -o json prints a v1 List", async () => {
  const run = await runCli(["render", "-o", "json", "-"], { stdin: minimal });
  assert.equal(run.code, 0, run.stderr);
  const list = JSON.parse(run.stdout) as { kind: string; items: { kind: string }[] };
  assert.equal(list.kind, "List");
  assert.equal(list.items[0]?.kind, "Workspace");
});

test("validate: 0 and a summary on good input, 1 with every problem on bad input", async () => {
  const good = await runCli(["validate", "examples/"]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^ok: 10 valid Workspace\(s\) in 10 file\(s\); 0 error\(s\)/);
  const bad = await runCli(["validate", "-"], { stdin: minimal.replace("Standard_NC24ads_A100_v4", "Standard_NC24ads_A100") });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /resource\.instanceType: .*Standard_NC24ads_A100_v4/);
  assert.match(bad.stdout, /^invalid: /);
  const json = await runCli(["validate", "-o", "json", "-"], { stdin: minimal.replace("Standard_NC24ads_A100_v4", "Standard_NC24ads_A100") });
  const report = JSON.parse(json.stdout) as { valid: boolean; findings: { field: string; line: number; rule: string }[] };
  assert.equal(report.valid, false);
  assert.ok(report.findings.some((f) => f.field === "resource.instanceType" && f.line === 6), JSON.stringify(report.findings));
});

test("validate --strict fails on warnings", async () => {
  // A gated model's Secret: a render cannot see it, so it is assumed to exist, with a warning.
  const gated = minimal.replace("name: phi-3-mini-4k-instruct", "name: meta-llama/Llama-3.1-8B-Instruct\n    presetOptions:\n      modelAccessSecret: hf-token");
  const lenient = await runCli(["validate", "-"], { stdin: gated });
  assert.equal(lenient.code, 0, lenient.stderr);
  const strict = await runCli(["validate", "--strict", "-"], { stdin: gated });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /warning: .*modelAccessSecret: Secret default\/hf-token is taken to exist/);
});

test("usage errors exit 2 and say what is wrong", async () => {
  const noArgs = await runCli(["render"]);
  assert.equal(noArgs.code, 2);
  assert.match(noArgs.stderr, /render needs at least one file or folder/);
  const unknownFlag = await runCli(["render", "--frobnicate", "x"]);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.stderr, /--frobnicate/);
  const badVersion = await runCli(["render", "--kaito-version", "v0.7", "examples/"]);
  assert.equal(badVersion.code, 2);
  assert.match(badVersion.stderr, /--kaito-version must be one of v0\.12, v0\.3; got "v0\.7"/);
  const unknownCommand = await runCli(["rendr"]);
  assert.equal(unknownCommand.code, 2);
  assert.match(unknownCommand.stderr, /unknown command "rendr"/);
});

test("a missing file exits 3 and names it", async () => {
  const run = await runCli(["render", "no/such/file.yaml"]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /no\/such\/file\.yaml: no such file or folder/);
});

interface ListedModel {
  name: string;
  source: string;
  aliases: string[];
  runtimes: string[];
  tuning: string[];
  weightsSize?: string;
  contextLength?: number;
  gated?: boolean;
  image?: string;
}
interface ListedInstanceType {
  name: string;
  cloud: string;
  gpuCount: number;
  gpuMemoryGiB: number;
}
const jsonOf = <T>(run: { code: number; stdout: string; stderr: string }): T[] => {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as T[];
};

const LOCK = `apiVersion: kaito-gitops.io/v1
kind: ModelLock
models:
  - name: meta-llama/Llama-3.2-1B-Instruct
    revision: 4e20de362430cd3b72f300e6b0f18e50e7166e08
    modelFileSize: 2.30Gi
    architectures:
      - LlamaForCausalLM
    modelTokenLimit: 131072
    hiddenSize: 2048
    numHiddenLayers: 16
    numAttentionHeads: 32
    numKeyValueHeads: 8
    gated: true
  - name: Qwen/Qwen2.5-7B-Instruct
    revision: a09a35458c702b33eeacc393d103063234e8bc28
    modelFileSize: 14.19Gi
    architectures:
      - Qwen2ForCausalLM
    modelTokenLimit: 32768
    hiddenSize: 3584
    numHiddenLayers: 28
    numAttentionHeads: 28
    numKeyValueHeads: 4
`;

test("presets lists KAITO v0.12's model catalog by default: Hugging Face ids, legacy names, runtimes, sizes, tuning", async () => {
  const table = await runCli(["presets"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME\s+SOURCE\s+ALIASES\s+RUNTIMES\s+WEIGHTS\s+CONTEXT\s+TUNING/);
  assert.match(table.stdout, /\nmicrosoft\/Phi-4-mini-instruct\s+built-in\s+phi-4-mini-instruct\s+vllm\s+7\.15Gi\s+131072\s+lora,qlora/);
  assert.match(table.stdout, /\nmicrosoft\/Phi-3-mini-4k-instruct\s+built-in\s+phi-3-mini-4k-instruct\s+vllm,transformers\s+7\.12Gi\s+4096\s+lora,qlora/);
  assert.doesNotMatch(table.stdout, /falcon/, "KAITO v0.12 removed falcon");
  const models = jsonOf<ListedModel>(await runCli(["presets", "-o", "json"]));
  const names = models.map((m) => m.name);
  assert.deepEqual(models.find((m) => m.name === "microsoft/Phi-4-mini-instruct"), {
    name: "microsoft/Phi-4-mini-instruct", source: "builtin", aliases: ["phi-4-mini-instruct"], runtimes: ["vllm"], tuning: ["lora", "qlora"], weightsSize: "7.15Gi", contextLength: 131072,
  });
  assert.deepEqual(models.find((m) => m.name === "google/gemma-3-4b-it")?.aliases, ["gemma-3-4b-instruct"]);
  assert.deepEqual(models.find((m) => m.name === "openai/gpt-oss-120b")?.tuning, [], "gpt-oss is not in KAITO's tuning table");
  assert.ok(names.every((n) => n === "phi-2" || n.includes("/")), "v0.12 lists Hugging Face ids (and its one withdrawn short name)");
  assert.ok(names.indexOf("microsoft/Phi-3-mini-4k-instruct") < names.indexOf("microsoft/Phi-3-mini-128k-instruct"), "numbers sort as numbers");
  assert.equal(new Set(names).size, names.length);
  assert.equal((await runCli(["presets", "-o", "json"])).stdout, (await runCli(["presets", "--kaito-version", "v0.12", "-o", "json"])).stdout);
  const yaml = await runCli(["presets", "-o", "yaml"]);
  assert.match(yaml.stdout, /- name: microsoft\/phi-4\n {2}source: builtin\n {2}aliases:\n {4}- phi-4\n {2}runtimes:\n {4}- vllm\n {4}- transformers\n/);
});

test("presets --kaito-version v0.3 lists the seed era's presets with their images and GPU needs", async () => {
  const models = jsonOf<ListedModel>(await runCli(["presets", "--kaito-version", "v0.3", "-o", "json"]));
  const names = models.map((m) => m.name);
  assert.ok(names.includes("falcon-7b") && names.includes("llama-2-70b-chat"));
  assert.ok(names.every((n) => !n.includes("/")), "v0.3 knows no Hugging Face ids");
  assert.ok(names.indexOf("falcon-7b") < names.indexOf("falcon-40b"));
  const table = await runCli(["presets", "--kaito-version", "v0.3"]);
  assert.match(table.stdout, /^NAME\s+SOURCE\s+RUNTIMES\s+GPUS\s+GPU-MEMORY\s+PER-GPU\s+DISK\s+MULTI-NODE\s+TUNING\s+IMAGE\n/);
  assert.match(table.stdout, /\nfalcon-7b\s+built-in\s+transformers\s+1\s+14Gi\s+-\s+50Gi\s+no\s+lora,qlora\s+mcr\.microsoft\.com\/aks\/kaito\/kaito-falcon-7b:0\.0\.6\n/);
  assert.match(table.stdout, /\nllama-2-13b\s+built-in\s+torchrun\s+2\s+30Gi\s+15Gi\s+46Gi\s+yes\s+-\s+private\n/);
  assert.match(table.stdout, /\nfalcon-7b-instruct\s+.*\s+no\s+-\s+mcr/, "instruct presets are not tunable in v0.3");
});

test("presets lists the model lock's models, marked locked, as render finds the lock", async () => {
  const dir = tempDir({ "kaito-models.lock.yaml": LOCK });
  const here = jsonOf<ListedModel>(await runCli(["presets", "-o", "json"], { cwd: dir }));
  const qwen = here.find((m) => m.name === "Qwen/Qwen2.5-7B-Instruct");
  assert.deepEqual(qwen, { name: "Qwen/Qwen2.5-7B-Instruct", source: "lock", aliases: [], runtimes: ["vllm"], tuning: [], weightsSize: "14.19Gi", contextLength: 32768, gated: false });
  assert.equal(here.find((m) => m.name === "meta-llama/Llama-3.2-1B-Instruct")?.gated, true);
  assert.equal(here.filter((m) => m.source === "lock").length, 2);
  const names = here.map((m) => m.name.toLowerCase());
  assert.equal(names.indexOf("qwen/qwen2.5-7b-instruct"), names.indexOf("qwen/qwen2.5-coder-7b-instruct") - 1, "locked models sort in among the built-in ones");
  const table = await runCli(["presets"], { cwd: dir });
  assert.match(table.stdout, /\nmeta-llama\/Llama-3\.2-1B-Instruct\s+locked\s+-\s+vllm\s+2\.30Gi\s+131072\s+-\s+yes/);
  assert.match(table.stdout, /^NAME.*\bGATED\b/);
  const named = jsonOf<ListedModel>(await runCli(["presets", "-o", "json", "--models-lock", join(dir, "kaito-models.lock.yaml")]));
  assert.deepEqual(named, here);
  assert.ok(!jsonOf<ListedModel>(await runCli(["presets", "-o", "json"])).some((m) => m.source === "lock"), "no lock in the repository root");
  const seed = await runCli(["presets", "--kaito-version", "v0.3", "-o", "json", "--models-lock", join(dir, "kaito-models.lock.yaml")]);
  assert.ok(!jsonOf<ListedModel>(seed).some((m) => m.source === "lock"));
  assert.match(seed.stderr, /KAITO v0\.3 reads no model lock/);
  const broken = tempDir({ "kaito-models.lock.yaml": "apiVersion: kaito-gitops.io/v1\nkind: ModelLock\nmodels:\n  - name: 3\n" });
  const bad = await runCli(["presets"], { cwd: broken });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /kaito-models\.lock\.yaml:4:11: models\[0\]\.name/);
});

test("instance-types lists the chosen release's GPU instance types per cloud", async () => {
  const aws = await runCli(["instance-types", "--cloud", "aws"]);
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(aws.stdout, /^NAME\s+CLOUD\s+GPUS\s+GPU-MEMORY\s+PER-GPU\s+GPU-MODEL\s+NVME\n/);
  assert.match(aws.stdout, /\ng5\.12xlarge\s+aws\s+4\s+96Gi\s+24Gi\s+NVIDIA A10G\s+yes\n/);
  assert.ok(aws.stdout.indexOf("\ng5.2xlarge ") < aws.stdout.indexOf("\ng5.12xlarge "));
  assert.doesNotMatch(aws.stdout, /Standard_|p3\.2xlarge/, "v0.12 lists AWS only, without the GPUs it removed");
  const all = jsonOf<ListedInstanceType>(await runCli(["instance-types", "-o", "json"]));
  assert.deepEqual([...new Set(all.map((t) => t.cloud))], ["aws", "azure"]);
  const yaml = await runCli(["instance-types", "--cloud", "Azure", "-o", "yaml"]);
  assert.match(yaml.stdout, /- name: Standard_NC24ads_A100_v4\n {2}cloud: azure\n {2}gpuCount: 1\n {2}gpuMemoryGiB: 80\n {2}gpuModel: NVIDIA A100\n {2}nvme: true\n/);
  assert.doesNotMatch(yaml.stdout, /Standard_NC6s_v3/, "KAITO v0.12 removed the V100 SKUs");
  const seed = jsonOf<ListedInstanceType>(await runCli(["instance-types", "--kaito-version", "v0.3", "--cloud", "azure", "-o", "json"]));
  assert.deepEqual(seed.find((t) => t.name === "Standard_NC6s_v3"), { name: "Standard_NC6s_v3", cloud: "azure", gpuCount: 1, gpuMemoryGiB: 16 });
  const seedAws = await runCli(["instance-types", "--kaito-version", "v0.3", "--cloud", "aws"]);
  assert.match(seedAws.stdout, /\np3\.2xlarge\s+aws\s+1\s+16Gi\s+16Gi\s+v0\.3\.2's webhook refuses it/);
});

test("presets and instance-types refuse bad flags with exit 2", async () => {
  for (const [args, message] of [
    [["instance-types", "--cloud", "gcp"], /--cloud must be one of azure, aws; got "gcp"/],
    [["presets", "--kaito-version", "v9"], /--kaito-version must be one of v0\.12, v0\.3; got "v9"/],
    [["instance-types", "-o", "xml"], /--output must be table, json or yaml; got "xml"/],
    [["presets", "--catalog", "x.yaml"], /--catalog/],
    [["instance-types", "--models-lock", "x.yaml"], /--models-lock/],
  ] as const) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
  const help = await runCli(["presets", "--help"]);
  assert.match(help.stdout, /--kaito-version v0\.12\|v0\.3/);
  assert.match(help.stdout, /--models-lock FILE/);
  assert.doesNotMatch(help.stdout, /--catalog/);
});

test("the CRD in kustomize/base/crds is the one generated from the schema", async () => {
  const run = await runCli(["crd"]);
  assert.equal(run.code, 0);
  const checkedIn = readFileSync(repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "utf8");
  assert.equal(checkedIn, run.stdout, "regenerate with: npm run crd");
  const crd = docsOf(run.stdout)[0] as { spec: { versions: { name: string; storage: boolean; additionalPrinterColumns: { name: string }[] }[] } };
  assert.deepEqual(crd.spec.versions.map((v) => [v.name, v.storage]), [["v1alpha1", false], ["v1beta1", true]]);
  assert.deepEqual(
    crd.spec.versions[1]?.additionalPrinterColumns.map((c) => c.name.toUpperCase()),
    ["INSTANCE", "RESOURCEREADY", "INFERENCEREADY", "JOBSTARTED", "WORKSPACESUCCEEDED", "WORKSPACEREADY", "AGE"],
  );
});

test("the installed command (the bundled build in dist/cli) renders exactly as the modules do", async () => {
  const { spawnSync } = await import("node:child_process");
  const bundled = spawnSync(process.execPath, [repoPath("dist/cli/kaito-gitops.js"), "render", "-q", "examples/"], { cwd: repoPath(), encoding: "utf8" });
  assert.equal(bundled.status, 0, bundled.stderr);
  const inProcess = await runCli(["render", "-q", "examples/"]);
  assert.equal(bundled.stdout, inProcess.stdout);
  const bad = spawnSync(process.execPath, [repoPath("dist/cli/kaito-gitops.js"), "validate", "-"], { input: "kind: [", encoding: "utf8" });
  assert.equal(bad.status, 3);
  assert.match(bad.stderr, /^-:1:\d+: /);
});
