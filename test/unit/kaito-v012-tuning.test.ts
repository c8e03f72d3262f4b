// KAITO v0.12 tuning: our ConfigMap copy and Job against the objects KAITO's own controller created
// for every accepted tuning case of the conformance corpus (scripts compared by their parameters,
// see normalise.ts), plus the webhook rules and the pieces they rest on.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TuningSpec } from "../../workspace/api/types.js";
import type { KubeObject } from "../../workspace/expand/meta.js";
import { registryName, tuningChildren as generateTuning, tuningViolations } from "../../workspace/kaito/v0_12/tuning/index.js";
import { gpuConfigBySku } from "../../workspace/kaito/v0_12/gpu/config.js";
import { modelIdOf } from "../../workspace/kaito/v0_12/models/resolve.js";
import type { TuningRequest } from "../../workspace/kaito/v0_12/tuning/index.js";
import { dataUrlProblem } from "../../workspace/kaito/v0_12/tuning/data-url.js";
import { normalisedImage, parseDockerRef } from "../../workspace/kaito/v0_12/tuning/image-ref.js";
import { trainingConfigProblems, trainingOutputDir } from "../../workspace/kaito/v0_12/tuning/training-config.js";
import { chartTemplate } from "../../workspace/kaito/v0_12/tuning/templates.js";
import { defaultControllerSettings } from "../../workspace/kaito/types.js";
import type { ControllerSettings, KaitoContext, KaitoOutcome } from "../../workspace/kaito/types.js";
import { v0_12 } from "../../workspace/kaito/v0_12/index.js";
import { scriptParameters } from "../../workspace/kaito/v0_12/tuning/scripts.js";
import { loadVersion } from "../conformance/corpus.js";
import type { CorpusCase } from "../conformance/corpus.js";
import { normalise } from "../conformance/normalise.js";
import { corpusRoot } from "../helpers/corpus.js";

const UID = "00000000-0000-0000-0000-000000000001";

const cases = loadVersion(corpusRoot(), "v0.12").filter((c) => c.workspace.tuning !== undefined);

interface Stored {
  metadata: { name: string; namespace?: string };
  resource: { instanceType?: string; labelSelector?: { matchLabels?: Record<string, string> } };
  tuning: TuningSpec;
}

function requestFor(c: CorpusCase): TuningRequest {
  const ws = c.workspace as unknown as Stored;
  const namespace = ws.metadata.namespace ?? "default";
  const instanceType = ws.resource.instanceType ?? "Standard_NC24ads_A100_v4";
  return {
    name: ws.metadata.name,
    namespace,
    uid: UID,
    tuning: ws.tuning,
    instanceType,
    cloudProvider: c.settings.cloudProvider,
    gpuCount: gpuConfigBySku(c.settings.cloudProvider, instanceType)?.gpuCount,
    model: { id: modelIdOf(ws.tuning.preset?.name ?? "") },
    affinityLabels: Object.entries(ws.resource.labelSelector?.matchLabels ?? {}),
    cluster: { ...c.cluster, configMaps: [...c.committed.filter((o) => o.kind === "ConfigMap"), ...c.cluster.configMaps] },
  };
}

const workloads = cases.filter((c) => c.index.webhook === "accepted" && (c.expected ?? []).some((o) => o.kind === "Job"));

test("the corpus has the tuning cases this test is about", () => {
  assert.ok(workloads.length >= 20, `only ${workloads.length} tuning cases with a Job`);
  assert.ok(workloads.some((c) => (c.expected ?? []).some((o) => o.kind === "ConfigMap")));
  assert.ok(workloads.some((c) => !(c.expected ?? []).some((o) => o.kind === "ConfigMap")));
});

for (const c of workloads) {
  test(`tuning ${c.name}: the ConfigMap copy and the Job are KAITO's`, () => {
    const name = (c.workspace.metadata as { name: string }).name;
    const kaito = normalise((c.expected ?? []).filter((o) => o.kind === "ConfigMap" || o.kind === "Job"), name);
    const out = generateTuning(requestFor(c));
    assert.equal(out.reconcileError, undefined);
    assert.deepEqual(normalise(out.children as KubeObject[], name), kaito);
  });
}

