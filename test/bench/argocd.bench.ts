// npm run bench:argocd: how long a Git commit takes to reach the cluster through a real Argo CD
// (the pinned release's application controller, repo server and cmp-server with our plugin;
// test/argocd/scenario.ts). Per round: commit, then what a Git webhook does (a refresh), then
//   commit -> Synced   the Application reports the commit synced (Succeeded operation)
//   commit -> Healthy  the Application is Healthy. There is no Karpenter and no kubelet: the
//                      bench writes their status (NodeClaims Ready, pods Ready) as soon as the
//                      objects exist, so this is Argo CD + plugin + controller time only.
// Round 1 creates the Workspaces; the later rounds change one (a label) and measure again.
import { readFileSync } from "node:fs";
import { repoPath } from "../helpers/repo.js";
import { APP_PATH, makeNodeClaimsReady, podsOf, setPods, startScenario, waitFor } from "../argocd/scenario.js";
import type { Application, Scenario } from "../argocd/scenario.js";
import { printTable } from "./measure.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? "3");
const EXAMPLE = "examples/inference/phi-3-mini.yaml";
const WORKSPACE = "workspace-phi-3-mini";

// Every round changes the rendering, so each commit gets its own sync operation.
const synced = (a: Application, revision: string): boolean =>
  a.status?.sync?.status === "Synced" && a.status.sync.revision === revision && a.status.operationState?.phase === "Succeeded" && a.status.operationState.syncResult?.revision === revision;

const HEALTHY_BOUND_MS = Number(process.env["BENCH_HEALTHY_BOUND_MS"] ?? "120000");

async function round(s: Scenario, text: string, first: boolean): Promise<{ synced: number; healthy: number | undefined }> {
  const t0 = performance.now();
  const revision = s.repo.commit(first ? "add a Workspace" : "change a Workspace", { [`${APP_PATH}/phi-3-mini.yaml`]: text });
  if (first) await s.createApplication();
  else await s.refresh();
  await waitFor("Synced", async () => (synced(await s.application(), revision) ? true : undefined), s.diagnostics, 300_000);
  const tSynced = performance.now() - t0;
  await makeNodeClaimsReady(s);
  await setPods(s, await podsOf(s, WORKSPACE), "ready");
  try {
    await waitFor("Healthy", async () => ((await s.application()).status?.health?.status === "Healthy" ? true : undefined), () => "", HEALTHY_BOUND_MS);
  } catch {
    return { synced: tSynced, healthy: undefined };
  }
  return { synced: tSynced, healthy: performance.now() - t0 };
}

const base = readFileSync(repoPath(EXAMPLE), "utf8");
const s = await startScenario();
const rows: string[][] = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    const text = i === 0 ? base : base.replace(`name: ${WORKSPACE}\n`, `name: ${WORKSPACE}\n  labels:\n    round: "${i}"\n`);
    const r = await round(s, text, i === 0);
    rows.push([String(i + 1), i === 0 ? "create" : "change", `${(r.synced / 1000).toFixed(2)} s`, r.healthy === undefined ? `not within ${HEALTHY_BOUND_MS / 1000} s` : `${(r.healthy / 1000).toFixed(2)} s`]);
  }
} finally {
  await s.stop();
}
const version = /ARGOCD_VERSION=(\S+)/.exec(readFileSync(repoPath("test/argocd/build.sh"), "utf8"))?.[1] ?? "?";
console.log(`Argo CD ${version}, ${EXAMPLE}, refresh requested right after each commit (as a Git webhook would)`);
printTable(["round", "commit", "commit -> Synced", "commit -> Healthy"], rows);
