// Admission reads what KAITO reads from the cluster (webhook/cluster-reads.ts), against the fake
// API server: a named ConfigMap that exists is used (allowed, patched as render would with it), one
// that does not is KAITO's refusal with its field path, a failing or hanging API server is a
// bounded denial naming the object, and the server keeps serving. Without cluster access the
// denial says the ConfigMap could not be read.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import request from "supertest";
import type { RequestListener } from "node:http";
import { createKubeClient } from "../../controller/kube.js";
import type { KubeClient } from "../../controller/kube.js";
import { ADMISSION_READ_LIMITS, createMetrics, observedAccess } from "../../webhook/index.js";
import type { AdmissionContext, ClusterAccess } from "../../webhook/index.js";
import { applyPatch } from "../helpers/patch.js";
import { checkWorkspace, expandOptions } from "../../workspace/index.js";
import type { ExpandOptions, KubeObject } from "../../workspace/index.js";
import { FakeKubeApi } from "../controller/fake-api.js";
import type { StoredObject } from "../controller/fake-api.js";
import { responseOf, testApp } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";

const CONFIG_MAPS = "v1/configmaps";
const SECRETS = "v1/secrets";
const NODES = "v1/nodes";
const TOKEN = "hf_do_not_leak_this_token";

let api: FakeKubeApi;
let client: KubeClient;

before(async () => {
  api = await FakeKubeApi.start();
  client = createKubeClient(api.kubeConfig());
});
after(async () => {
  client.close();
  await api.stop();
});
beforeEach(() => {
  api.fault = undefined;
  api.stall = undefined;
});

function appWith(options: ExpandOptions, access: ClusterAccess | undefined): { app: RequestListener; lines: () => Record<string, unknown>[] } {
  const context: AdmissionContext = { options, ...(access && { cluster: access }) };
  return testApp({ context: () => context });
}

const live = (limits = ADMISSION_READ_LIMITS): ClusterAccess => ({ client, limits });

async function admit(app: RequestListener, path: "/mutate" | "/validate", object: Record<string, unknown>) {
  const res = await request(app).post(path).set("Content-Type", "application/json").send(admissionReview({ object }));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return responseOf(res.body);
}

const withConfig = (name: string, config: string, extra: Partial<{ secret: string; model: string }> = {}): Record<string, unknown> => {
  const ws = phi3({ name });
  const inference = ws["inference"] as { preset: { name: string; presetOptions?: Record<string, string> }; config?: string };
  inference.config = config;
  if (extra.model) inference.preset.name = extra.model;
  if (extra.secret) inference.preset.presetOptions = { modelAccessSecret: extra.secret };
  return ws;
};

const configMap = (name: string, maxModelLen: number | undefined, namespace = "default"): StoredObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data: { "inference_config.yaml": maxModelLen === undefined ? "vllm:\n  gpu-memory-utilization: 0.9\n" : `vllm:\n  max-model-len: ${maxModelLen}\n` },
});

const causes = (response: ReturnType<typeof responseOf>) => response.status?.details?.causes ?? [];

