// The KAITO v0.3 profile's behaviour beyond the conformance corpus's cases: verdicts, the stored
// Workspace's defaults, where KAITO's controller gets stuck, and the shape of what it creates.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../workspace/expand/meta.js";
import type { KaitoContext, KaitoOutcome } from "../../workspace/kaito/types.js";
import { defaultControllerSettings, emptyClusterFacts, emptyModelLock } from "../../workspace/kaito/types.js";
import { v0_3 } from "../../workspace/kaito/v0_3/index.js";
import { chartTemplateV03 } from "../../workspace/kaito/v0_3/tuning-config.js";

const ctx = (configMaps: KubeObject[] = []): KaitoContext => ({
  settings: defaultControllerSettings,
  cluster: { ...emptyClusterFacts, configMaps },
  models: emptyModelLock,
});

type Json = Record<string, unknown>;
const workspace = (body: Json, resource: Json = { instanceType: "Standard_NC12s_v3", labelSelector: { matchLabels: { apps: "t" } } }): Json => ({
  apiVersion: "kaito.sh/v1alpha1",
  kind: "Workspace",
  metadata: { name: "t", namespace: "ns", uid: "uid-1" },
  resource,
  ...body,
});
const tuning = (extra: Json = {}): Json => ({
  tuning: { preset: { name: "phi-3-mini-4k-instruct" }, method: "qlora", input: { urls: ["https://h/d.parquet"] }, output: { image: "r.io/out:1", imagePushSecret: "push" }, ...extra },
});

function accepted(outcome: KaitoOutcome): Extract<KaitoOutcome, { verdict: "accepted" }> {
  assert.equal(outcome.verdict, "accepted", outcome.verdict === "rejected" ? JSON.stringify(outcome.violations) : "");
  return outcome as Extract<KaitoOutcome, { verdict: "accepted" }>;
}
const kinds = (o: KaitoOutcome) => accepted(o).children.map((c) => c.kind);
const rejected = (o: KaitoOutcome): string => {
  assert.equal(o.verdict, "rejected");
  return o.verdict === "rejected" ? o.violations.map((v) => v.message).join("\n") : "";
};
const podSpec = (o: KubeObject) => ((o.spec as Json).template as Json).spec as Json;
const mainCommand = (o: KubeObject) => ((podSpec(o).containers as Json[])[0]?.command as string[])[2] ?? "";

describe("KAITO v0.3 profile: verdicts", () => {
  it("serves kaito.sh/v1alpha1 only", () => {
    assert.match(rejected(v0_3.generate({ ...workspace({ inference: { preset: { name: "phi-2" } } }), apiVersion: "kaito.sh/v1beta1" }, ctx())), /v1alpha1 only/);
  });

  it("refuses preset names v0.3.2 does not register, in any letter case", () => {
    for (const name of ["phi-4", "Phi-2", "microsoft/phi-2"]) assert.match(rejected(v0_3.generate(workspace({ inference: { preset: { name } } }), ctx())), /Unsupported inference preset/);
  });

  it("checks GPU count and memory against the webhook's SKU table, times the node count", () => {
    const falcon40b = (count: number) => workspace({ inference: { preset: { name: "falcon-40b" } } }, { instanceType: "Standard_NC24ads_A100_v4", count, labelSelector: { matchLabels: { a: "b" } } });
    assert.match(rejected(v0_3.generate(falcon40b(1), ctx())), /Insufficient number of GPUs[^]*Insufficient total GPU memory/);
    assert.equal(v0_3.generate(falcon40b(2), ctx()).verdict, "accepted");
  });

  it("lets unknown Azure N- and D-series instance types through, and refuses other unknown names", () => {
    const on = (instanceType: string) => v0_3.generate(workspace({ inference: { preset: { name: "phi-2" } } }, { instanceType, labelSelector: { matchLabels: { a: "b" } } }), ctx());
    assert.equal(on("Standard_NC40ads_H100_v5").verdict, "accepted");
    assert.match(rejected(on("p3.2xlarge")), /Unsupported instance type p3.2xlarge/);
  });

  it("refuses a Workspace without resource: no defaults apply to an object that is not there", () => {
    const noResource = (body: Json): Json => { const ws = workspace(body); delete ws.resource; return ws; };
    assert.match(rejected(v0_3.generate(noResource({ inference: { preset: { name: "phi-2" } } }), ctx())), /Unsupported instance type/);
    assert.match(rejected(v0_3.generate(noResource(tuning()), ctx())), /needs resource/);
  });

  it("refuses a selector KAITO cannot turn into labels", () => {
    const ws = workspace({ inference: { preset: { name: "phi-2" } } }, { labelSelector: { matchExpressions: [{ key: "a", operator: "Exists" }] } });
    assert.match(rejected(v0_3.generate(ws, ctx())), /cannot be converted/);
  });

  it("refuses tuning data from volumes and a missing push secret", () => {
    assert.match(rejected(v0_3.generate(workspace(tuning({ input: { volumeSource: { emptyDir: {} } } })), ctx())), /Volume support is not implemented/);
    assert.match(rejected(v0_3.generate(workspace(tuning({ output: { image: "r.io/out:1" } })), ctx())), /imagePushSecret/);
    assert.match(rejected(v0_3.generate(workspace(tuning({ input: { image: "r.io/Data:1" } })), ctx())), /lowercase/);
  });

  it("refuses a user training config that is missing or wrong for the method", () => {
    assert.match(rejected(v0_3.generate(workspace(tuning({ config: "mine" })), ctx())), /ConfigMap 'mine' specified in 'config' not found in namespace 'ns'/);
    const lora = { ...chartTemplateV03("lora"), metadata: { name: "mine", namespace: "ns" } };
    assert.match(rejected(v0_3.generate(workspace(tuning({ config: "mine" })), ctx([lora]))), /For method 'qlora'/);
  });
});