test("the seed QLoRA on a removed SKU: KAITO's reconcile error and a warning naming the SKU and the fix", () => {
  const seed = cases.find((c) => c.name === "seed-phi3-tuning");
  assert.ok(seed?.reconcileError);
  const out = generateTuning(requestFor(seed));
  assert.deepEqual(out.children, []);
  assert.equal(out.reconcileError, seed.reconcileError.trim());
  assert.match(out.warnings[0]?.message ?? "", /Standard_NC6s_v3.*V100.*KAITO v0\.12 knows .*Standard_NC24ads_A100_v4/s);
});

test("a model outside KAITO's tuning table: stuck before the Job, with a warning listing what can be tuned", () => {
  const gemma = cases.find((c) => c.name === "tuning-preset-without-tuning-support-gemma-3-4b-it");
  assert.ok(gemma?.reconcileError);
  const out = generateTuning(requestFor(gemma));
  assert.deepEqual(out.children, []);
  assert.equal(out.reconcileError, gemma.reconcileError.trim());
  assert.match(out.warnings[0]?.message ?? "", /cannot tune google\/gemma-3-4b-it.*phi-3-mini-4k-instruct/);
});

test("the registry name of a preset is its repo's last segment, lower-cased", () => {
  assert.equal(registryName("Qwen/Qwen2.5-Coder-7B-Instruct"), "qwen2.5-coder-7b-instruct");
  assert.equal(registryName("phi-3-mini-4k-instruct"), "phi-3-mini-4k-instruct");
});

test("mistral-7b-v0.3 is in KAITO's tuning table without a weights image: stuck", () => {
  const base = requestFor(workloads[0] as CorpusCase);
  const out = generateTuning({ ...base, model: { id: "mistralai/mistral-7b-v0.3" } });
  assert.match(out.reconcileError ?? "", /model metadata not found: mistral-7b-v0.3/);
});

test("a method KAITO's webhook lower-cases but its controller does not: stuck without the template", () => {
  const base = requestFor(workloads.find((c) => !c.workspace.tuning || !(c.workspace.tuning as TuningSpec).config) as CorpusCase);
  const out = generateTuning({ ...base, tuning: { ...base.tuning, method: "LoRA", config: "" } });
  assert.match(out.reconcileError ?? "", /failed to get default ConfigMap/);
  assert.deepEqual(out.children, []);
});

test("no copy of the template where a ConfigMap of that name already exists, or in KAITO's own namespace", () => {
  const base = requestFor(workloads.find((c) => (c.expected ?? []).some((o) => o.kind === "ConfigMap")) as CorpusCase);
  const method = base.tuning.method as "lora" | "qlora";
  const existing = { ...chartTemplate(method), metadata: { name: chartTemplate(method).metadata.name, namespace: base.namespace } };
  const there = generateTuning({ ...base, cluster: { ...base.cluster, configMaps: [existing] } });
  assert.deepEqual(there.children.map((o) => o.kind), ["Job"]);
  const own = generateTuning({ ...base, namespace: "kaito-workspace" });
  assert.deepEqual(own.children.map((o) => o.kind), ["Job"]);
});

test("AWS: no Azure spot toleration on the Job", () => {
  const base = requestFor(workloads[0] as CorpusCase);
  const job = generateTuning({ ...base, cloudProvider: "aws" }).children.find((o) => o.kind === "Job");
  const tolerations = JSON.stringify(job?.spec);
  assert.ok(!tolerations.includes("scalesetpriority"));
  assert.ok(tolerations.includes('"key":"sku"'));
});

// The webhook rules.

const validTuning = (over: Partial<TuningSpec> = {}): TuningSpec => ({
  preset: { name: "phi-3-mini-4k-instruct" },
  method: "lora",
  input: { urls: ["https://example.com/data/train.parquet?download=true"] },
  output: { image: "registry.example.com/adapters/a:1", imagePushSecret: "push" },
  ...over,
});

const violations = (tuning: TuningSpec, extra: { count?: number; apiVersion?: "v1alpha1" | "v1beta1"; configMaps?: KubeObject[] } = {}) =>
  tuningViolations({
    apiVersion: extra.apiVersion ?? "v1beta1",
    namespace: "default",
    count: extra.count ?? 1,
    partition: undefined,
    tuning,
    cluster: { configMaps: extra.configMaps ?? [], secrets: [], nodes: [] },
    isValidPresetName: (n) => n.includes("/") || n.startsWith("phi-"),
  });

