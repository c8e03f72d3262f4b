// Smoke test of the throwaway cluster (test/cluster/cluster.ts): a real etcd, kube-apiserver
// and kube-controller-manager on loopback. Needs Go and the module proxy the first time (the
// binaries are built and cached by test/cluster/build.sh); never skips.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { startCluster } from "../cluster/cluster.js";
import type { Cluster, KubectlOptions, KubectlResult } from "../cluster/cluster.js";

const K8S_VERSION = "v1.34.4";
const NS = "smoke";

let cluster: Cluster | undefined;

function c(): Cluster {
  assert.ok(cluster, "cluster did not start (see the before() failure above)");
  return cluster;
}

/** kubectl that must succeed; the message names the command and its stderr. */
async function kubectl(args: readonly string[], opts?: KubectlOptions): Promise<string> {
  const r: KubectlResult = await c().kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function kubectlJson<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, "-o", "json"])) as T;
}

/** Poll until check() returns a value (not undefined), at most timeoutMs. */
async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  ownerReferences?: { kind: string; name: string; uid: string }[];
}
interface Obj {
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
}
interface List {
  items: Obj[];
}

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                properties: { size: { type: "integer", minimum: 1 }, color: { type: "string" } },
              },
            },
          },
        },
      },
    ],
  },
};

function deployment(name: string): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }] },
      },
    },
  };
}

before(async () => {
  cluster = await startCluster();
  console.log(`# cluster ready in ${cluster.startMs} ms at ${cluster.server} (bin ${cluster.binDir})`);
}, { timeout: 20 * 60_000 }); // a cold build of the binaries takes several minutes

after(async () => {
  await cluster?.stop();
});

test("the apiserver is the version we built and kubectl talks to it", async () => {
  assert.match(c().server, /^https:\/\/127\.0\.0\.1:\d+$/);
  const v = JSON.parse(await kubectl(["version", "-o", "json"])) as {
    clientVersion: { gitVersion: string };
    serverVersion: { gitVersion: string };
  };
  assert.equal(v.serverVersion.gitVersion, K8S_VERSION);
  if (c().kubectlPath !== "kubectl") assert.equal(v.clientVersion.gitVersion, K8S_VERSION);
  await kubectl(["create", "namespace", NS]);
  const ns = await kubectlJson<Obj>(["get", "namespace", NS]);
  assert.equal(ns.metadata.name, NS);
});

test("a CRD becomes Established and serves its objects", async () => {
  await kubectl(["apply", "-f", "-"], { input: JSON.stringify(crd) });
  await kubectl(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=60s"]);
  const widget = {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w1", namespace: NS },
    spec: { size: 3, color: "blue" },
  };
  // Discovery of a brand-new group can lag a moment behind Established.
  await poll("kubectl apply of a Widget", 30_000, async () => {
    const r = await c().kubectl(["apply", "-f", "-"], { input: JSON.stringify(widget) });
    return r.code === 0 ? true : undefined;
  });
  const got = await kubectlJson<Obj>(["get", "widgets.example.com", "w1", "-n", NS]);
  assert.deepEqual(got.spec, { size: 3, color: "blue" });

  // The structural schema is enforced by the real apiserver.
  const bad = await c().kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({ ...widget, metadata: { name: "w2", namespace: NS }, spec: { size: 0 } }),
  });
  assert.notEqual(bad.code, 0, "a Widget with size 0 must be rejected");
  assert.match(bad.stderr, /spec\.size/);
});

