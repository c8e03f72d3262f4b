// The webhook against a real kube-apiserver: the bundle's own webhook configurations (pointed at
// 127.0.0.1 with the caBundle), the generated CRD, kubectl as users run it. The API server checks
// the certificate and its SAN, the CRD's structural schema, the JSON Patch, dry-run and
// reinvocation, which hand-made AdmissionReviews cannot prove.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { issueBundle, writeCertDir } from "../../certs/index.js";
import { ADMISSION_READ_LIMITS, createLogger, directoryCertificates, startWebhook } from "../../webhook/index.js";
import type { ClusterAccess, WebhookHandle } from "../../webhook/index.js";
import { kubeClusterAccess } from "../../webhook/kube.js";
import { looksLikeWorkspace } from "../../workspace/index.js";
import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { runCli } from "../helpers/cli.js";
import { eventually } from "../helpers/eventually.js";
import { repoPath, repoRoot } from "../helpers/repo.js";
import { localWebhookConfigurations } from "../helpers/webhook-configs.js";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

let cluster: Cluster;
let webhook: WebhookHandle;
/** As deployed, the webhook reads what KAITO reads (the ConfigMap inference.config names) from the cluster. */
let access: ClusterAccess;
let certDir: string;
let port = 0;

const minimal = (name: string, extra = ""): string => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
  namespace: e2e
${extra}resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      apps: ${name}
inference:
  preset:
    name: phi-3-mini-4k-instruct
`;

async function kubectl(args: readonly string[], input?: string) {
  return cluster.kubectl(args, input === undefined ? {} : { input });
}

async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function startOurWebhook(): Promise<WebhookHandle> {
  const handle = await startWebhook({
    certificates: directoryCertificates({ dir: certDir }),
    host: "127.0.0.1",
    port,
    cluster: access,
    shutdownTimeoutMs: 2_000,
    shutdownDelayMs: 0,
    logger: createLogger({ level: "silent" }),
  });
  await handle.ready();
  port = handle.address.port;
  return handle;
}

/** What the API server adds to an object it stores, and kubectl's bookkeeping. */
function withoutServerFields(obj: Obj): Obj {
  const metadata = { ...obj.metadata };
  for (const field of ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"]) delete metadata[field];
  const annotations = { ...metadata.annotations };
  delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
  const out = { ...obj, metadata: { ...metadata } } as Obj;
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

function exampleFiles(dir = repoPath("examples")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

/** The namespaces the examples' objects name (kubectl apply does not create them). */
function exampleNamespaces(): string[] {
  const named = exampleFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8")).map((d) => (d.toJS() as Partial<Obj> | null)?.metadata?.namespace),
  );
  return [...new Set(named.filter((ns): ns is string => typeof ns === "string" && ns !== "default"))].sort();
}

before(async () => {
  cluster = await startCluster();
  access = await kubeClusterAccess(ADMISSION_READ_LIMITS, cluster.kubeconfigPath);
  certDir = mkdtempSync(join(tmpdir(), "kaito-gitops-e2e-certs-"));
  await writeCertDir(certDir, issueBundle({ service: "kaito-gitops-webhook", namespace: "kaito-gitops-system", ipAddresses: ["127.0.0.1"] }, new Date()));
  webhook = await startOurWebhook();
  await ok(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml")]);
  await ok(["wait", "--for=condition=Established", "crd/workspaces.kaito.sh", "--timeout=60s"]);
  for (const ns of [...exampleNamespaces(), "e2e"]) await ok(["create", "namespace", ns]);
  assert.ok(webhook.caBundle, "the directory has ca.crt");
  await ok(["apply", "-f", "-"], localWebhookConfigurations(`https://127.0.0.1:${port}`, webhook.caBundle));
  // The API server picks up webhook configurations through an informer: wait until it mutates.
  await eventually("the webhook to take effect", async () => {
    const r = await kubectl(["apply", "--dry-run=server", "-o", "json", "-f", "-"], minimal("probe"));
    return r.code === 0 && (JSON.parse(r.stdout) as { resource: { count?: number } }).resource.count === 1 ? true : undefined;
  });
});

after(async () => {
  await webhook?.close();
  access?.client.close();
  await cluster?.stop();
});