test("a complete tuning spec passes KAITO's webhook rules", () => {
  assert.deepEqual(violations(validTuning()), []);
});

test("webhook refusals: method, count, inputs, outputs, URLs, images, preset", () => {
  const rule = (tuning: TuningSpec, extra = {}) => violations(tuning, extra).map((v) => v.rule);
  assert.ok(rule(validTuning({ method: "sft" })).includes("tuning.method"));
  assert.ok(rule(validTuning(), { count: 2 }).includes("tuning.count"));
  assert.ok(rule(validTuning({ input: { urls: ["https://a.example/x"], image: "a/b:1" } })).includes("tuning.input"));
  assert.ok(rule(validTuning({ input: {} })).includes("tuning.input"));
  assert.ok(rule(validTuning({ output: { image: "a/b:1" } })).includes("tuning.output.imagePushSecret"));
  assert.ok(rule(validTuning({ output: { image: "a/b:1", imagePushSecret: "s", volumeSource: { emptyDir: {} } } })).includes("tuning.output"));
  assert.ok(rule(validTuning({ input: { urls: ["http://10.0.0.5/x"] } })).includes("tuning.input.urls"));
  assert.deepEqual(rule(validTuning({ input: { urls: ["http://10.0.0.5/x"] } }), { apiVersion: "v1alpha1" }), []);
  assert.ok(rule(validTuning({ input: { image: "Registry.example.com/UPPER:1" } })).includes("tuning.input.image"));
  assert.ok(rule(validTuning({ preset: { name: "nonsense" } })).includes("tuning.preset"));
  assert.ok(rule(validTuning({ config: "missing" })).includes("tuning.config"));
});

test("a user training config is checked: sections, quantisation flags for the method, output_dir", () => {
  const cm = (text: string): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mine", namespace: "default" }, data: { "training_config.yaml": text } });
  const check = (text: string, method: "lora" | "qlora") => violations(validTuning({ method, config: "mine" }), { configMaps: [cm(text)] });
  assert.deepEqual(check("training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n", "qlora"), []);
  assert.match(check("training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n", "lora")[0]?.message ?? "", /must not be true/);
  assert.match(check("training_config:\n  LoraConfig: {}\n", "qlora")[0]?.message ?? "", /either 'load_in_4bit' or 'load_in_8bit'/);
  assert.match(check("training_config:\n  Bogus: {}\n", "lora")[0]?.message ?? "", /Unrecognized section: Bogus/);
  assert.match(check("training_config:\n  TrainingArguments:\n    output_dir: ../etc\n", "lora")[0]?.message ?? "", /Invalid output_dir/);
  assert.match(check("training_config:\n  QuantizationConfig:\n    load_in_4bit: 1\n", "qlora")[0]?.message ?? "", /nil or a boolean/);
  // YAML 1.1, as KAITO reads it: `yes` is a boolean.
  assert.deepEqual(check("training_config:\n  QuantizationConfig:\n    load_in_8bit: yes\n", "qlora"), []);
});

test("the chart's templates pass KAITO's rules for their method and write to /mnt/results", () => {
  for (const method of ["lora", "qlora"] as const) {
    const t = chartTemplate(method);
    const cm = { name: t.metadata.name ?? "", namespace: "kaito-workspace", data: t.data as Record<string, string> };
    assert.deepEqual(trainingConfigProblems(cm, method), []);
    assert.deepEqual(trainingOutputDir(cm), { dir: "/mnt/results" });
  }
});

test("the controller's output directory: default /mnt/output, relative values under /mnt, escapes refused", () => {
  const cm = (args: string) => ({ name: "c", namespace: "d", data: { "training_config.yaml": `training_config:\n  TrainingArguments:\n${args}` } });
  assert.deepEqual(trainingOutputDir(cm("    save_strategy: no\n")), { dir: "/mnt/output" });
  assert.deepEqual(trainingOutputDir(cm("    output_dir: results/x/\n")), { dir: "/mnt/results/x" });
  assert.deepEqual(trainingOutputDir(cm("    output_dir: /mnt/a/../b\n")), { dir: "/mnt/b" });
  assert.ok("error" in trainingOutputDir(cm("    output_dir: /mnt/../etc\n")));
});