for (const cascade of ["foreground", "background"] as const) {
  test(`kube-controller-manager creates a ReplicaSet and garbage-collects it (${cascade} deletion)`, async () => {
    const name = `web-${cascade}`;
    await kubectl(["apply", "-f", "-"], { input: JSON.stringify(deployment(name)) });
    const dep = await kubectlJson<Obj>(["get", "deployment", name, "-n", NS]);

    const rs = await poll(`the ReplicaSet of ${name}`, 60_000, async () => {
      const l = await kubectlJson<List>(["get", "replicasets", "-n", NS, "-l", `app=${name}`]);
      return l.items.length === 1 ? l.items[0] : undefined;
    });
    assert.deepEqual(
      rs.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [["Deployment", name, dep.metadata.uid]],
    );
    // The ReplicaSet controller creates the pods (nothing schedules or runs them).
    await poll(`2 pods of ${name}`, 60_000, async () => {
      const l = await kubectlJson<List>(["get", "pods", "-n", NS, "-l", `app=${name}`]);
      return l.items.length === 2 ? true : undefined;
    });

    await kubectl(["delete", "deployment", name, "-n", NS, `--cascade=${cascade}`, "--wait=true", "--timeout=60s"]);
    await poll(`garbage collection of ReplicaSet ${rs.metadata.name}`, 60_000, async () => {
      const r = await c().kubectl(["get", "replicaset", rs.metadata.name, "-n", NS, "--ignore-not-found", "-o", "name"]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim() === "" ? true : undefined;
    });
    await poll(`garbage collection of the pods of ${name}`, 60_000, async () => {
      const l = await kubectlJson<List>(["get", "pods", "-n", NS, "-l", `app=${name}`]);
      return l.items.length === 0 ? true : undefined;
    });
  });
}

// KAITO v0.12 serves a model from a StatefulSet: the controller tests rely on
// kube-controller-manager creating its pods by ordinal, with their volume claims.
test("kube-controller-manager creates a StatefulSet's pods by ordinal and their claims, and garbage-collects the pods", async () => {
  const name = "model";
  const statefulSet = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: NS },
    spec: {
      replicas: 2,
      podManagementPolicy: "Parallel",
      serviceName: `${name}-headless`,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "registry.k8s.io/pause:3.10", volumeMounts: [{ name: "weights", mountPath: "/w" }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: "weights" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  };
  await kubectl(["apply", "-f", "-"], { input: JSON.stringify(statefulSet) });
  const sts = await kubectlJson<Obj>(["get", "statefulset", name, "-n", NS]);
  const pods = await poll(`2 pods of ${name}`, 60_000, async () => {
    const l = await kubectlJson<List>(["get", "pods", "-n", NS, "-l", `app=${name}`]);
    return l.items.length === 2 ? l.items : undefined;
  });
  assert.deepEqual(pods.map((p) => p.metadata.name).sort(), [`${name}-0`, `${name}-1`]);
  for (const pod of pods) assert.deepEqual(pod.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [["StatefulSet", name, sts.metadata.uid]]);
  const claims = await kubectlJson<List>(["get", "persistentvolumeclaims", "-n", NS, "-o", "json"]);
  assert.deepEqual(claims.items.map((p) => p.metadata.name).sort(), [`weights-${name}-0`, `weights-${name}-1`]);

  await kubectl(["delete", "statefulset", name, "-n", NS, "--wait=true", "--timeout=60s"]);
  await poll(`garbage collection of the pods of ${name}`, 60_000, async () => {
    const l = await kubectlJson<List>(["get", "pods", "-n", NS, "-l", `app=${name}`]);
    return l.items.length === 0 ? true : undefined;
  });
});

test("stop() leaves no child process and no temp dir", async () => {
  const { pids, dir } = c();
  assert.equal(pids.length, 3, "etcd, kube-apiserver, kube-controller-manager");
  for (const pid of pids) assert.doesNotThrow(() => process.kill(pid, 0), `pid ${pid} should be alive before stop()`);
  await c().stop();
  for (const pid of pids) {
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" }, `pid ${pid} is still alive after stop()`);
    assert.throws(() => process.kill(-pid, 0), { code: "ESRCH" }, `process group ${pid} is still alive after stop()`);
  }
  await assert.rejects(access(dir), { code: "ENOENT" }, `${dir} should be removed`);
  await c().stop(); // idempotent
});
