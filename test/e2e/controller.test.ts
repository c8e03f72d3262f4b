// The controller against a real kube-apiserver, kube-controller-manager and etcd
// (test/cluster): children created by server-side apply and owned by the Workspace, status that
// follows the children's real state (the StatefulSet's pods, created by kube-controller-manager,
// made ready as a kubelet would), `kubectl get workspace` columns, drift undone, garbage collection on delete, status-only Workspaces, and
// leader election between two controllers.
//
// The controller runs in-process with the credentials of the install bundle's ServiceAccount,
// bound to nothing but the bundle's (Cluster)Roles: any permission the code uses and the bundle
// lacks fails the test with a 403. OwnerReferencesPermissionEnforcement is on, as in hardened
// clusters. Karpenter's node-claim CRDs are stand-ins (fixtures/karpenter-crds.yaml).
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parseAllDocuments } from "yaml";
import { startController } from "../../controller/index.js";
import type { ControllerHandle, RequestRecord } from "../../controller/index.js";
import { permits, RBAC_RULES } from "../../controller/rbac.js";

import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { repoPath } from "../helpers/repo.js";

const NS = "models";
const SYSTEM_NS = "kaito-gitops-system";
const FIELD_MANAGER = "kaito-gitops-controller";
/** Short enough that the hand-over test does not wait long, long enough for a loaded machine. */
const LEADER_TIMINGS = { leaseDurationMs: 6_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };

interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: { manager: string; operation: string; subresource?: string }[];
}
interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: { conditions?: { type: string; status: string; reason: string; message: string; observedGeneration?: number }[]; state?: string; targetNodeCount?: number; workerNodes?: string[] };
}

let cluster: Cluster | undefined;
const controllers: ControllerHandle[] = [];
const requests = new Map<string, RequestRecord[]>();
let saKubeconfig = "";

const c = (): Cluster => {
  assert.ok(cluster, "the cluster did not start (see before())");
  return cluster;
};

async function kubectl(args: readonly string[], input?: string): Promise<string> {
  const r = await c().kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
const getJson = async <T>(args: readonly string[]): Promise<T> => JSON.parse(await kubectl([...args, "-o", "json"])) as T;
async function tryGet(args: readonly string[]): Promise<Obj | undefined> {
  const r = await c().kubectl(["get", ...args, "--ignore-not-found", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() === "" ? undefined : (JSON.parse(r.stdout) as Obj);
}

async function poll<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

const condition = (ws: Obj | undefined, type: string) => ws?.status?.conditions?.find((x) => x.type === type);

async function workspaceWith(name: string, type: string, status: string): Promise<Obj> {
  return poll(`${name}: ${type}=${status}`, async () => {
    const ws = await tryGet(["workspace", name, "-n", NS]);
    return condition(ws, type)?.status === status ? ws : undefined;
  });
}

function workspaceYaml(name: string, extra: { annotations?: Record<string, string>; preset?: string } = {}): string {
  return JSON.stringify({
    apiVersion: "kaito.sh/v1beta1",
    kind: "Workspace",
    metadata: { name, namespace: NS, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: name } } },
    inference: { preset: { name: extra.preset ?? "phi-3-mini-4k-instruct" } },
  });
}

/**
 * The Workspace's children as the cluster holds them. KAITO's Services and StatefulSet carry no
 * labels: they are found by their owner reference, or by the names KAITO gives them (what
 * someone else created under those names counts too); node claims by their labels.
 */
async function childrenOf(name: string): Promise<Obj[]> {
  const namespaced = await getJson<{ items: Obj[] }>(["get", "configmaps,services,deployments,statefulsets,jobs", "-n", NS, "--show-managed-fields"]);
  const ours = namespaced.items.filter(
    (o) => [name, `${name}-headless`].includes(o.metadata.name) || (o.metadata.ownerReferences ?? []).some((r) => r.kind === "Workspace" && r.name === name),
  );
  const selector = `kaito.sh/workspace=${name},kaito.sh/workspacenamespace=${NS}`;
  const claims = await getJson<{ items: Obj[] }>(["get", "nodeclaims.karpenter.sh,machines.karpenter.sh", "-l", selector, "--show-managed-fields"]);
  return [...claims.items, ...ours];
}
const kindsOf = (children: readonly Obj[]): string[] => children.map((o) => o.kind ?? "").sort();
/** KAITO v0.12's children for a model that fits one node. */
const ONE_NODE_CHILDREN = ["NodeClaim", "Service", "Service", "StatefulSet"];

const appliedByController = (o: Obj): boolean => (o.metadata.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER && f.operation === "Apply" && !f.subresource);
const writesOf = (records: readonly RequestRecord[]): RequestRecord[] => records.filter((r) => ["create", "update", "patch", "delete"].includes(r.verb) && r.resource !== "leases");

async function runController(identity: string): Promise<ControllerHandle> {
  const log: RequestRecord[] = [];
  requests.set(identity, log);
  const handle = await startController({
    kubeconfig: saKubeconfig,
    namespace: SYSTEM_NS,
    leaderElection: { identity, ...LEADER_TIMINGS },
    onRequest: (r) => log.push(r),
  });
  controllers.push(handle);
  return handle;
}

/**
 * Writes the status of every pod of a workload as the kubelet would (there is none in the test
 * cluster). The pods are the StatefulSet's, created by kube-controller-manager; one it deletes
 * meanwhile (a rollout, a scale down) is skipped.
 */
async function patchPods(workspace: string, statusOf: (pod: Obj) => Record<string, unknown>): Promise<Obj[]> {
  const pods = await poll(`pods of ${workspace}`, async () => {
    const list = await getJson<{ items: Obj[] }>(["get", "pods", "-n", NS, "-l", `kaito.sh/workspace=${workspace}`]);
    return list.items.length > 0 ? list.items : undefined;
  });
  const patched: Obj[] = [];
  for (const pod of pods) {
    const args = ["patch", "pod", pod.metadata.name, "-n", NS, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: statusOf(pod) })];
    const r = await c().kubectl(args);
    if (r.code !== 0 && /NotFound|not found/.test(r.stderr)) continue;
    assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    patched.push(pod);
  }
  return patched;
}

