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

const childKinds = (objects: Record<string, unknown>[]): string[] => objects.filter((o) => o.kind !== "Workspace").map((o) => String(o.kind));

test("generate prints only manifests: every Workspace expanded for its KAITO version, objects without a namespace in the destination namespace", () => {
  const repo = checkout();
  const out = run("generate", join(repo, "apps/models"), argoEnv());
  assert.equal(out.code, 0, out.stderr);
  const objects = manifests(out.stdout);
  assert.equal(objects.filter((o) => o.kind === "Workspace").length, 10);
  const phi3 = objects.find((o) => o.kind === "Workspace" && meta(o).name === "workspace-phi-3-mini" && meta(o).namespace !== "seed");
  assert.equal(phi3 && meta(phi3).namespace, "argo-models", "ARGOCD_APP_NAMESPACE is the default namespace");
  const phi4 = objects.find((o) => o.kind === "Workspace" && meta(o).name === "phi-4-mini");
  assert.equal(phi4 && meta(phi4).namespace, "models", "a namespace in the file wins");
  for (const o of objects) {
    assert.equal((o.metadata as { ownerReferences?: unknown }).ownerReferences, undefined, "no owner references: UIDs are unknown to a renderer");
    const labels = (o.metadata as { labels?: Record<string, string> }).labels ?? {};
    assert.equal(labels["app.kubernetes.io/instance"], undefined, "no Argo CD tracking label");
  }
  const phi4Children = objects.filter((o) => meta(o).namespace === "models" && o.kind !== "Workspace");
  // KAITO sends its NodeClaims with the Workspace's namespace; the API server drops it (cluster-scoped).
  assert.deepEqual(phi4Children.map((o) => o.kind), ["NodeClaim", "Service", "Service", "StatefulSet"], "KAITO v0.12 (the default) serves from a StatefulSet behind a Service and a headless Service");
  assert.ok(objects.some((o) => o.kind === "NodeClaim" && o.apiVersion === "karpenter.sh/v1"));
  const seed = objects.filter((o) => meta(o).namespace === "seed");
  assert.ok(seed.some((o) => o.kind === "Deployment"), "the seed Workspaces pin KAITO v0.3 by annotation: a Deployment");
  assert.ok(objects.some((o) => o.kind === "Machine" && o.apiVersion === "karpenter.sh/v1alpha5"), "and Karpenter Machines");
});

const seedEraWorkspace = `apiVersion: kaito.sh/v1alpha1
kind: Workspace
metadata:
  name: phi-3
resource:
  instanceType: Standard_NC12s_v3
  labelSelector:
    matchLabels: {apps: phi-3}
inference:
  preset:
    name: phi-3-mini-4k-instruct
`;

test("the kaito-version parameter arrives as PARAM_* and as ARGOCD_ENV_*; a parameter wins over an env entry", () => {
  const repo = mkdtempSync(join(tmpdir(), "kaito-gitops-cmp-"));
  mkdirSync(join(repo, "app"));
  writeFileSync(join(repo, "app/phi-3.yaml"), seedEraWorkspace);
  const app = join(repo, "app");
  const viaParam = run("generate", app, argoEnv({ PARAM_KAITO_VERSION: "v0.3", ARGOCD_ENV_KAITO_VERSION: "v0.12" }));
  assert.equal(viaParam.code, 0, viaParam.stderr);
  assert.ok(manifests(viaParam.stdout).some((o) => o.kind === "Machine"), "v0.3 asks for a Karpenter Machine");
  assert.match(viaParam.stderr, /kaito-version: v0\.3/);

  const viaEnv = run("generate", app, argoEnv({ ARGOCD_ENV_KAITO_VERSION: "0.3", ARGOCD_ENV_NAMESPACE: "from-env" }));
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  const deployment = manifests(viaEnv.stdout).find((o) => o.kind === "Deployment");
  assert.ok(deployment, "an env entry is read when no parameter is set");
  assert.equal(meta(deployment).namespace, "from-env", "ARGOCD_ENV_NAMESPACE overrides the destination namespace for objects without one");
});

test("a settings parameter is read relative to the app folder", () => {
  const aws = "apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: phi-4-mini\nresource:\n  instanceType: g5.xlarge\n  labelSelector:\n    matchLabels: {apps: phi-4-mini}\ninference:\n  preset:\n    name: microsoft/Phi-4-mini-instruct\n";
  const repo = checkout({ "apps/aws/settings/kaito.yaml": "cloudProvider: aws\n", "apps/aws/phi-4-mini.yaml": aws });
  const withSettings = run("generate", join(repo, "apps/aws"), argoEnv({ PARAM_SETTINGS: "settings/kaito.yaml" }));
  assert.equal(withSettings.code, 0, withSettings.stderr);
  const claim = manifests(withSettings.stdout).find((o) => o.kind === "NodeClaim");
  const nodeClassRef = (claim?.spec as { nodeClassRef?: { kind?: string } } | undefined)?.nodeClassRef;
  assert.equal(nodeClassRef?.kind, "EC2NodeClass", "the AWS controller's node claims name an EC2NodeClass");
  assert.deepEqual(childKinds(manifests(withSettings.stdout)), ["NodeClaim", "Service", "Service", "StatefulSet"], "KAITO's creation order");

  const escaping = run("generate", join(repo, "apps/aws"), argoEnv({ PARAM_SETTINGS: "../../etc/kaito.yaml" }));
  assert.equal(escaping.code, 2);
  assert.match(escaping.stderr, /parameter settings: must be a path inside the app's folder/);
});

test("a bad file fails the generate with file:line and the reason on stderr, and nothing on stdout", () => {
  const repo = checkout({ "apps/models/zz-broken.yaml": "apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: broken\nresource:\n  instanceType: Standard_NC24ads_A100_v4\n  labelSelector:\n    matchLabels: {apps: x}\ninference:\n  preset:\n    name: phi-5\n    bogus: 1\n" });
  const out = run("generate", join(repo, "apps/models"), argoEnv());
  assert.equal(out.code, 1);
  assert.equal(out.stdout, "");
  assert.match(out.stderr, /zz-broken\.yaml:12:\d+: error: Workspace argo-models\/broken: inference\.preset\.bogus: unknown field/);
  const malformed = checkout({ "apps/models/zz-bad.yaml": "kind: Workspace\n  bad: indentation\n" });
  const bad = run("generate", join(malformed, "apps/models"), argoEnv());
  assert.equal(bad.code, 3);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /zz-bad\.yaml:\d+:\d+: /);
});

test("a bad parameter value is named", () => {
  const out = run("generate", join(checkout(), "apps/models"), argoEnv({ PARAM_KAITO_VERSION: "v0.99" }));
  assert.equal(out.code, 2);
  assert.match(out.stderr, /parameter kaito-version: must be one of v0\.12, v0\.3; got "v0\.99"/);
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