describe("admission with cluster access", () => {
  it("uses a named ConfigMap that exists: allowed, and the patch is what render gives with that ConfigMap", async () => {
    api.put(CONFIG_MAPS, configMap("phi-config", 2048));
    const { app } = appWith(expandOptions(), live());
    const object = withConfig("with-config", "phi-config");
    const from = api.requests.length;
    const mutated = await admit(app, "/mutate", object);
    assert.equal(mutated.allowed, true, mutated.status?.message);
    assert.equal(mutated.patchType, "JSONPatch");
    const stored = applyPatch(object, JSON.parse(Buffer.from(mutated.patch ?? "", "base64").toString("utf8")) as never);
    // The same Workspace rendered offline with the ConfigMap given as a fact.
    const given = checkWorkspace(object, expandOptions({ cluster: { configMaps: [configMap("phi-config", 2048) as unknown as KubeObject], secrets: [], nodes: [] } }));
    assert.ok(given.checked);
    assert.deepEqual(stored, given.checked.workspace);
    assert.deepEqual(
      api.calls(from).map((r) => `${r.method} ${r.path}`),
      ["GET /api/v1/namespaces/default/configmaps/phi-config"],
      "exactly the ConfigMap it names, in its namespace",
    );
    const validated = await admit(app, "/validate", stored);
    assert.equal(validated.allowed, true, validated.status?.message);
  });

  it("sees the ConfigMap as it is now, not as at start (applied just before the Workspace)", async () => {
    const { app } = appWith(expandOptions(), live());
    const object = withConfig("late-config", "late-config");
    const before = await admit(app, "/validate", object);
    assert.equal(before.allowed, false);
    api.put(CONFIG_MAPS, configMap("late-config", undefined));
    const after = await admit(app, "/validate", object);
    assert.equal(after.allowed, true, after.status?.message);
  });

  it("refuses a Workspace whose ConfigMap is absent (404) with KAITO's reason at inference.config", async () => {
    const { app } = appWith(expandOptions(), live());
    for (const path of ["/mutate", "/validate"] as const) {
      const response = await admit(app, path, withConfig("missing-config", "does-not-exist"));
      assert.equal(response.allowed, false);
      assert.equal(response.status?.code, 422);
      assert.deepEqual(
        causes(response).map((c) => c.field),
        ["inference.config"],
      );
      assert.match(response.status?.message ?? "", /ConfigMap default\/does-not-exist does not exist/);
      assert.doesNotMatch(response.status?.message ?? "", /no cluster access/, "it was read: absent is the cluster's answer");
    }
  });

  it("reads max-model-len from the live ConfigMap: one beyond the model's context window is refused", async () => {
    api.put(CONFIG_MAPS, configMap("too-long", 8192));
    const { app } = appWith(expandOptions(), live());
    const response = await admit(app, "/validate", withConfig("too-long", "too-long"));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /inference\.config: max-model-len 8192 in default\/too-long exceeds the 4096-token context window/);
  });

  it("reads the named Secret without assuming it, and never lets its value out", async () => {
    api.put(CONFIG_MAPS, configMap("with-secret", undefined));
    api.put(SECRETS, { apiVersion: "v1", kind: "Secret", metadata: { name: "hf-token", namespace: "default" }, data: { HF_TOKEN: Buffer.from(TOKEN).toString("base64") } });
    const { app, lines } = appWith(expandOptions(), live());
    const object = withConfig("with-secret", "with-secret", { secret: "hf-token" });
    const from = api.requests.length;
    const mutated = await admit(app, "/mutate", object);
    assert.equal(mutated.allowed, true, mutated.status?.message);
    const validated = await admit(app, "/validate", object);
    assert.equal(validated.allowed, true, validated.status?.message);
    assert.ok(!(validated.warnings ?? []).some((w) => /taken to exist/.test(w)), "read, not assumed");
    assert.ok(api.calls(from).some((r) => r.path === "/api/v1/namespaces/default/secrets/hf-token"));
    const everything = JSON.stringify([mutated, validated, lines()]);
    assert.ok(!everything.includes(TOKEN) && !everything.includes(Buffer.from(TOKEN).toString("base64")), "the token is in no answer and no log line");
  });

  it("makes no request for a Workspace that names nothing", async () => {
    const { app } = appWith(expandOptions(), live());
    const from = api.requests.length;
    assert.equal((await admit(app, "/mutate", phi3({ name: "names-nothing" }))).allowed, true);
    assert.equal((await admit(app, "/validate", phi3({ name: "names-nothing" }))).allowed, true);
    assert.deepEqual(api.calls(from), []);
  });

  it("with bring-your-own nodes lists the Nodes by the Workspace's labels (KAITO's own labels left to the profile)", async () => {
    const gpuNode = (name: string, apps: string): StoredObject => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        labels: {
          apps,
          "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
          "nvidia.com/gpu.count": "1",
          "nvidia.com/gpu.memory": "81920",
          "node.kubernetes.io/instance-type": "Standard_NC24ads_A100_v4",
        },
      },
      status: { conditions: [{ type: "Ready", status: "True" }], capacity: { "nvidia.com/gpu": "1" }, allocatable: { "nvidia.com/gpu": "1" } },
    });
    api.put(NODES, gpuNode("gpu-0", "byo-phi"));
    api.put(NODES, gpuNode("other-0", "someone-else"));
    const options = expandOptions({ settings: { ...expandOptions().settings, nodeProvisioner: "byo" } });
    const { app } = appWith(options, live());
    const object = phi3({ name: "byo-phi" });
    (object["resource"] as { labelSelector: { matchLabels: Record<string, string> } }).labelSelector.matchLabels = { apps: "byo-phi", "kaito.sh/workspace": "byo-phi" };
    delete (object["resource"] as { instanceType?: string }).instanceType;
    const from = api.requests.length;
    const response = await admit(app, "/validate", object);
    assert.equal(response.allowed, true, response.status?.message);
    const lists = api.calls(from).filter((r) => r.path === "/api/v1/nodes");
    assert.equal(lists.length, 1);
    assert.equal(lists[0]?.query.get("labelSelector"), "apps=byo-phi");

    // Without a matching Node it is KAITO's refusal, not an error.
    const none = phi3({ name: "byo-none" });
    (none["resource"] as { labelSelector: { matchLabels: Record<string, string> } }).labelSelector.matchLabels = { apps: "no-such-nodes" };
    delete (none["resource"] as { instanceType?: string }).instanceType;
    const refused = await admit(app, "/validate", none);
    assert.equal(refused.allowed, false);
    assert.equal(refused.status?.code, 422, refused.status?.message);
  });
});