const containersOf = (pod: Obj): { name: string; image: string }[] => (pod.spec?.["containers"] as { name: string; image: string }[] | undefined) ?? [];

/** Marks the pods of a workload Ready and Running, as the kubelet would once the model loaded. */
async function makePodsReady(workspace: string): Promise<number> {
  const now = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const pods = await patchPods(workspace, (pod) => ({
    phase: "Running",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }, { type: "ContainersReady", status: "True", lastTransitionTime: now }],
    containerStatuses: containersOf(pod).map((c) => ({ name: c.name, image: c.image, imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
  }));
  return pods.length;
}

/** Marks the Workspace's NodeClaim(s) Ready with a node, as Karpenter would once the nodes joined. */
async function makeNodeClaimsReady(workspace: string): Promise<string[]> {
  const claims = (await childrenOf(workspace)).filter((o) => o.kind === "NodeClaim");
  assert.ok(claims.length > 0, "a NodeClaim");
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  for (const [i, claim] of claims.entries()) {
    const status = { nodeName: `aks-gpu-${workspace}-${i}`, conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] };
    await kubectl(["patch", "nodeclaims.karpenter.sh", claim.metadata.name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
  }
  return claims.map((o) => o.metadata.name);
}

/** The `kubectl get workspace` table as column -> value for one row (cells cut at the header's columns: empty cells stay empty). */
async function columns(name: string): Promise<Record<string, string>> {
  const [header = "", ...rows] = (await kubectl(["get", "workspace", "-n", NS])).split("\n");
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  const row = rows.find((r) => r.startsWith(`${name} `));
  assert.ok(row, `no row for ${name}`);
  return Object.fromEntries(starts.map((col, i) => [col.name, row.slice(col.at, starts[i + 1]?.at ?? row.length).trim()]));
}

before(
  async () => {
    cluster = await startCluster({ apiserverFlags: ["--enable-admission-plugins=OwnerReferencesPermissionEnforcement"] });
    await kubectl(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "-f", repoPath("test/e2e/fixtures/karpenter-crds.yaml")]);
    // Polled rather than `kubectl wait`, which fails on a CRD that has no status.conditions yet.
    for (const crd of ["workspaces.kaito.sh", "machines.karpenter.sh", "nodeclaims.karpenter.sh"]) {
      await poll(`CRD ${crd} established`, async () => (await kubectl(["get", "crd", crd, "-o", 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])) === "True");
    }
    // The bundle's identity and permissions, exactly as the default overlay builds them.
    const built = await kubectl(["kustomize", repoPath("kustomize/overlays/default")]);
    const wanted = new Set(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);
    const rbac = parseAllDocuments(built)
      .map((d) => d.toJS() as Obj)
      .filter((o) => wanted.has(o.kind ?? ""));
    await kubectl(["apply", "-f", "-"], rbac.map((o) => JSON.stringify(o)).join("\n---\n"));
    await kubectl(["create", "namespace", NS]);
    const token = (await kubectl(["create", "token", "kaito-gitops", "-n", SYSTEM_NS, "--duration=2h"])).trim();
    saKubeconfig = join(c().dir, "kaito-gitops-sa.kubeconfig");
    await writeFile(
      saKubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server: c().server, "certificate-authority-data": Buffer.from(c().caPem).toString("base64") } }],
        users: [{ name: "kaito-gitops", user: { token } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "kaito-gitops" } }],
        "current-context": "test",
      }),
    );
    const first = await runController("a");
    await first.synced();
    await poll("controller a leads", async () => first.isLeader());
  },
  { timeout: 20 * 60_000 },
);