test("image references are normalised the way Docker's reference library does", () => {
  assert.equal(normalisedImage("busybox"), "docker.io/library/busybox:latest");
  assert.equal(normalisedImage("org/data:1"), "docker.io/org/data:1");
  assert.equal(normalisedImage("index.docker.io/org/data"), "docker.io/org/data:latest");
  assert.equal(normalisedImage("myregistry.azurecr.io/adapters/a:0.0.1"), "myregistry.azurecr.io/adapters/a:0.0.1");
  assert.equal(normalisedImage("localhost:5000/a"), "localhost:5000/a:latest");
  const digest = `sha256:${"a".repeat(64)}`;
  assert.equal(normalisedImage(`r.example/a:1@${digest}`), `r.example/a@${digest}`);
  assert.equal(parseDockerRef("Org/Data:1").ok, false);
  assert.equal(parseDockerRef("a:b:c").ok, false);
  assert.equal(parseDockerRef(`r.example/a@sha256:${"a".repeat(10)}`).ok, false);
  assert.equal(parseDockerRef("x".repeat(5000)).ok, false);
});

test("the data-URL guard refuses local, metadata, loopback, private and link-local targets", () => {
  for (const ok of ["https://huggingface.co/x.parquet?download=true", "http://8.8.8.8/x", "https://[2001:db8::1]/x", "https://example.com:8443/x"]) {
    assert.equal(dataUrlProblem(ok), undefined, ok);
  }
  for (const bad of ["ftp://example.com/x", "not a url", "/relative", "http://localhost/x", "http://a.localhost/x", "http://metadata.google.internal/x",
    "http://127.0.0.1/x", "http://10.1.2.3/x", "http://172.16.0.1/x", "http://192.168.1.1/x", "http://169.254.169.254/x", "http://[::1]/x",
    "http://[fd00::1]/x", "http://[fe80::1%25eth0]/x", "http://[::ffff:10.0.0.1]/x"]) {
    assert.notEqual(dataUrlProblem(bad), undefined, bad);
  }
});

// Through the v0.12 profile, as every road calls it.

const profileWorkspace = (over: { tuning?: Partial<TuningSpec>; apiVersion?: string; instanceType?: string; labels?: Record<string, string> } = {}) => ({
  apiVersion: over.apiVersion ?? "kaito.sh/v1beta1",
  kind: "Workspace",
  metadata: { name: "tune", namespace: "ml", uid: UID },
  resource: { ...(over.instanceType !== "" ? { instanceType: over.instanceType ?? "Standard_NC48ads_A100_v4" } : {}), labelSelector: { matchLabels: over.labels ?? { apps: "tune" } } },
  tuning: { ...validTuning(), ...over.tuning },
});

const ctxWith = (settings: Partial<ControllerSettings> = {}): KaitoContext => ({
  settings: { ...defaultControllerSettings, ...settings },
  cluster: { configMaps: [], secrets: [], nodes: [] },
  models: { models: [] },
});

interface Container {
  name: string;
  command: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}
interface JobShape {
  spec: { template: { spec: { containers: Container[]; initContainers: Container[]; tolerations: unknown[]; affinity?: unknown; imagePullSecrets?: { name: string }[] } } };
}

const jobOf = (outcome: KaitoOutcome): JobShape => {
  assert.equal(outcome.verdict, "accepted");
  const job = outcome.verdict === "accepted" ? outcome.children.find((o) => o.kind === "Job") : undefined;
  assert.ok(job, "no Job");
  return job as unknown as JobShape;
};

test("profile: every GPU of the instance type goes to the trainer; one NodeClaim with KAITO's default disk", () => {
  const out = v0_12.generate(profileWorkspace({ tuning: { preset: { name: "phi-3-medium-128k-instruct" } } }), ctxWith());
  const job = jobOf(out);
  const trainer = job.spec.template.spec.containers[0] as Container;
  assert.match(trainer.command[2] ?? "", /accelerate launch --num_processes=2 \/workspace\/tfs\/fine_tuning.py$/);
  assert.deepEqual(trainer.resources, { limits: { "nvidia.com/gpu": "2" }, requests: { "nvidia.com/gpu": "2" } });
  assert.equal(job.spec.template.spec.initContainers[0]?.command[2], "mcr.microsoft.com/aks/kaito/kaito-phi-3-medium-128k-instruct:0.2.0");
  assert.ok(out.verdict === "accepted" && out.targetNodeCount === 1);
  const claims = out.verdict === "accepted" ? out.children.filter((o) => o.kind === "NodeClaim") : [];
  assert.equal(claims.length, 1);
  assert.equal((claims[0]?.spec as { resources: { requests: { storage: string } } }).resources.requests.storage, "1Ti");
});

