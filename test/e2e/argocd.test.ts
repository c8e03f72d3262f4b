// A Workspace committed to Git, synced by a real Argo CD (the pinned release's application
// controller, repo server and cmp-server, with our plugin as configured by
// kustomize/components/argocd) into the test cluster, where `kaito-gitops serve --controller`
// runs the webhooks and reports status. See test/argocd/scenario.ts for what runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { repoPath } from "../helpers/repo.js";
import { APP_PATH, DEST_NS, makeNodeClaimsReady, podsOf, setPods, startScenario, waitFor } from "../argocd/scenario.js";
import type { Application, Scenario } from "../argocd/scenario.js";
import { ARGOCD_NAMESPACE } from "../argocd/argocd.js";

// Workspaces a user would commit, taken from examples/ (single-node inference: its children
// are a NodeClaim, a StatefulSet, Services and a ConfigMap under KAITO v0.12).
const WORKSPACES: Record<string, string> = {
  "phi-3-mini.yaml": readFileSync(repoPath("examples/inference/phi-3-mini.yaml"), "utf8"),
  "phi-4-mini.yaml": readFileSync(repoPath("examples/inference/phi-4-mini.yaml"), "utf8"),
};
const file = (name: string): string => `${APP_PATH}/${name}`;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager: string; operation: string; subresource?: string }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let s: Scenario;

before(async () => {
  s = await startScenario();
  s.repo.commit("Workspaces", Object.fromEntries(Object.entries(WORKSPACES).map(([name, text]) => [file(name), text])));
  await s.createApplication();
});

after(async () => {
  await s?.stop();
});

const app = (): Promise<Application> => s.application();
const synced = (a: Application, revision: string): boolean =>
  a.status?.sync?.status === "Synced" && a.status.sync.revision === revision && a.status.operationState?.phase === "Succeeded" && a.status.operationState.syncResult?.revision === revision;
const headRevision = (): string => s.repo.git("rev-parse", "HEAD").trim();

/** A rendered object as the cluster holds it (cluster-scoped when the rendering names no namespace and the kind is cluster-scoped). */
async function live(o: { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } }): Promise<Obj | undefined> {
  const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
  const resource = group === "" ? o.kind.toLowerCase() : `${o.kind.toLowerCase()}.${group ?? ""}`;
  const ns = o.kind === "NodeClaim" || o.kind === "Machine" ? [] : ["-n", o.metadata.namespace ?? DEST_NS];
  return s.tryGetJson<Obj>(["get", resource, o.metadata.name, ...ns, "--show-managed-fields"]);
}

async function waitSynced(revision: string, timeoutMs = 180_000): Promise<Application> {
  let last: Application | undefined;
  return waitFor(
    `Application synced to ${revision.slice(0, 8)}`,
    async () => {
      last = await app();
      return synced(last, revision) ? last : undefined;
    },
    () => `${JSON.stringify(last?.status ?? {}).slice(0, 3000)}\n${s.diagnostics()}`,
    timeoutMs,
  );
}

test("the Application syncs the Workspaces: Synced, every rendered object in the cluster", async () => {
  const revision = headRevision();
  const a = await waitSynced(revision);
  const rendered = await s.render();
  assert.ok(rendered.filter((o) => o.kind === "Workspace").length === Object.keys(WORKSPACES).length, "the plugin rendered every Workspace");
  assert.ok(rendered.length > Object.keys(WORKSPACES).length, "and their children");
  for (const o of rendered) {
    const found = await live(o);
    assert.ok(found, `${o.kind} ${o.metadata.name} is in the cluster`);
    assert.ok(found.metadata.annotations?.["argocd.argoproj.io/tracking-id"]?.startsWith(`${a.metadata.name}:`), `${o.kind} ${o.metadata.name} is tracked by the Application`);
    const inApp = a.status?.resources?.find((r) => r.kind === o.kind && r.name === o.metadata.name);
    assert.equal(inApp?.status, "Synced", `${o.kind} ${o.metadata.name} is Synced in the Application`);
  }
  assert.equal(a.status?.resources?.length, rendered.length, "the Application holds exactly the rendered objects");
});

