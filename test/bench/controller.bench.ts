// npm run bench:controller: the controller against the real test cluster (test/cluster).
// One `kubectl apply` of 100 Workspaces, then:
//   - the time until every child exists (the API server answered 201 to the last apply) and
//     until every Workspace has its status;
//   - the API requests the controller sent, by verb and resource, and per reconcile: the target
//     is one apply per child plus one status write per Workspace, and nothing else;
//   - the same counts over a quiet period afterwards, while kube-controller-manager works on the
//     Deployments (ReplicaSets, pods, Deployment status): status-only child updates must not
//     cost writes;
//   - a cold start: a new controller finding 100 more Workspaces without children (and the first
//     100 with theirs): how fast it catches up, and what a restart costs in requests.
import { setTimeout as sleep } from "node:timers/promises";
import { startController } from "../../controller/index.js";
import type { ReconcileResult, RequestRecord } from "../../controller/index.js";

import { startCluster } from "../cluster/cluster.js";
import { repoPath } from "../helpers/repo.js";
import { fmt, printTable } from "./measure.js";

const WORKSPACES = Number(process.env["BENCH_WORKSPACES"] ?? 100);
const NS = "bench";
const QUIET_MS = 15_000;

interface Timed extends RequestRecord {
  readonly at: number;
}

function workspaces(n: number, namespace = NS): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      apiVersion: "kaito.sh/v1beta1",
      kind: "Workspace",
      metadata: { name: `ws-${String(i).padStart(3, "0")}`, namespace },
      resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: `ws-${i}` } } },
      inference: { preset: { name: "phi-3-mini-4k-instruct" } },
    }),
  ).join("\n---\n");
}

