// The plugin's generate and discover run as Argo CD runs them: the bundled command in a copy of
// the app's source folder, the environment argocd-cmp-server passes, stdout parsed as manifests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { repoPath } from "../helpers/repo.js";

const cli = repoPath("dist/cli/kaito-gitops.js");

/** A source folder as argocd-cmp-server extracts it: the repo copied, commands run in the app path. */
function checkout(files: Record<string, string> = {}): string {
  const repo = mkdtempSync(join(tmpdir(), "kaito-gitops-cmp-"));
  cpSync(repoPath("examples"), join(repo, "apps/models"), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(repo, name, ".."), { recursive: true });
    writeFileSync(join(repo, name), text);
  }
  return repo;
}

function argoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ARGOCD_APP_NAME: "gpu-models",
    ARGOCD_APP_NAMESPACE: "argo-models",
    ARGOCD_APP_PROJECT_NAME: "default",
    ARGOCD_APP_REVISION: "0123456789abcdef0123456789abcdef01234567",
    ARGOCD_APP_SOURCE_PATH: "apps/models",
    ARGOCD_APP_SOURCE_REPO_URL: "https://git.example.com/platform/gpu-models.git",
    ARGOCD_APP_SOURCE_TARGET_REVISION: "main",
    KUBE_VERSION: "1.34.4",
    KUBE_API_VERSIONS: "apps/v1,apps/v1/Deployment,kaito.sh/v1beta1,kaito.sh/v1beta1/Workspace,v1,v1/Service",
    ...extra,
  };
}