describe("admission when the API server fails", () => {
  it("a 403 is a denial naming the object and the field, not a verdict; the next request is served", async () => {
    api.fault = (r) => (r.path.includes("/configmaps/") ? { code: 403, reason: "Forbidden", message: 'configmaps "x" is forbidden: no RBAC' } : undefined);
    const { app, lines } = appWith(expandOptions(), live());
    for (const path of ["/mutate", "/validate"] as const) {
      const response = await admit(app, path, withConfig("forbidden", "some-config"));
      assert.equal(response.allowed, false);
      assert.equal(response.status?.code, 500);
      assert.match(response.status?.message ?? "", /could not read ConfigMap default\/some-config \(named by inference\.config\): GET ConfigMap default\/some-config: 403 Forbidden/);
    }
    assert.ok(lines().some((l) => l["result"] === "error"), "logged as the webhook's error, not the user's");
    api.fault = undefined;
    assert.equal((await admit(app, "/validate", phi3({ name: "after-403" }))).allowed, true);
  });

  it("an API server that does not answer costs at most the read timeout, then a clear denial", async () => {
    api.stall = (r) => r.path.includes("/configmaps/");
    const limits = { ...ADMISSION_READ_LIMITS, timeoutMs: 300 };
    const { app } = appWith(expandOptions(), live(limits));
    const started = performance.now();
    const response = await admit(app, "/validate", withConfig("hangs", "hanging-config"));
    const ms = performance.now() - started;
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /could not read ConfigMap default\/hanging-config .*no complete answer within 300 ms/);
    assert.ok(ms >= 290 && ms < 2_000, `answered after ${Math.round(ms)} ms`);
    api.stall = undefined;
    assert.equal((await admit(app, "/validate", phi3({ name: "after-hang" }))).allowed, true);
  });

  it("an answer larger than the cap is refused, not read into memory", async () => {
    const big: StoredObject = { ...configMap("big-config", undefined), data: { "inference_config.yaml": "vllm: {}\n", padding: "x".repeat(64 * 1024) } };
    api.put(CONFIG_MAPS, big);
    const { app } = appWith(expandOptions(), live({ ...ADMISSION_READ_LIMITS, maxObjectBytes: 16 * 1024 }));
    const response = await admit(app, "/validate", withConfig("big", "big-config"));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /could not read ConfigMap default\/big-config .*larger than 16384 bytes/);
  });
});

describe("admission without cluster access", () => {
  it("says a named ConfigMap could not be read, and assumes a named Secret with a warning", async () => {
    const { app } = appWith(expandOptions(), undefined);
    const refused = await admit(app, "/validate", withConfig("laptop", "laptop-config"));
    assert.equal(refused.allowed, false);
    assert.match(refused.status?.message ?? "", /no cluster access .*ConfigMap default\/laptop-config \(inference\.config\) could not be read/);

    const withSecret = phi3({ name: "laptop-secret" });
    (withSecret["inference"] as { preset: { presetOptions?: object } }).preset.presetOptions = { modelAccessSecret: "hf-token" };
    const allowed = await admit(app, "/validate", withSecret);
    assert.equal(allowed.allowed, true, allowed.status?.message);
    assert.ok((allowed.warnings ?? []).some((w) => /Secret default\/hf-token is taken to exist/.test(w)), JSON.stringify(allowed.warnings));
  });

  it("a ConfigMap given at start (--cluster) is used and no note is added", async () => {
    const options = expandOptions({ cluster: { configMaps: [configMap("given", undefined) as unknown as KubeObject], secrets: [], nodes: [] } });
    const { app } = appWith(options, undefined);
    assert.equal((await admit(app, "/validate", withConfig("given", "given"))).allowed, true);
  });
});

describe("metrics of the cluster reads", () => {
  it("counts each read by resource and code, 404 and a hang (code 0) included", async () => {
    const metrics = createMetrics({ processMetrics: false });
    api.put(CONFIG_MAPS, configMap("counted", undefined));
    const access = observedAccess(live({ ...ADMISSION_READ_LIMITS, timeoutMs: 200 }), metrics);
    const { app } = appWith(expandOptions(), access);
    await admit(app, "/validate", withConfig("counted", "counted"));
    await admit(app, "/validate", withConfig("absent", "absent-config"));
    api.stall = (r) => r.path.includes("/configmaps/");
    await admit(app, "/validate", withConfig("stalled", "counted"));
    const text = await metrics.registry.metrics();
    assert.match(text, /admission_cluster_reads_total\{resource="configmaps",code="200"\} 1/);
    assert.match(text, /admission_cluster_reads_total\{resource="configmaps",code="404"\} 1/);
    assert.match(text, /admission_cluster_reads_total\{resource="configmaps",code="0"\} 1/);
    assert.match(text, /admission_cluster_read_duration_seconds_count\{resource="configmaps"\} 3/);
  });
});
