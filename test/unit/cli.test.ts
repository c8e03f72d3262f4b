// The CLI as a user meets it: render, validate, the catalog listings, exit codes and messages.
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
  assert.match(preset.stderr, /-:12:11: error: Workspace default\/phi: inference\.preset\.name: unsupported preset "phi-3-mini": .*\(did you mean "phi-3-mini-4k-instruct"/);
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

test("presets and instance-types list the catalogs as a table, JSON or YAML", async () => {
  const table = await runCli(["presets"]);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^NAME\s+RUNTIMES\s+GPU-MEMORY/);
  assert.match(table.stdout, /\nphi-3-mini-4k-instruct\s+vllm,transformers\s+9Gi/);
  const json = JSON.parse((await runCli(["presets", "-o", "json"])).stdout) as { name: string }[];
  assert.ok(json.some((p) => p.name === "falcon-40b"));
  const aws = await runCli(["instance-types", "--cloud", "aws"]);
  assert.match(aws.stdout, /\ng5\.12xlarge\s+aws\s+4\s+96Gi/);
  assert.doesNotMatch(aws.stdout, /Standard_/);
  const yaml = await runCli(["instance-types", "-o", "yaml"]);
  assert.match(yaml.stdout, /- name: Standard_NC6s_v3\n {2}cloud: azure\n {2}gpuCount: 1\n {2}gpuMemoryGiB: 16/);
});

test("--catalog merges a user file over the built-in catalog; a bad one is reported with file:line", async () => {
  const dir = tempDir({
    "catalog.yaml": `instanceTypes:\n  - name: my-gpu-box\n    cloud: aws\n    gpuCount: 2\n    gpuMemoryGiB: 96\n    gpuModel: NVIDIA L40S\n`,
    "bad-catalog.yaml": `instanceTypes:\n  - name: broken\n    cloud: moon\n    gpuCount: 2\n`,
  });
  const ws = minimal.replace("Standard_NC24ads_A100_v4", "my-gpu-box");
  assert.equal((await runCli(["render", "-"], { stdin: ws })).code, 1);
  const ok = await runCli(["render", "--catalog", join(dir, "catalog.yaml"), "-"], { stdin: ws });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /nvidia\.com\/gpu: "2"/);
  const bad = await runCli(["render", "--catalog", join(dir, "bad-catalog.yaml"), "-"], { stdin: ws });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /bad-catalog\.yaml:3:12: instanceTypes\[0\]\.cloud: must be one of azure, aws, gcp, arc/);
  assert.match(bad.stderr, /bad-catalog\.yaml:2:5: instanceTypes\[0\]\.gpuMemoryGiB: required field is missing/);
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