test("no OutOfSync after the sync, with the mutating webhook active: default diff, then Server-Side Diff", async () => {
  const revision = headRevision();
  for (const compare of [undefined, "ServerSideDiff=true"]) {
    if (compare !== undefined) {
      await s.kubectl(["annotate", "applications.argoproj.io", "models", "-n", ARGOCD_NAMESPACE, `argocd.argoproj.io/compare-options=${compare}`, "--overwrite"]);
    }
    await s.refresh("hard");
    // Several reconciliations, each must say Synced.
    for (let i = 0; i < 3; i++) {
      const a = await waitFor("the refresh to finish", async () => {
        const current = await app();
        return current.metadata.annotations?.["argocd.argoproj.io/refresh"] === undefined ? current : undefined;
      }, s.diagnostics);
      assert.equal(a.status?.sync?.status, "Synced", `${compare ?? "default diff"}: ${JSON.stringify(a.status?.resources?.filter((r) => r.status !== "Synced"))}`);
      assert.equal(a.status?.sync?.revision, revision);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
});

test("the controller does not fight Argo CD over children: no child is written by both", async () => {
  const rendered = await s.render();
  for (const o of rendered.filter((r) => r.kind !== "Workspace")) {
    const found = await live(o);
    assert.ok(found);
    const writers = new Set((found.metadata.managedFields ?? []).filter((f) => f.subresource === undefined).map((f) => f.manager));
    assert.ok(writers.has("argocd-controller"), `${o.kind} ${o.metadata.name} is applied by Argo CD (${[...writers].join(", ")})`);
    for (const w of writers) assert.ok(!/kaito-gitops/.test(w), `${o.kind} ${o.metadata.name} is also written by ${w}`);
  }
});

test("a commit that changes a Workspace is synced within one refresh", async () => {
  const changed = (WORKSPACES["phi-3-mini.yaml"] ?? "").replace("metadata:\n  name: workspace-phi-3-mini\n", "metadata:\n  name: workspace-phi-3-mini\n  labels:\n    team: e2e-changed\n");
  assert.notEqual(changed, WORKSPACES["phi-3-mini.yaml"], "the edit applies to the example");
  const revision = s.repo.commit("label phi-3", { [file("phi-3-mini.yaml")]: changed });
  await s.refresh();
  await waitSynced(revision, 60_000);
  const ws = await s.getJson<Obj>(["get", "workspace", "workspace-phi-3-mini", "-n", DEST_NS]);
  assert.equal(ws.metadata.labels?.["team"], "e2e-changed");
});

test("a malformed Workspace fails the sync with file:line:col in the Application's conditions, and nothing is pruned", async () => {
  const before = await app();
  const count = before.status?.resources?.length ?? 0;
  const broken = (WORKSPACES["phi-4-mini.yaml"] ?? "").replace(/instanceType: .*/, "instanceType: [not, a, string");
  const revision = s.repo.commit("break phi-4", { [file("phi-4-mini.yaml")]: broken });
  await s.refresh();
  const failed = await waitFor("a ComparisonError naming the file", async () => {
    const a = await app();
    const condition = a.status?.conditions?.find((c) => c.type === "ComparisonError" && /phi-4-mini\.yaml:\d+:\d+/.test(c.message ?? ""));
    return condition ? { a, condition } : undefined;
  }, s.diagnostics, 60_000);
  assert.match(failed.condition.message ?? "", /phi-4-mini\.yaml:\d+:\d+/);
  await new Promise((r) => setTimeout(r, 3000));
  const still = await app();
  assert.equal(still.status?.resources?.length, count, "nothing pruned");
  const phi4 = parse(WORKSPACES["phi-4-mini.yaml"] ?? "") as Obj;
  assert.ok(await s.tryGetJson(["get", "workspace", phi4.metadata.name, "-n", phi4.metadata.namespace ?? DEST_NS]), "the Workspace is still there");
  assert.notEqual(still.status?.sync?.revision === revision && still.status.operationState?.phase === "Succeeded", true, "the broken revision did not sync");
  // Fix it again for the next tests.
  // The fix renders what is already synced: Argo CD compares Synced at the new revision and
  // starts no sync operation for it.
  const fixed = s.repo.commit("fix phi-4", { [file("phi-4-mini.yaml")]: WORKSPACES["phi-4-mini.yaml"] ?? "" });
  await s.refresh("hard");
  await waitFor(`Synced at ${fixed.slice(0, 8)}, no error`, async () => {
    const a = await app();
    return a.status?.sync?.status === "Synced" && a.status.sync.revision === fixed && !a.status.conditions?.some((c) => c.type === "ComparisonError") ? true : undefined;
  }, s.diagnostics, 120_000);
});

test("a commit that removes a Workspace prunes it and its children, node claims included", async () => {
  const renderedBefore = await s.render();
  const revision = s.repo.commit("remove phi-4", { [file("phi-4-mini.yaml")]: null });
  await s.refresh();
  await waitSynced(revision, 60_000);
  const renderedAfter = await s.render();
  const gone = renderedBefore.filter((o) => !renderedAfter.some((n) => n.kind === o.kind && n.metadata.name === o.metadata.name));
  assert.ok(gone.some((o) => o.kind === "Workspace") && gone.some((o) => o.kind === "NodeClaim" || o.kind === "Machine"), `removed: ${gone.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  for (const o of gone) {
    await waitFor(`${o.kind} ${o.metadata.name} to be pruned`, async () => ((await live(o)) === undefined ? true : undefined), s.diagnostics, 60_000);
  }
  for (const o of renderedAfter) assert.ok(await live(o), `${o.kind} ${o.metadata.name} stays`);
});

test("health follows status: Progressing while pending, Degraded on ImagePullBackOff, Healthy once the pods are Ready", async () => {
  const workspace = "workspace-phi-3-mini";
  const healthOf = async (): Promise<{ app?: string; ws?: string; message?: string }> => {
    const a = await app();
    const r = a.status?.resources?.find((x) => x.kind === "Workspace" && x.name === workspace);
    return { app: a.status?.health?.status, ws: r?.health?.status, message: r?.health?.message };
  };
  const progressing = await healthOf();
  assert.equal(progressing.ws, "Progressing", JSON.stringify(progressing));
  assert.equal(progressing.app, "Progressing");

  assert.ok((await makeNodeClaimsReady(s)) > 0, "the Workspace has node claims");
  const pods = await podsOf(s, workspace);
  await setPods(s, pods, "imagePullBackOff");
  const degraded = await waitFor("Degraded", async () => {
    const h = await healthOf();
    return h.ws === "Degraded" ? h : undefined;
  }, s.diagnostics, 60_000);
  assert.equal(degraded.app, "Degraded");

  await setPods(s, pods, "ready");
  let seen = "";
  const healthy = await waitFor("Healthy", async () => {
    const h = await healthOf();
    const a = await app();
    const ws = await s.tryGetJson<Obj>(["get", "workspace", workspace, "-n", DEST_NS]);
    const unhealthy = a.status?.resources?.filter((r) => r.health?.status !== undefined && r.health.status !== "Healthy");
    // Patched once, as a kubelet reports once: kube-controller-manager then updates the
    // StatefulSet's readyReplicas, and that event alone must bring the Workspace to Ready.
    const live = await podsOf(s, workspace);
    const sts = await s.tryGetJson<Obj>(["get", "statefulset", workspace, "-n", DEST_NS]);
    seen = `last: ${JSON.stringify(h)}\nnot healthy: ${JSON.stringify(unhealthy)}\nworkspace status: ${JSON.stringify(ws?.status)}\npods patched: ${JSON.stringify(pods.map((p) => p.metadata))}\npods now: ${JSON.stringify(live.map((p) => ({ m: p.metadata, s: p.status })))}\nstatefulset status: ${JSON.stringify(sts?.status)}`;
    return h.ws === "Healthy" && h.app === "Healthy" ? h : undefined;
  }, () => `${seen}\n${s.diagnostics()}`, 90_000);
  assert.equal(healthy.ws, "Healthy");
});