test("profile: a Hugging Face id of a tunable model is tuned from KAITO's weights image, without the Phi-3 default modules", () => {
  const job = jobOf(v0_12.generate(profileWorkspace({ tuning: { preset: { name: "microsoft/Phi-3-mini-4k-instruct" } } }), ctxWith()));
  const spec = job.spec.template.spec;
  assert.equal(spec.initContainers[0]?.command[2], "mcr.microsoft.com/aks/kaito/kaito-phi-3-mini-4k-instruct:0.2.0");
  assert.deepEqual(spec.containers[0]?.env?.map((e) => e.name), ["PYTORCH_CUDA_ALLOC_CONF"]);
});

test("profile: mixed-case method is admitted like KAITO, stuck without its template, with a warning", () => {
  const out = v0_12.generate(profileWorkspace({ tuning: { method: "QLoRA" } }), ctxWith());
  assert.equal(out.verdict, "accepted");
  assert.ok(out.verdict === "accepted" && out.reconcileError?.includes("failed to get default ConfigMap"));
  assert.ok(out.verdict === "accepted" && out.warnings.some((w) => w.rule === "tuning.method"));
  assert.equal(v0_12.generate(profileWorkspace({ tuning: { method: "sft" } }), ctxWith()).verdict, "rejected");
});

test("profile: mistral-7b is tunable in KAITO's table but has no weights image: admitted and stuck", () => {
  const out = v0_12.generate(profileWorkspace({ tuning: { preset: { name: "mistral-7b" } } }), ctxWith());
  assert.ok(out.verdict === "accepted" && /model metadata not found: mistral-7b-v0.3/.test(out.reconcileError ?? ""));
  const advice = out.verdict === "accepted" ? (out.warnings[0]?.message ?? "") : "";
  assert.match(advice, /Models it can tune: phi-4, /);
  assert.ok(!advice.split("Models it can tune:")[1]?.includes("mistral"), advice);
});

test("profile: v1alpha1 has no data-URL guard; v1beta1 refuses a private address", () => {
  const tuning = { input: { urls: ["http://192.168.0.10/train.parquet"] } };
  assert.equal(v0_12.generate(profileWorkspace({ tuning, apiVersion: "kaito.sh/v1alpha1" }), ctxWith()).verdict, "accepted");
  assert.equal(v0_12.generate(profileWorkspace({ tuning }), ctxWith()).verdict, "rejected");
});

test("profile: AWS tuning asks for an EC2 node and tolerates no Azure spot taint", () => {
  const out = v0_12.generate(profileWorkspace({ instanceType: "p4d.24xlarge" }), ctxWith({ cloudProvider: "aws" }));
  const job = jobOf(out);
  assert.ok(!JSON.stringify(job.spec.template.spec.tolerations).includes("scalesetpriority"));
  assert.equal(job.spec.template.spec.containers[0]?.resources?.limits?.["nvidia.com/gpu"], "8");
});

test("profile: bring-your-own nodes: no NodeClaim, and KAITO's controller cannot size the Job", () => {
  const out = v0_12.generate(profileWorkspace({ instanceType: "" }), ctxWith({ nodeProvisioner: "byo" }));
  assert.ok(out.verdict === "accepted");
  assert.deepEqual(out.children, []);
  assert.match(out.reconcileError ?? "", /Unsupported SKU ''/);
  assert.match(out.warnings[0]?.message ?? "", /bring-your-own/);
});

test("profile: a docker.io short image is normalised in the adapter push; no affinity without selector labels", () => {
  const job = jobOf(v0_12.generate(profileWorkspace({ labels: {}, tuning: { output: { image: "me/adapter", imagePushSecret: "hub" } } }), ctxWith()));
  const spec = job.spec.template.spec;
  assert.equal(spec.affinity, undefined);
  const pusher = spec.containers.find((c) => c.name === "pusher");
  assert.equal(scriptParameters(pusher?.args?.[0] ?? "").image, "docker.io/me/adapter:latest");
  assert.deepEqual(spec.imagePullSecrets, [{ name: "hub" }]);
});
