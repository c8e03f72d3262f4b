// The controller when the API server misbehaves, against a fake API at the HTTP level
// (fake-api.ts): conflicts and 500s come back after a growing backoff, dropped watches resume,
// 410 Gone re-lists, a missing CRD is reported and retried slowly, and a controller with
// nothing to do sends nothing.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startController } from "../../controller/index.js";
import type { ControllerHandle } from "../../controller/index.js";
import { ANNOTATION_RENDERED_BY, expandOptions } from "../../workspace/index.js";
import type { Condition, Workspace } from "../../workspace/index.js";
import { FakeKubeApi } from "./fake-api.js";
import type { FakeRequest, StoredObject } from "./fake-api.js";
import { expansionOf, inferenceWorkspace } from "./fixtures.js";

const WORKSPACES = "kaito.sh/v1beta1/workspaces";
const DEPLOYMENTS = "apps/v1/deployments";
/** Informers: Workspaces, six child kinds and the inference pods. */
const INFORMERS = 8;
const BACKOFF = { baseMs: 100, maxMs: 1_000, jitter: 0 };

let api: FakeKubeApi | undefined;
let controller: ControllerHandle | undefined;

afterEach(async () => {
  await controller?.stop();
  await api?.stop();
  controller = undefined;
  api = undefined;
});

async function start(workspaces: Workspace[]): Promise<{ api: FakeKubeApi; controller: ControllerHandle }> {
  api = await FakeKubeApi.start();
  for (const ws of workspaces) api.put(WORKSPACES, stored(ws));
  controller = await startController({
    kubeConfig: api.kubeConfig(),
    namespace: "kaito-gitops-system",
    leaderElection: false,
    backoff: BACKOFF,
    resyncMs: 3_600_000,
    // The fixtures' Workspaces pin KAITO v0.3: a controller serves one release's kinds.
    expandOptions: expandOptions({ kaitoVersion: "v0.3" }),
  });
  return { api, controller };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 8_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const isStatusWrite = (r: FakeRequest): boolean => r.method === "PATCH" && r.path.endsWith("/status");
const isChildApply = (r: FakeRequest): boolean => r.method === "PATCH" && !r.path.endsWith("/status");
const conditionOf = (obj: StoredObject | undefined, type: string): Condition | undefined =>
  ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - (times[i] ?? t));

/** A Workspace as a user would create it: no status. */
function stored(workspace: Workspace): StoredObject {
  const copy = structuredClone(workspace);
  delete copy.status;
  return copy as unknown as StoredObject;
}

function ws(name: string): Workspace {
  const base = inferenceWorkspace();
  return { ...base, metadata: { name, namespace: "models", generation: 1, annotations: base.metadata.annotations ?? {} } };
}