after(async () => {
  for (const handle of controllers) await handle.stop();
  await cluster?.stop();
});

describe("the controller on a real cluster", () => {
  let uid = "";

  test("the default and dev overlays pass the API server's validation (server-side dry run)", async () => {
    for (const overlay of ["default", "dev"]) {
      const out = await kubectl(["apply", "--dry-run=server", "-k", repoPath("kustomize/overlays", overlay)]);
      assert.match(out, /deployment\.apps\/kaito-gitops (created|configured|unchanged) \(server dry run\)/);
      assert.match(out, /mutatingwebhookconfiguration\.admissionregistration\.k8s\.io\/kaito-gitops-mutating created \(server dry run\)/);
    }
  });

  test("kubectl apply of a Workspace: every child is created by server-side apply and owned by it", async () => {
    await kubectl(["apply", "-f", "-", "-n", NS], workspaceYaml("phi"));
    const ws = await workspaceWith("phi", "WorkspaceReady", "False");
    uid = ws.metadata.uid;
    const children = await poll("four children", async () => {
      const found = await childrenOf("phi");
      return found.length === 4 ? found : undefined;
    });
    assert.deepEqual(kindsOf(children), ONE_NODE_CHILDREN);
    assert.deepEqual(children.filter((o) => o.kind !== "NodeClaim").map((o) => o.metadata.name).sort(), ["phi", "phi", "phi-headless"]);
    for (const child of children) {
      assert.ok(appliedByController(child), `${child.kind} ${child.metadata.name}: applied by ${FIELD_MANAGER}`);
      if (child.kind === "NodeClaim") {
        // Cluster-scoped: no owner in a namespace, the namespace the expansion sends is dropped.
        assert.equal(child.metadata.ownerReferences, undefined);
        assert.equal(child.metadata.namespace, undefined);
        assert.equal(child.apiVersion, "karpenter.sh/v1");
        continue;
      }
      assert.equal(child.metadata.labels, undefined, `${child.kind} ${child.metadata.name} carries no labels, as KAITO's`);
      assert.deepEqual(child.metadata.ownerReferences, [
        { apiVersion: "kaito.sh/v1beta1", kind: "Workspace", name: "phi", uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    assert.ok(ws.status?.conditions?.every((x) => x.observedGeneration === ws.metadata.generation));
    assert.equal(ws.status?.state, "Pending");
    assert.equal(ws.status?.targetNodeCount, 1);
    const cols = await columns("phi");
    assert.deepEqual(
      [cols["INSTANCE"], cols["RESOURCEREADY"], cols["INFERENCEREADY"], cols["JOBSTARTED"], cols["WORKSPACESUCCEEDED"], cols["WORKSPACEREADY"]],
      ["Standard_NC24ads_A100_v4", "False", "False", "", "False", "False"],
    );
  });

  test("the status follows the children: a ready node claim, then ready pods, and kubectl get shows it", async () => {
    const [claim] = await makeNodeClaimsReady("phi");
    const resourceReady = await workspaceWith("phi", "ResourceReady", "True");
    assert.deepEqual(resourceReady.status?.workerNodes, ["aks-gpu-phi-0"]);
    assert.equal(condition(resourceReady, "InferenceReady")?.status, "False");
    assert.ok(claim?.startsWith("ws"));

    // The StatefulSet's one pod, created by kube-controller-manager.
    assert.equal(await makePodsReady("phi"), 1);
    assert.deepEqual((await getJson<{ items: Obj[] }>(["get", "pods", "-n", NS, "-l", "kaito.sh/workspace=phi"])).items.map((p) => p.metadata.name), ["phi-0"]);
    const ready = await workspaceWith("phi", "WorkspaceReady", "True");
    assert.equal(condition(ready, "InferenceReady")?.reason, "WorkspaceInferenceStatusSuccess");
    assert.equal(condition(ready, "WorkspaceSucceeded")?.status, "True");
    assert.equal(ready.status?.state, "Ready");
    const cols = await columns("phi");
    assert.deepEqual([cols["RESOURCEREADY"], cols["INFERENCEREADY"], cols["WORKSPACEREADY"], cols["WORKSPACESUCCEEDED"]], ["True", "True", "True", "True"]);
  });

  test("with nothing changing, the controller sends nothing (no hot loop against a real API server)", async () => {
    await sleep(1_000);
    const log = requests.get("a") ?? [];
    const from = log.length;
    await sleep(3_000);
    const sent = log.slice(from).filter((r) => r.resource !== "leases");
    assert.deepEqual(sent.map((r) => `${r.verb} ${r.resource} ${r.name ?? ""}`), []);
  });

  test("drift is undone: a scaled StatefulSet is scaled back, a deleted Service comes back", async () => {
    await kubectl(["scale", "statefulset", "phi", "-n", NS, "--replicas=3"]);
    await poll("replicas back to 1", async () => (await tryGet(["statefulset", "phi", "-n", NS]))?.spec?.["replicas"] === 1);
    const service = await tryGet(["service", "phi", "-n", NS]);
    assert.ok(service);
    await kubectl(["delete", "service", "phi", "-n", NS, "--wait=true"]);
    const back = await poll("the Service re-created", async () => {
      const s = await tryGet(["service", "phi", "-n", NS]);
      return s && s.metadata.uid !== service.metadata.uid ? s : undefined;
    });
    assert.equal(back.metadata.ownerReferences?.[0]?.uid, uid);
  });

  test("a changed Workspace: the children follow (vLLM's estimate sizes the node claims, not count), what it no longer expands to is deleted", async () => {
    const claims = async (): Promise<string[]> => (await childrenOf("phi")).filter((o) => o.kind === "NodeClaim").map((o) => o.metadata.name).sort();
    const [first] = await claims();
    assert.ok(first);
    const statefulSet = async (): Promise<Obj | undefined> => tryGet(["statefulset", "phi", "-n", NS]);
    const configVolume = (sts: Obj | undefined): unknown =>
      ((sts?.spec?.["template"] as { spec?: { volumes?: { name: string; configMap?: { name: string } }[] } } | undefined)?.spec?.volumes ?? []).find((v) => v.name === "config-volume")?.configMap?.name;
    await kubectl(["apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "phi-own-config", namespace: NS },
      data: { "inference_config.yaml": "vllm:\n  gpu-memory-utilization: 0.9\n" },
    }));
    // vLLM sizes the node count itself: count 3 changes no node claim; the config is mounted.
    await kubectl(["patch", "workspace", "phi", "-n", NS, "--type=merge", "-p", JSON.stringify({ resource: { count: 3 }, inference: { config: "phi-own-config" } })]);
    await poll("the config mounted", async () => configVolume(await statefulSet()) === "phi-own-config");
    const ws = await poll("the status of generation 2", async () => {
      const found = await tryGet(["workspace", "phi", "-n", NS]);
      return found?.status?.conditions?.every((x) => x.observedGeneration === 2) ? found : undefined;
    });
    assert.equal(ws.metadata.generation, 2);
    assert.equal(ws.status?.targetNodeCount, 1, "vLLM's estimate, not count");
    assert.deepEqual(await claims(), [first]);
    assert.equal((await statefulSet())?.spec?.["replicas"], 1);

    // The transformers runtime cannot size itself: it runs on count nodes.
    await kubectl(["patch", "workspace", "phi", "-n", NS, "--type=merge", "-p", JSON.stringify({ metadata: { annotations: { "kaito.sh/runtime": "transformers" } } })]);
    const grown = await poll("three node claims, three replicas", async () => {
      const names = await claims();
      return names.length === 3 && (await statefulSet())?.spec?.["replicas"] === 3 ? names : undefined;
    });
    assert.ok(grown.includes(first), "the first node claim is kept");
    const wide = await workspaceWith("phi", "ResourceReady", "False");
    assert.equal(wide.status?.targetNodeCount, 3);
    assert.match(condition(wide, "ResourceReady")?.message ?? "", /^1 of 3 node claims ready/);

    await kubectl(["patch", "workspace", "phi", "-n", NS, "--type=merge", "-p", JSON.stringify({ metadata: { annotations: { "kaito.sh/runtime": null } }, resource: { count: 1 }, inference: { config: null } })]);
    await poll("back to one node claim (the first), one replica, no config volume", async () => {
      const sts = await statefulSet();
      return JSON.stringify(await claims()) === JSON.stringify([first]) && sts?.spec?.["replicas"] === 1 && configVolume(sts) === undefined;
    });
    assert.deepEqual(kindsOf(await childrenOf("phi")), ONE_NODE_CHILDREN);
    assert.ok(await tryGet(["configmap", "phi-own-config", "-n", NS]), "the user's ConfigMap is not the controller's to delete");
    // The pod template came back to the first revision; pods kube-controller-manager replaces
    // meanwhile are made ready as a kubelet would, round by round.
    await poll("ready again", async () => {
      await makePodsReady("phi");
      return condition(await tryGet(["workspace", "phi", "-n", NS]), "WorkspaceReady")?.status === "True";
    });
  });

  test("a pod that cannot pull its image: InferenceReady False (ImagePullError) at once, and back when the kubelet pulls it", async () => {
    await kubectl(["apply", "-f", "-"], workspaceYaml("pull"));
    await workspaceWith("pull", "InferenceReady", "False");
    const [pod] = await patchPods("pull", (p) => ({
      phase: "Pending",
      containerStatuses: containersOf(p).map((c) => ({
        name: c.name,
        image: c.image,
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` } },
      })),
    }));
    assert.ok(pod);
    const [container] = containersOf(pod);
    assert.ok(container);
    const broken = await poll("InferenceReady reason ImagePullError", async () => {
      const ws = await tryGet(["workspace", "pull", "-n", NS]);
      return condition(ws, "InferenceReady")?.reason === "ImagePullError" ? ws : undefined;
    });
    assert.equal(condition(broken, "InferenceReady")?.status, "False");
    assert.equal(
      condition(broken, "InferenceReady")?.message,
      `pod "${pod.metadata.name}": container "${container.name}" image pull failed (ImagePullBackOff): Back-off pulling image "${container.image}"`,
    );
    assert.equal(condition(broken, "WorkspaceReady")?.reason, "workspacePending");
    assert.equal(broken.status?.state, "Pending");

    await makeNodeClaimsReady("pull");
    assert.equal(await makePodsReady("pull"), 1);
    const ready = await workspaceWith("pull", "WorkspaceReady", "True");
    assert.equal(condition(ready, "InferenceReady")?.reason, "WorkspaceInferenceStatusSuccess");
    assert.equal(ready.status?.state, "Ready");
  });

  test("a Workspace rendered by the Argo CD plugin gets status, never children", async () => {
    await kubectl(["apply", "-f", "-"], workspaceYaml("rendered", { annotations: { "kaito-gitops.io/rendered-by": "plugin" } }));
    const ws = await poll("its status", async () => {
      const found = await tryGet(["workspace", "rendered", "-n", NS]);
      return condition(found, "ResourceReady") ? found : undefined;
    });
    assert.match(condition(ws, "ResourceReady")?.message ?? "", /is not created yet/);
    await sleep(1_500);
    assert.deepEqual(await childrenOf("rendered"), []);
  });

  test("a Workspace whose children Argo CD already tracks: nothing applied, the tracked child untouched", async () => {
    // As an Argo CD sync of the plugin's output leaves it: a child before the controller sees the Workspace.
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "tracked", namespace: NS, labels: { "app.kubernetes.io/instance": "gpu-models" } },
      spec: { ports: [{ name: "http", port: 80, targetPort: 5000 }], selector: { "kaito.sh/workspace": "tracked" } },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(service));
    await kubectl(["apply", "-f", "-"], workspaceYaml("tracked"));
    await poll("its status", async () => condition(await tryGet(["workspace", "tracked", "-n", NS]), "InferenceReady"));
    await sleep(1_500);
    const children = await childrenOf("tracked");
    assert.deepEqual(children.map((o) => `${o.kind} ${o.metadata.name}`), ["Service tracked"]);
    assert.equal(appliedByController(children[0] as Obj), false);
    assert.equal(children[0]?.metadata.ownerReferences, undefined);
  });

  test("an invalid Workspace (no webhook to stop it): a failed status, no children, no retries", async () => {
    await kubectl(["apply", "-f", "-"], workspaceYaml("broken", { preset: "phi-9000" }));
    const ws = await poll("its status", async () => {
      const found = await tryGet(["workspace", "broken", "-n", NS]);
      return condition(found, "WorkspaceSucceeded") ? found : undefined;
    });
    assert.equal(condition(ws, "WorkspaceSucceeded")?.reason, "workspaceFailed");
    assert.match(condition(ws, "WorkspaceSucceeded")?.message ?? "", /phi-9000/);
    assert.equal(ws.status?.state, "Failed");
    const log = requests.get("a") ?? [];
    const from = log.length;
    await sleep(2_000);
    assert.deepEqual(await childrenOf("broken"), []);
    assert.deepEqual(writesOf(log.slice(from)).map((r) => `${r.verb} ${r.resource} ${r.name ?? ""}`), []);
  });

  test("a Workspace pinned to another KAITO release than the controller serves: a failed status naming the fix, no children", async () => {
    await kubectl(["apply", "-f", "-"], workspaceYaml("pinned", { annotations: { "kaito-gitops.io/kaito-version": "v0.3" } }));
    const ws = await poll("its status", async () => {
      const found = await tryGet(["workspace", "pinned", "-n", NS]);
      return condition(found, "WorkspaceSucceeded") ? found : undefined;
    });
    assert.equal(condition(ws, "WorkspaceSucceeded")?.reason, "workspaceFailed");
    assert.match(condition(ws, "WorkspaceSucceeded")?.message ?? "", /pins KAITO v0\.3 .*this controller serves KAITO v0\.12: run it with --kaito-version v0\.3, or remove the annotation/);
    assert.equal(ws.status?.state, "Failed");
    await sleep(1_500);
    assert.deepEqual(await childrenOf("pinned"), []);
  });

  test("a Workspace written as kaito.sh/v1alpha1 gets no status field that version lacks", async () => {
    const v1alpha1 = {
      apiVersion: "kaito.sh/v1alpha1",
      kind: "Workspace",
      metadata: { name: "alpha", namespace: NS },
      resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: "alpha" } } },
      inference: { preset: { name: "phi-3-mini-4k-instruct" } },
    };
    await kubectl(["apply", "-f", "-"], JSON.stringify(v1alpha1));
    const beta = await poll("its status", async () => {
      const found = await tryGet(["workspaces.v1beta1.kaito.sh", "alpha", "-n", NS]);
      return condition(found, "WorkspaceReady") ? found : undefined;
    });
    // Written through v1beta1, read through either, the same: nothing v1alpha1 lacks was written.
    const alpha = await getJson<Obj>(["get", "workspaces.v1alpha1.kaito.sh", "alpha", "-n", NS]);
    assert.equal(alpha.apiVersion, "kaito.sh/v1alpha1");
    assert.deepEqual(alpha.status, beta.status);
    assert.equal(beta.status?.state, undefined);
    assert.equal(beta.status?.targetNodeCount, undefined);
    assert.notEqual(condition(beta, "WorkspaceSucceeded")?.reason, "workspaceFailed", "a valid Workspace");
    assert.deepEqual(kindsOf(await poll("its children", async () => {
      const found = await childrenOf("alpha");
      return found.length === 4 ? found : undefined;
    })), ONE_NODE_CHILDREN);
    const log = requests.get("a") ?? [];
    const from = log.length;
    await sleep(2_000);
    assert.deepEqual(writesOf(log.slice(from)).map((r) => `${r.verb} ${r.resource} ${r.name ?? ""}`), [], "settled");
  });

  test("two controllers: exactly one leads and writes; stopping it hands over to the other", async () => {
    const [a] = controllers;
    assert.ok(a);
    const b = await runController("b");
    await b.synced();
    await sleep(1_500);
    assert.equal(a.isLeader(), true);
    assert.equal(b.isLeader(), false);
    const fromA = requests.get("a")?.length ?? 0;
    await kubectl(["apply", "-f", "-"], workspaceYaml("second"));
    await poll("the second Workspace's children", async () => ((await childrenOf("second")).length === 4 ? true : undefined));
    await workspaceWith("second", "WorkspaceReady", "False");
    assert.ok(writesOf((requests.get("a") ?? []).slice(fromA)).length >= 5, "the leader applied and wrote status");
    assert.deepEqual(writesOf(requests.get("b") ?? []), [], "the standby wrote nothing");

    await a.stop();
    const took = Date.now();
    await poll("b leads", async () => b.isLeader(), 15_000);
    assert.ok(Date.now() - took < LEADER_TIMINGS.leaseDurationMs, "released on stop: no wait for expiry");
    await kubectl(["apply", "-f", "-"], workspaceYaml("third"));
    await poll("the third Workspace's children, from b", async () => ((await childrenOf("third")).length === 4 ? true : undefined));
    assert.ok(writesOf(requests.get("b") ?? []).length >= 5);
    const leases = await getJson<Obj & { spec: { holderIdentity: string } }>(["get", "lease", "kaito-gitops-controller", "-n", SYSTEM_NS]);
    assert.equal(leases.spec.holderIdentity, b.identity);
  });
  // Late in the file on purpose: kube-controller-manager's garbage collector learns of a new CRD
  // (Workspace as an owner kind) at its 30 s discovery resync.
  test("deleting the Workspace: the garbage collector removes the owned children, the controller the node claim", async () => {
    const before = await childrenOf("phi");
    assert.deepEqual(kindsOf(before), ONE_NODE_CHILDREN);
    await kubectl(["delete", "workspace", "phi", "-n", NS, "--wait=true"]);
    await poll("no children left", async () => ((await childrenOf("phi")).length === 0 ? true : undefined), 60_000);
  });

  test("every request the controller made is allowed by controller/rbac.ts, and none was refused", () => {
    const log = [...(requests.get("a") ?? []), ...(requests.get("b") ?? [])];
    assert.ok(log.length > 0);
    const refused = log.filter((r) => r.code === 403);
    assert.deepEqual(refused, [], "the bundle's roles were enough");
    for (const r of log) {
      assert.ok(permits(RBAC_RULES, r.verb, r.group, r.resource, r.name), `${r.verb} ${r.group}/${r.resource} ${r.name ?? ""} is not in RBAC_RULES`);
      // An apply that created the object (201) was authorized as create as well.
      if (r.verb === "patch" && r.code === 201) assert.ok(permits(RBAC_RULES, "create", r.group, r.resource), `create ${r.group}/${r.resource}`);
    }
    assert.ok(log.some((r) => r.verb === "patch" && r.code === 201), "some applies created objects");
  });
});
