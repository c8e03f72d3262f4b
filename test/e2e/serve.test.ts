// `kaito-gitops serve --controller` as the pod runs it: one process answering the real API
// server's admission calls and creating the Workspace's children, stopped by SIGTERM.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { eventually } from "../helpers/eventually.js";
import { repoPath } from "../helpers/repo.js";
import { localWebhookConfigurations } from "../helpers/webhook-configs.js";
import { startServe } from "../webhook/serve-process.js";
import type { ServeProcess } from "../webhook/serve-process.js";

let cluster: Cluster;
let serve: ServeProcess;

const workspace = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: phi
  namespace: e2e
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      apps: phi
inference:
  preset:
    name: phi-3-mini-4k-instruct
`;

async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  cluster = await startCluster();
  await ok(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "-f", repoPath("test/e2e/fixtures/karpenter-crds.yaml")]);
  await ok(["wait", "--for=condition=Established", "crd/workspaces.kaito.sh", "--timeout=60s"]);
  await ok(["create", "namespace", "kaito-gitops-system"]);
  await ok(["create", "namespace", "e2e"]);
  serve = await startServe(["--controller", "--kubeconfig", cluster.kubeconfigPath, "--host", "127.0.0.1", "--port", "0"]);
  const caBundle = await serve.firstStdoutLine();
  await ok(["apply", "-f", "-"], localWebhookConfigurations(`https://127.0.0.1:${serve.port}`, caBundle));
});

after(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill("SIGKILL");
  await cluster?.stop();
});

test("one serve process defaults the Workspace at admission and creates its children", async () => {
  await eventually("the webhook to take effect", async () => {
    const r = await cluster.kubectl(["apply", "--dry-run=server", "-o", "json", "-f", "-"], { input: workspace });
    return r.code === 0 && (JSON.parse(r.stdout) as { resource: { count?: number } }).resource.count === 1 ? true : undefined;
  });
  await ok(["apply", "-f", "-"], workspace);
  const uid = JSON.parse(await ok(["get", "workspace", "phi", "-n", "e2e", "-o", "json"])).metadata.uid as string;
  // KAITO v0.12's children: a StatefulSet and two Services (no labels: found by name), a NodeClaim.
  for (const child of ["statefulset/phi", "service/phi", "service/phi-headless"]) {
    const owners = await eventually(`${child} to be created`, async () => {
      const r = await cluster.kubectl(["get", child, "-n", "e2e", "-o", "jsonpath={.metadata.ownerReferences[0].uid}"]);
      return r.code === 0 && r.stdout !== "" ? r.stdout : undefined;
    });
    assert.equal(owners, uid, `${child} is owned by the Workspace`);
  }
  const claims = await eventually("the NodeClaim", async () => {
    const r = await cluster.kubectl(["get", "nodeclaims.karpenter.sh", "-l", "kaito.sh/workspace=phi,kaito.sh/workspacenamespace=e2e", "-o", "name"]);
    return r.code === 0 && r.stdout.trim() !== "" ? r.stdout.trim().split("\n") : undefined;
  });
  assert.equal(claims.length, 1);
  const leftovers = await cluster.kubectl(["get", "deployments,configmaps", "-n", "e2e", "-o", "name"]);
  assert.doesNotMatch(leftovers.stdout, /deployment|phi-inference-params/, "no Deployment, no generated inference ConfigMap in KAITO v0.12");
  const columns = await eventually("status to be written", async () => {
    const r = await cluster.kubectl(["get", "workspace", "phi", "-n", "e2e", "--no-headers"]);
    return r.code === 0 && /False|True/.test(r.stdout) ? r.stdout : undefined;
  });
  assert.match(columns, /^phi\s+Standard_NC24ads_A100_v4\s+False/);
});

test("SIGTERM stops both and exits 0", async () => {
  serve.child.kill("SIGTERM");
  assert.equal(await serve.exited, 0);
  assert.ok(serve.logLines().some((l) => l["component"] === "controller"), "the controller logged from the same process");
});