describe("the controller against a misbehaving API server", () => {
  test("409 Conflict on the status write: retried after 100, 200, 400 ms; the children are not applied again", async () => {
    const { api } = await start([ws("phi")]);
    let conflicts = 0;
    api.fault = (r) => (isStatusWrite(r) && conflicts++ < 3 ? { code: 409, reason: "Conflict", message: "the object has been modified" } : undefined);
    await until("the status", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "WorkspaceReady"));
    const writes = api.calls(0, isStatusWrite).map((r) => r.at);
    assert.equal(writes.length, 4, "three conflicts, then success");
    const [a = 0, b = 0, c = 0] = gaps(writes);
    assert.ok(a >= 90 && b >= 180 && c >= 360, `backoff gaps ${gaps(writes).join(", ")} ms`);
    assert.ok(c < 1_000, `gaps ${gaps(writes).join(", ")} ms`);
    assert.equal(api.calls(0, isChildApply).length, 3, "Machine, Service, Deployment: once each");
    const settled = api.requests.length;
    await sleep(1_000);
    assert.deepEqual(api.calls(settled).map((r) => `${r.method} ${r.path}`), [], "nothing more once it succeeded");
  });

  test("500 on applying a child: retried with backoff until it goes through; the others are not re-sent", async () => {
    const { api } = await start([ws("phi")]);
    let failures = 0;
    api.fault = (r) =>
      isChildApply(r) && r.path.includes("/deployments/") && failures++ < 2 ? { code: 500, reason: "InternalError", message: "etcdserver: request timed out" } : undefined;
    await until("the Deployment", () => api.get(DEPLOYMENTS, "models", "phi"));
    const applies = api.calls(0, isChildApply);
    assert.equal(applies.filter((r) => r.path.includes("/deployments/")).length, 3);
    assert.equal(applies.length, 5, "the two other children once");
    const deploymentApplies = applies.filter((r) => r.path.includes("/deployments/")).map((r) => r.at);
    assert.ok(gaps(deploymentApplies).every((g, i) => g >= 90 * 2 ** i), `gaps ${gaps(deploymentApplies).join(", ")}`);
    // While it failed, the status said why; once through, the error is gone from it.
    const inference = await until("InferenceReady without the error", () => {
      const c = conditionOf(api.get(WORKSPACES, "models", "phi"), "InferenceReady");
      return c && !c.message.includes("last error") ? c : undefined;
    });
    assert.equal(inference.reason, "WorkspaceInferenceStatusPending");
    const messages = api.calls(0, isStatusWrite).map((r) => JSON.stringify(r.body));
    assert.ok(messages.some((m) => m.includes("etcdserver: request timed out")), "the 500 was reported in the status meanwhile");
    assert.ok(messages.length <= 3, `${messages.length} status writes: one per distinct status`);
  });

  test("watches dropped by the server resume from their resourceVersion; 410 Gone re-lists, and nothing is missed", async () => {
    const { api, controller } = await start([ws("phi")]);
    await controller.synced();
    await until("the first status", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "WorkspaceReady"));
    await until("all watches open", () => api.openWatches === INFORMERS);
    const lists = (): number => api.calls(0, (r) => r.method === "GET").length;
    const listsBefore = lists();

    api.closeWatches();
    await until("watches re-opened", () => api.openWatches === INFORMERS);
    const rewatches = api.requests.filter((r) => r.watch).slice(-INFORMERS);
    assert.ok(rewatches.every((r) => (r.query.get("resourceVersion") ?? "") !== ""), "resumed from a resourceVersion");
    assert.equal(lists(), listsBefore, "a clean close needs no re-list");

    // An object written while the watches are gone, without an event: only a re-list finds it.
    api.put(WORKSPACES, stored(ws("missed")), { silent: true });
    api.expireWatches();
    await until("watches re-opened after 410", () => api.openWatches === INFORMERS);
    await until("every informer re-listed", () => lists() >= listsBefore + INFORMERS);
    await until("the missed Workspace's children", () => api.get(DEPLOYMENTS, "models", "missed"));
    await until("the missed Workspace's status", () => conditionOf(api.get(WORKSPACES, "models", "missed"), "WorkspaceReady"));
  });

  test("no Karpenter CRD (404): ResourceReady says ApplyFailed, and retries slow down instead of looping", async () => {
    const { api } = await start([ws("phi")]);
    api.fault = (r) => (r.path.includes("/karpenter.sh/") ? { code: 404, reason: "NotFound", message: "the server could not find the requested resource" } : undefined);
    const resource = await until("ResourceReady", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "ResourceReady"));
    assert.equal(resource.status, "False");
    assert.equal(resource.reason, "ApplyFailed");
    assert.match(resource.message, /cannot apply Machine ws\w+: PATCH Machine ws\w+: 404 NotFound/);
    await sleep(1_600);
    const attempts = api.calls(0, (r) => isChildApply(r) && r.path.includes("/machines/")).map((r) => r.at);
    // 0, 100, 300, 700, 1500 ms: at most 5 in 1.6 s, each gap twice the one before.
    assert.ok(attempts.length >= 3 && attempts.length <= 5, `${attempts.length} attempts`);
    assert.ok(gaps(attempts).every((g, i) => g >= 90 * 2 ** i), `gaps ${gaps(attempts).join(", ")}`);
    assert.equal(api.calls(0, isChildApply).length - attempts.length, 2, "the other children (Service, Deployment) once");
    assert.equal(api.calls(0, isStatusWrite).length, 1, "the same failure is not written twice");
  });

  test("a Workspace list failing with 500 at start: the informer restarts and the controller catches up", async () => {
    api = await FakeKubeApi.start();
    api.put(WORKSPACES, stored(ws("phi")));
    let failures = 0;
    api.fault = (r) => (r.method === "GET" && !r.watch && r.path.endsWith("/workspaces") && failures++ < 1 ? { code: 500, reason: "InternalError" } : undefined);
    controller = await startController({ kubeConfig: api.kubeConfig(), namespace: "ns", leaderElection: false, backoff: BACKOFF, expandOptions: expandOptions({ kaitoVersion: "v0.3" }) });
    await controller.synced();
    await until("the children", () => api?.get(DEPLOYMENTS, "models", "phi"));
    assert.equal(failures, 2, "one failed list, one that worked");
  });

  test("children the Argo CD plugin applied carry no owner, yet their status reaches the Workspace's (status-only)", async () => {
    const base = ws("phi");
    const rendered: Workspace = { ...base, metadata: { ...base.metadata, annotations: { ...base.metadata.annotations, [ANNOTATION_RENDERED_BY]: "plugin" } } };
    const { api } = await start([rendered]);
    await until("the first status", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "WorkspaceReady"));
    assert.equal(api.calls(0, isChildApply).length, 0, "status only: the controller applies nothing");
    // What Argo CD applies from the plugin's render: no owner reference, and KAITO's namespaced
    // children carry no label either.
    const { children } = expansionOf({ ...rendered, metadata: { ...rendered.metadata, uid: "ignored" } });
    const asArgoApplies = (child: (typeof children)[number], status?: Record<string, unknown>): StoredObject => {
      const metadata = { ...child.metadata };
      delete metadata.ownerReferences;
      return { ...child, metadata, ...(status ? { status } : {}) } as unknown as StoredObject;
    };
    // The node claim carries KAITO's labels; its readiness reaches the Workspace that way.
    for (const child of children.filter((c) => c.kind !== "Deployment")) {
      const collection = child.kind === "Machine" ? "karpenter.sh/v1alpha5/machines" : "v1/services";
      api.put(collection, asArgoApplies(child, child.kind === "Machine" ? { nodeName: "gpu-0", conditions: [{ type: "Ready", status: "True" }] } : undefined));
    }
    await until("ResourceReady True", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "ResourceReady")?.status === "True", 20_000);
    // The Deployment has neither owner nor label: only KAITO's name for it leads to the Workspace.
    const deployment = children.find((c) => c.kind === "Deployment");
    assert.ok(deployment);
    api.put(DEPLOYMENTS, asArgoApplies(deployment, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }));
    await until("InferenceReady True from the Deployment's own event", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "InferenceReady")?.status === "True", 20_000);
    assert.equal(api.calls(0, isChildApply).length, 0, "still nothing applied");
  });

  test("nothing changes, nothing is sent; a status-only change of a child costs one status write, no apply", async () => {
    const { api } = await start([ws("phi")]);
    await until("the first status", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "WorkspaceReady"));
    await sleep(300);
    const settled = api.requests.length;
    await sleep(1_500);
    assert.deepEqual(api.calls(settled).map((r) => `${r.method} ${r.path}`), [], "idle: no requests at all");

    // The Deployment controller's first sync: replicas counted, still none available.
    const deployment = await until("the Deployment", () => api.get(DEPLOYMENTS, "models", "phi"));
    api.put(DEPLOYMENTS, { ...deployment, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 } });
    await sleep(500);
    assert.deepEqual(api.calls(settled).map((r) => `${r.method} ${r.path}`), [], "the status it shows has not changed: nothing to write");

    const current = api.get(DEPLOYMENTS, "models", "phi") as StoredObject;
    api.put(DEPLOYMENTS, { ...current, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } });
    await until("InferenceReady True", () => conditionOf(api.get(WORKSPACES, "models", "phi"), "InferenceReady")?.status === "True");
    await sleep(500);
    assert.deepEqual(
      api.calls(settled).map((r) => `${r.method} ${r.path}`),
      ["PATCH /apis/kaito.sh/v1beta1/namespaces/models/workspaces/phi/status"],
      "one status write, no apply, and our own write did not trigger another",
    );
  });
});