function tally(records: readonly Timed[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    const key = `${r.verb} ${r.resource}${r.group ? `.${r.group}` : ""} ${r.code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts.entries()].sort());
}

async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await startCluster();
  try {
    const kubectl = async (args: readonly string[], input?: string): Promise<string> => {
      const r = await cluster.kubectl(args, input === undefined ? { timeoutMs: 300_000 } : { input, timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    await kubectl(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "-f", repoPath("test/e2e/fixtures/karpenter-crds.yaml")]);
    // Polled rather than `kubectl wait`, which fails on a CRD that has no status.conditions yet.
    for (const crd of ["workspaces.kaito.sh", "machines.karpenter.sh"]) {
      while ((await kubectl(["get", "crd", crd, "-o", 'jsonpath={.status.conditions[?(@.type=="Established")].status}'])) !== "True") await sleep(100);
    }
    await kubectl(["create", "namespace", NS]);
    await kubectl(["create", "namespace", "kaito-gitops-system"]);

    const records: Timed[] = [];
    const reconciles: { key: string; result: ReconcileResult; ms: number; at: number }[] = [];
    const controller = await startController({
      kubeconfig: cluster.kubeconfigPath,
      namespace: "kaito-gitops-system",
      onRequest: (r) => records.push({ ...r, at: Date.now() }),
      onReconcile: (key, result, ms) => reconciles.push({ key, result, ms, at: Date.now() }),
    });
    await controller.synced();
    while (!controller.isLeader()) await sleep(50);
    await sleep(500);
    const fromRecord = records.length;
    const fromReconcile = reconciles.length;

    const t0 = Date.now();
    await kubectl(["apply", "-f", "-"], workspaces(WORKSPACES));
    const applied = Date.now();
    const expectedChildren = WORKSPACES * 4;
    const run = (): Timed[] => records.slice(fromRecord).filter((r) => r.verb !== "watch" && r.resource !== "leases");
    const creates = (): Timed[] => run().filter((r) => r.verb === "patch" && r.code === 201 && r.resource !== "workspaces/status");
    const statusDone = (): number => new Set(run().filter((r) => r.resource === "workspaces/status" && r.code === 200).map((r) => r.name)).size;
    const deadline = Date.now() + 300_000;
    while ((creates().length < expectedChildren || statusDone() < WORKSPACES) && Date.now() < deadline) await sleep(20);
    const created = creates();
    const allChildrenAt = Math.max(...created.map((r) => r.at));
    const allStatusAt = Math.max(...run().filter((r) => r.resource === "workspaces/status").map((r) => r.at));
    const firstRequestAt = Math.min(...run().map((r) => r.at));
    const burst = run();
    const burstReconciles = reconciles.slice(fromReconcile);

    // What the cluster says, independently of the controller's own accounting.
    const children = (await kubectl(["get", "configmaps,services,deployments", "-n", NS, "-l", "kaito.sh/workspace", "-o", "name"])).trim().split("\n").length;
    const machines = (await kubectl(["get", "machines.karpenter.sh", "-l", `kaito.sh/workspacenamespace=${NS}`, "-o", "name"])).trim().split("\n").length;
    const withStatus = (JSON.parse(await kubectl(["get", "workspaces", "-n", NS, "-o", "json"])) as { items: { status?: { conditions?: unknown[] } }[] }).items.filter(
      (w) => (w.status?.conditions?.length ?? 0) > 0,
    ).length;

    const quietFrom = records.length;
    const quietReconcileFrom = reconciles.length;
    await sleep(QUIET_MS);
    const quiet = records.slice(quietFrom).filter((r) => r.verb !== "watch" && r.resource !== "leases");
    const quietReconciles = reconciles.slice(quietReconcileFrom);
    const leaseRequests = records.slice(fromRecord).filter((r) => r.resource === "leases").length;
    await controller.stop();

    // Cold start: Workspaces created while no controller ran.
    const COLD = `${NS}-cold`;
    await kubectl(["create", "namespace", COLD]);
    await kubectl(["apply", "-f", "-"], workspaces(WORKSPACES, COLD));
    const coldRecords: Timed[] = [];
    const coldStart = Date.now();
    const second = await startController({
      kubeconfig: cluster.kubeconfigPath,
      namespace: "kaito-gitops-system",
      onRequest: (r) => coldRecords.push({ ...r, at: Date.now() }),
    });
    const coldCreates = (): Timed[] => coldRecords.filter((r) => r.verb === "patch" && r.code === 201 && r.namespace !== NS && r.resource !== "workspaces/status");
    const coldStatus = (): number => new Set(coldRecords.filter((r) => r.resource === "workspaces/status" && r.namespace === COLD && r.code === 200).map((r) => r.name)).size;
    while ((coldCreates().length < expectedChildren || coldStatus() < WORKSPACES) && Date.now() < coldStart + 300_000) await sleep(20);
    const coldDoneAt = Math.max(...coldRecords.filter((r) => r.verb === "patch").map((r) => r.at));
    await sleep(2_000);
    const coldWork = coldRecords.filter((r) => r.verb !== "watch" && r.resource !== "leases");
    await second.stop();

    const applies = burst.filter((r) => r.verb === "patch" && r.resource !== "workspaces/status").length;
    const statusWrites = burst.filter((r) => r.resource === "workspaces/status").length;
    const reads = burst.filter((r) => r.verb === "get" || r.verb === "list").length;
    const writingReconciles = burstReconciles.filter((r) => r.result === "applied").length;
    console.log(`\n# controller bench: ${WORKSPACES} Workspaces (phi-3-mini on Standard_NC24ads_A100_v4: Machine, ConfigMap, Service, Deployment each)`);
    console.log(`# real kube-apiserver v1.34.4 + etcd + kube-controller-manager on loopback; controller in-process, 4 workers; total ${fmt((Date.now() - started) / 1000, 1)} s\n`);
    printTable(
      ["measure", "value"],
      [
        ["kubectl apply of all Workspaces (client returned)", `${fmt((applied - t0) / 1000)} s`],
        ["apply start -> controller's first request", `${fmt((firstRequestAt - t0) / 1000)} s`],
        [`apply start -> all ${expectedChildren} children created`, `${fmt((allChildrenAt - t0) / 1000)} s`],
        ["kubectl returned -> all children created", `${fmt((allChildrenAt - applied) / 1000)} s`],
        [`apply start -> all ${WORKSPACES} statuses written`, `${fmt((allStatusAt - t0) / 1000)} s`],
        ["children in the cluster afterwards (kubectl)", `${children + machines}`],
        ["Workspaces with status.conditions (kubectl)", `${withStatus}`],
      ],
    );
    console.log("\nRequests during the burst (leases and watch connections excluded):");
    printTable(["request", "count"], [...tally(burst).entries()].map(([k, v]) => [k, String(v)]));
    printTable(
      ["per Workspace", "value"],
      [
        ["child applies (target 4)", fmt(applies / WORKSPACES)],
        ["status writes (target 1)", fmt(statusWrites / WORKSPACES)],
        ["GET/LIST (target 0)", fmt(reads / WORKSPACES)],
        ["reconciles run", fmt(burstReconciles.length / WORKSPACES)],
        ["reconciles that wrote", fmt(writingReconciles / WORKSPACES)],
        ["requests per writing reconcile", fmt((applies + statusWrites) / Math.max(1, writingReconciles))],
        ["median reconcile (ms), writing ones", fmt(median(burstReconciles.filter((r) => r.result === "applied").map((r) => r.ms)), 1)],
        ["median reconcile (ms), no-op ones", fmt(median(burstReconciles.filter((r) => r.result === "unchanged").map((r) => r.ms)), 2)],
      ],
    );
    console.log(`\nQuiet ${QUIET_MS / 1000} s afterwards (kube-controller-manager creating ReplicaSets and pods, updating Deployment status):`);
    printTable(
      ["measure", "value"],
      [
        ["reconciles run", String(quietReconciles.length)],
        ["requests sent (leases excluded)", String(quiet.length)],
        ...[...tally(quiet).entries()].map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
        ["lease requests over the whole run", String(leaseRequests)],
      ],
    );
    console.log(`\nCold start: a new controller, ${WORKSPACES} Workspaces without children plus the ${WORKSPACES} above with theirs:`);
    printTable(
      ["measure", "value"],
      [
        ["controller start -> every child and status written", `${fmt((coldDoneAt - coldStart) / 1000)} s`],
        ...[...tally(coldWork).entries()].map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
      ],
    );
  } finally {
    await cluster.stop();
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

await main();