describe("kubectl apply through the real API server and our webhook", () => {
  for (const file of exampleFiles()) {
    const name = relative(repoRoot, file);
    test(`the stored Workspace equals the plugin's rendering: ${name}`, async () => {
      await ok(["apply", "-f", file]);
      const rendered = await runCli(["render", "-q", "--namespace", "default", file]);
      assert.equal(rendered.code, 0, rendered.stderr);
      const expected = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as Obj).filter(looksLikeWorkspace);
      assert.ok(expected.length > 0);
      for (const ws of expected) {
        // Read it back in the version it was written in, as the user's file says.
        const version = ws.apiVersion.split("/")[1];
        const stored = JSON.parse(await ok(["get", `workspaces.${version}.kaito.sh`, ws.metadata.name, "-n", ws.metadata.namespace ?? "default", "-o", "json"])) as Obj;
        assert.deepEqual(withoutServerFields(stored), ws);
      }
    });
  }

  test("an invalid Workspace is refused with the webhook's message, visible in kubectl's output", async () => {
    const bad = minimal("bad-preset").replace("phi-3-mini-4k-instruct", "phi-3-mini");
    const r = await kubectl(["apply", "-f", "-"], bad);
    assert.notEqual(r.code, 0);
    // The webhook answers with a 422 Invalid status and its causes, so kubectl prints it as it
    // prints the API server's own validation errors.
    assert.match(r.stderr, /The Workspace "bad-preset" is invalid: inference\.preset\.name: unknown preset "phi-3-mini" \(did you mean "phi-3-mini-4k-instruct"/);
    const get = await kubectl(["get", "workspace", "bad-preset", "-n", "e2e"]);
    assert.match(get.stderr, /NotFound/);
  });

  test("a Workspace that does not fit its nodes on a runtime that cannot spread a model is refused, saying why", async () => {
    // vLLM sizes the node count itself; the transformers runtime runs on one node, and a 70B
    // model does not fit one A100 80 GiB.
    const tooSmall = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: too-small
  namespace: e2e
  annotations:
    kaito.sh/runtime: transformers
resource:
  instanceType: Standard_NC24ads_A100_v4
  count: 1
  labelSelector:
    matchLabels:
      apps: too-small
inference:
  preset:
    name: llama-3.3-70b-instruct
`;
    const r = await kubectl(["apply", "-f", "-"], tooSmall);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /resource\.instanceType: not enough GPU memory: 1 node\(s\) give 80Gi but meta-llama\/llama-3\.3-70b-instruct needs at least 131\.42Gi/);
    assert.match(r.stderr, /transformers runtime cannot spread a model over nodes; use vLLM or a larger instance type/);
    assert.match((await kubectl(["get", "workspace", "too-small", "-n", "e2e"])).stderr, /NotFound/);
    // The same model on vLLM: admitted, count left as written (the node count is vLLM's to size).
    const onVllm = JSON.parse(await ok(["apply", "--dry-run=server", "-o", "json", "-f", "-"], tooSmall.replace(/  annotations:\n    kaito\.sh\/runtime: transformers\n/, ""))) as Obj & { resource: { count: number } };
    assert.equal(onVllm.resource.count, 1);
  });

  test("kubectl apply --dry-run=server mutates and stores nothing", async () => {
    const out = JSON.parse(await ok(["apply", "--dry-run=server", "-o", "json", "-f", "-"], minimal("dry"))) as Obj & { resource: { count: number }; inference: { preset: { accessMode?: string } } };
    assert.equal(out.resource.count, 1);
    assert.equal(out.metadata.annotations?.["kaito.sh/runtime"], undefined, "no runtime annotation is added: vLLM is KAITO's default");
    assert.equal(out.inference.preset.accessMode, "public", "KAITO's CRD default");
    const get = await kubectl(["get", "workspace", "dry", "-n", "e2e"]);
    assert.match(get.stderr, /NotFound/);
  });

  test("UPDATE of an immutable field is refused; an unrelated UPDATE passes", async () => {
    await ok(["apply", "-f", "-"], minimal("update-me"));
    const immutable = await kubectl(["apply", "-f", "-"], minimal("update-me").replace("Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4"));
    assert.notEqual(immutable.code, 0);
    assert.match(immutable.stderr, /resource\.instanceType: field is immutable: was "Standard_NC24ads_A100_v4", now "Standard_NC48ads_A100_v4"/);
    await ok(["apply", "-f", "-"], minimal("update-me", "  labels:\n    team: search\n"));
    const stored = JSON.parse(await ok(["get", "workspace", "update-me", "-n", "e2e", "-o", "json"])) as Obj & { resource: { instanceType: string } };
    assert.equal((stored.metadata.labels as Record<string, string>).team, "search");
    assert.equal(stored.resource.instanceType, "Standard_NC24ads_A100_v4");
  });

  test("with the webhook down, failurePolicy Fail refuses applies and stores nothing; after a restart they pass", async () => {
    await webhook.close();
    const refused = await kubectl(["apply", "-f", "-"], minimal("while-down"));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /failed calling webhook "workspaces\.mutate\.kaito-gitops\.io"/);
    assert.match((await kubectl(["get", "workspace", "while-down", "-n", "e2e"])).stderr, /NotFound/);

    webhook = await startOurWebhook();
    await eventually("applies to pass again", async () => ((await kubectl(["apply", "-f", "-"], minimal("while-down"))).code === 0 ? true : undefined));
    const stored = JSON.parse(await ok(["get", "workspace", "while-down", "-n", "e2e", "-o", "json"])) as Obj & { resource: { count?: number } };
    assert.equal(stored.resource.count, 1, "stored defaulted, not half-done");
  });
});