function run(command: string, cwd: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [cli, command], { cwd, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const manifests = (stdout: string): Record<string, unknown>[] =>
  parseAllDocuments(stdout).map((d) => {
    assert.equal(d.errors.length, 0);
    return d.toJS() as Record<string, unknown>;
  });
const meta = (o: Record<string, unknown>) => o.metadata as { name: string; namespace?: string };

test("generate prints only manifests: every Workspace expanded, objects without a namespace in the destination namespace", () => {
  const repo = checkout();
  const out = run("generate", join(repo, "apps/models"), argoEnv());
  assert.equal(out.code, 0, out.stderr);
  const objects = manifests(out.stdout);
  assert.equal(objects.filter((o) => o.kind === "Workspace").length, 9);
  const phi3 = objects.find((o) => o.kind === "Workspace" && meta(o).name === "workspace-phi-3-mini");
  assert.equal(phi3 && meta(phi3).namespace, "argo-models", "ARGOCD_APP_NAMESPACE is the default namespace");
  const falcon = objects.find((o) => o.kind === "Workspace" && meta(o).name === "workspace-falcon-7b");
  assert.equal(falcon && meta(falcon).namespace, "models", "a namespace in the file wins");
  for (const o of objects) {
    assert.equal((o.metadata as { ownerReferences?: unknown }).ownerReferences, undefined, "no owner references: UIDs are unknown to a renderer");
    const labels = (o.metadata as { labels?: Record<string, string> }).labels ?? {};
    assert.equal(labels["app.kubernetes.io/instance"], undefined, "no Argo CD tracking label");
  }
  assert.ok(objects.some((o) => o.kind === "Machine"), "node-claim defaults to Machine without karpenter.sh/v1 in KUBE_API_VERSIONS");
  assert.match(out.stderr, /node-claim: Machine \(default\)/);
});

test("parameters arrive as PARAM_* and as ARGOCD_ENV_*; a parameter wins over an env entry", () => {
  const repo = checkout();
  const app = join(repo, "apps/models");
  const viaParam = run("generate", app, argoEnv({ PARAM_WORKLOAD: "Rollout", ARGOCD_ENV_WORKLOAD: "Deployment", PARAM_NODE_CLAIM: "NodeClaim" }));
  assert.equal(viaParam.code, 0, viaParam.stderr);
  const objects = manifests(viaParam.stdout);
  assert.ok(objects.some((o) => o.kind === "Rollout"));
  assert.ok(!objects.some((o) => o.kind === "Deployment"), "single-node models become Rollouts");
  assert.ok(objects.some((o) => o.kind === "StatefulSet"), "multi-node models stay StatefulSets");
  assert.ok(objects.some((o) => o.kind === "NodeClaim") && !objects.some((o) => o.kind === "Machine"));

  const viaEnv = run("generate", app, argoEnv({ ARGOCD_ENV_WORKLOAD: "rollout", ARGOCD_ENV_NAMESPACE: "from-env", ARGOCD_ENV_ROLLOUT_STEPS: "[{setWeight: 20}, {pause: {}}]" }));
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  const rollout = manifests(viaEnv.stdout).find((o) => o.kind === "Rollout" && meta(o).namespace === "from-env");
  assert.ok(rollout, "ARGOCD_ENV_NAMESPACE overrides the destination namespace for objects without one");
  const spec = rollout.spec as { strategy: { canary: { steps: unknown[]; maxSurge: number } } };
  assert.deepEqual(spec.strategy.canary.steps, [{ setWeight: 20 }, { pause: {} }]);
  assert.equal(spec.strategy.canary.maxSurge, 0);
});

test("node-claim auto follows KUBE_API_VERSIONS", () => {
  const repo = checkout();
  const env = argoEnv({ KUBE_API_VERSIONS: "karpenter.sh/v1,karpenter.sh/v1/NodeClaim,karpenter.sh/v1/NodePool,kaito.sh/v1beta1/Workspace" });
  const out = run("generate", join(repo, "apps/models"), env);
  assert.equal(out.code, 0, out.stderr);
  assert.ok(manifests(out.stdout).some((o) => o.kind === "NodeClaim"));
  assert.match(out.stderr, /node-claim: NodeClaim \(the cluster serves karpenter\.sh\/v1 NodeClaim\)/);
});

test("a catalog parameter is read relative to the app folder", () => {
  const repo = checkout({
    "apps/catalog.yaml": "instanceTypes:\n  - {name: onprem-l40s, cloud: aws, gpuCount: 4, gpuMemoryGiB: 192, gpuModel: NVIDIA L40S}\n",
    "apps/models/onprem.yaml": "apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: onprem\nresource:\n  instanceType: onprem-l40s\n  labelSelector:\n    matchLabels: {apps: onprem}\ninference:\n  preset:\n    name: phi-4\n",
  });
  const without = run("generate", join(repo, "apps/models"), argoEnv());
  assert.notEqual(without.code, 0);
  const withCatalog = run("generate", join(repo, "apps/models"), argoEnv({ PARAM_CATALOG_0: "../catalog.yaml" }));
  assert.equal(withCatalog.code, 0, withCatalog.stderr);
});

test("a bad file fails the generate with file:line and the reason on stderr, and nothing on stdout", () => {
  const repo = checkout({ "apps/models/zz-broken.yaml": "apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: broken\nresource:\n  instanceType: Standard_NC24ads_A100_v4\n  labelSelector:\n    matchLabels: {apps: x}\ninference:\n  preset:\n    name: phi-5\n" });
  const out = run("generate", join(repo, "apps/models"), argoEnv());
  assert.equal(out.code, 1);
  assert.equal(out.stdout, "");
  assert.match(out.stderr, /zz-broken\.yaml:11:11: error: Workspace argo-models\/broken: inference\.preset\.name: unknown preset "phi-5"/);
  const malformed = checkout({ "apps/models/zz-bad.yaml": "kind: Workspace\n  bad: indentation\n" });
  const bad = run("generate", join(malformed, "apps/models"), argoEnv());
  assert.equal(bad.code, 3);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /zz-bad\.yaml:\d+:\d+: /);
});

test("a bad parameter value is named", () => {
  const out = run("generate", join(checkout(), "apps/models"), argoEnv({ PARAM_WORKLOAD: "DaemonSet" }));
  assert.equal(out.code, 2);
  assert.match(out.stderr, /parameter workload: must be auto, Deployment, Rollout; got "DaemonSet"/);
});

test("an app folder with nothing to render fails rather than let Argo CD prune everything", () => {
  const repo = checkout({ "apps/empty/README.md": "nothing here\n" });
  const out = run("generate", join(repo, "apps/empty"), argoEnv());
  assert.equal(out.code, 1);
  assert.match(out.stderr, /no manifests found/);
});

test("discover matches folders holding a kaito.sh Workspace, and no others", () => {
  const repo = checkout({
    "apps/plain/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    "apps/other-workspace/ws.yaml": "apiVersion: example.com/v1\nkind: Workspace\nmetadata:\n  name: not-kaito\n",
    "apps/listed/list.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "kaito.sh/v1alpha1", kind: "Workspace", metadata: { name: "x" } }] }),
    "apps/empty/README.md": "nothing to deploy\n",
    "apps/broken/ws.yaml": "apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: broken\n  labels: [unclosed\n",
  });
  const yes = run("discover", join(repo, "apps/models"), argoEnv());
  assert.equal(yes.code, 0);
  assert.match(yes.stdout, /\.yaml\n$/);
  // No match is no output and exit 0: cmp-server takes a non-zero exit as a failed check.
  for (const folder of ["apps/plain", "apps/other-workspace", "apps/empty"]) {
    const no = run("discover", join(repo, folder), argoEnv());
    assert.equal(no.code, 0, folder);
    assert.equal(no.stdout, "", folder);
  }
  assert.equal(run("discover", join(repo, "apps/listed"), argoEnv()).code, 0, "a Workspace inside a List counts");
  // A malformed Workspace file still matches, so generate runs and says where it breaks.
  const broken = run("discover", join(repo, "apps/broken"), argoEnv());
  assert.deepEqual([broken.code, broken.stdout.trim().endsWith("ws.yaml")], [0, true], broken.stderr);
  const generated = run("generate", join(repo, "apps/broken"), argoEnv());
  assert.notEqual(generated.code, 0);
  assert.match(generated.stderr, /ws\.yaml:\d+:\d+: /);
  const help = spawnSync(process.execPath, [cli, "discover", "--help"], { cwd: repo, env: argoEnv(), encoding: "utf8" });
  assert.deepEqual([help.status, help.stdout.startsWith("Usage: kaito-gitops discover")], [0, true]);
});