describe("KAITO v0.3 profile: what the controller creates", () => {
  it("stores the CRD's defaults and prunes fields v0.3.2 does not have", () => {
    const out = accepted(v0_3.generate(workspace({ inference: { preset: { name: "phi-2", presetOptions: { modelAccessSecret: "s" } }, config: "c" } }, { labelSelector: { matchLabels: { a: "b" } } }), ctx()));
    assert.deepEqual(out.workspace.resource, { labelSelector: { matchLabels: { a: "b" } }, count: 1, instanceType: "Standard_NC12s_v3" });
    assert.deepEqual(out.workspace.inference, { preset: { name: "phi-2", accessMode: "public", presetOptions: {} } });
    assert.deepEqual(out.warnings.map((w) => w.path.join(".")), ["inference.config", "inference.preset.presetOptions.modelAccessSecret"]);
  });

  it("names Machines reproducibly, one per node, and asks for the preset's disk", () => {
    const ws = workspace({ inference: { preset: { name: "phi-2" } } }, { instanceType: "Standard_NC12s_v3", count: 3, labelSelector: { matchLabels: { a: "b" } } });
    const first = accepted(v0_3.generate(ws, ctx())).children.filter((c) => c.kind === "Machine");
    const again = accepted(v0_3.generate(ws, ctx())).children.filter((c) => c.kind === "Machine");
    assert.equal(first.length, 3);
    assert.deepEqual(first.map((m) => m.metadata.name), again.map((m) => m.metadata.name));
    assert.equal(new Set(first.map((m) => m.metadata.name)).size, 3);
    for (const m of first) assert.match(String(m.metadata.name), /^ws[0-9a-f]{9}$/);
    assert.deepEqual((first[0]?.spec as Json).resources, { requests: { storage: "50Gi" } });
  });

  it("runs llama-2 13b over two nodes as a StatefulSet whose workers find the master through the Service", () => {
    const ws = workspace(
      { inference: { preset: { name: "llama-2-13b-chat", accessMode: "private", presetOptions: { image: "r.io/llama:1", imagePullSecrets: ["pull"] } } } },
      { instanceType: "Standard_NC12s_v3", count: 2, labelSelector: { matchLabels: { a: "b" } } },
    );
    const out = accepted(v0_3.generate(ws, ctx()));
    assert.deepEqual(out.children.map((c) => `${c.kind}/${c.metadata.name}`).slice(2), ["Service/t", "Service/t-headless", "StatefulSet/t"]);
    const command = mainCommand(out.children[4] as KubeObject);
    assert.match(command, /--nnodes=2 /);
    assert.match(command, /--master_addr=t\.ns\.svc\.cluster\.local /);
    assert.match(command, /--rdzv_endpoint=t-0\.t-headless\.ns\.svc\.cluster\.local:29500 /);
    assert.deepEqual(podSpec(out.children[4] as KubeObject).imagePullSecrets, [{ name: "pull" }]);
  });

  it("gets stuck, as KAITO's controller does, on an adapter without a strength", () => {
    const ws = workspace({ inference: { preset: { name: "phi-2" }, adapters: [{ source: { name: "a", image: "r.io/a:1" } }] } });
    const out = accepted(v0_3.generate(ws, ctx()));
    assert.deepEqual(kinds(out), ["Machine", "Service"]);
    assert.match(out.reconcileError ?? "", /strength/);
  });

  it("copies the chart's template unless the namespace has one, and prefers the installed template", () => {
    assert.deepEqual(kinds(v0_3.generate(workspace(tuning()), ctx())), ["Machine", "ConfigMap", "Job"]);
    const inNamespace = { ...chartTemplateV03("qlora"), metadata: { name: "qlora-params-template", namespace: "ns" } };
    assert.deepEqual(kinds(v0_3.generate(workspace(tuning()), ctx([inNamespace]))), ["Machine", "Job"]);
    const installed = chartTemplateV03("qlora");
    const custom = { ...installed, data: { "training_config.yaml": "training_config:\n  QuantizationConfig:\n    load_in_8bit: true\n  TrainingArguments:\n    output_dir: out\n" } };
    const out = accepted(v0_3.generate(workspace(tuning()), ctx([custom])));
    assert.deepEqual(out.children[1]?.data, custom.data);
    const mounts = ((podSpec(out.children[2] as KubeObject).containers as Json[])[0]?.volumeMounts as Json[]).map((m) => m.mountPath);
    assert.ok(mounts.includes("/mnt/out"));
  });

  it("gets stuck on a method KAITO's controller compares case-sensitively, and on presets without tuning", () => {
    const upper = accepted(v0_3.generate(workspace(tuning({ method: "QLoRA" })), ctx()));
    assert.deepEqual(upper.children.map((c) => c.kind), ["Machine"]);
    assert.ok(upper.reconcileError);
    const instruct = accepted(v0_3.generate(workspace(tuning({ preset: { name: "falcon-7b-instruct" } })), ctx()));
    assert.deepEqual(instruct.children.map((c) => c.kind), ["Machine", "ConfigMap"]);
    assert.ok(instruct.reconcileError);
  });

  it("starts one training process per GPU of the instance type", () => {
    const ws = workspace({ tuning: { ...(tuning().tuning as Json), preset: { name: "falcon-7b" } } }, { instanceType: "Standard_NC24s_v3", labelSelector: { matchLabels: { a: "b" } } });
    const job = accepted(v0_3.generate(ws, ctx())).children.find((c) => c.kind === "Job") as KubeObject;
    assert.match(mainCommand(job), /--num_processes=4 /);
    assert.deepEqual((podSpec(job).containers as Json[])[0]?.resources, { requests: { "nvidia.com/gpu": "4" }, limits: { "nvidia.com/gpu": "4" } });
  });

  it("places pods the same way whatever the order of the matchLabels", () => {
    const a = workspace({ inference: { preset: { name: "phi-2" } } }, { labelSelector: { matchLabels: { x: "1", a: "2" } } });
    const b = workspace({ inference: { preset: { name: "phi-2" } } }, { labelSelector: { matchLabels: { a: "2", x: "1" } } });
    assert.equal(JSON.stringify(accepted(v0_3.generate(a, ctx())).children), JSON.stringify(accepted(v0_3.generate(b, ctx())).children));
  });

  it("creates Machines only for nodes the existing Ready ones with the labels and instance type do not cover", () => {
    const node = (name: string, labels: Record<string, string>, ready = "True", gpus = "3"): KubeObject => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels },
      status: { conditions: [{ type: "Ready", status: ready }], capacity: { "nvidia.com/gpu": gpus } },
    });
    const nodes = [
      node("n1", { a: "b", "node.kubernetes.io/instance-type": "Standard_NC99_custom" }),
      node("n2", { a: "b", "node.kubernetes.io/instance-type": "Standard_NC99_custom" }, "False"),
      node("n3", { a: "other", "node.kubernetes.io/instance-type": "Standard_NC99_custom" }),
      node("n4", { a: "b", "node.kubernetes.io/instance-type": "Standard_NC6s_v3" }),
    ];
    const ws = workspace({ inference: { preset: { name: "phi-2" } } }, { instanceType: "Standard_NC99_custom", count: 3, labelSelector: { matchLabels: { a: "b" } } });
    const out = accepted(v0_3.generate(ws, { ...ctx(), cluster: { ...emptyClusterFacts, nodes } }));
    assert.equal(out.children.filter((c) => c.kind === "Machine").length, 2);
    const deployment = out.children.find((c) => c.kind === "Deployment") as KubeObject;
    assert.deepEqual((podSpec(deployment).containers as Json[])[0]?.resources, { requests: { "nvidia.com/gpu": "3" }, limits: { "nvidia.com/gpu": "3" } });
  });

  it("runs a custom pod as a Deployment with KAITO's affinity, tolerations after the user's, and typed quantities", () => {
    const template = {
      metadata: { labels: { team: "x" } },
      spec: {
        tolerations: [{ key: "own", operator: "Exists" }],
        containers: [{ name: "c", image: "r.io/c:1", resources: { limits: { "nvidia.com/gpu": 1, cpu: 0.5 } } }, { name: "d", image: "r.io/d:1" }],
      },
    };
    const out = accepted(v0_3.generate(workspace({ inference: { template } }, { count: 2, labelSelector: { matchLabels: { a: "b" } } }), ctx()));
    assert.deepEqual(kinds(out), ["Machine", "Machine", "Deployment"]);
    const deployment = out.children[2] as KubeObject;
    assert.equal((deployment.spec as Json).replicas, 2);
    assert.deepEqual(((deployment.spec as Json).template as Json).metadata, { labels: { team: "x", "kaito.sh/workspace": "t" } });
    const pod = podSpec(deployment);
    assert.deepEqual((pod.tolerations as Json[]).map((t) => t.key), ["own", "nvidia.com/gpu", "sku"]);
    assert.deepEqual((pod.containers as Json[]).map((c) => c.resources), [{ limits: { "nvidia.com/gpu": "1", cpu: "500m" } }, {}]);
    assert.deepEqual(template.spec.containers[0]?.resources, { limits: { "nvidia.com/gpu": 1, cpu: 0.5 } }, "the input is not changed");
  });
});
