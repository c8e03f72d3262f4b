// Admission's cluster reads against a real kube-apiserver, with nothing but the bundle's own
// ServiceAccount and RBAC: `kubectl apply` of a ConfigMap and a Workspace naming it in one go is
// admitted (the webhook GETs the ConfigMap the API server has just stored), a Workspace naming a
// ConfigMap that does not exist is refused with KAITO's reason, and every request the reads made
// is one controller/rbac.ts lists.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { issueBundle, writeCertDir } from "../../certs/index.js";
import { permits, RBAC_RULES } from "../../controller/rbac.js";
import type { RequestRecord } from "../../controller/kube.js";
import { ADMISSION_READ_LIMITS, createLogger, directoryCertificates, startWebhook } from "../../webhook/index.js";
import type { ClusterAccess, WebhookHandle } from "../../webhook/index.js";
import { kubeClusterAccess } from "../../webhook/kube.js";
import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { eventually } from "../helpers/eventually.js";
import { repoPath } from "../helpers/repo.js";
import { localWebhookConfigurations } from "../helpers/webhook-configs.js";

const NS = "reads";
const SYSTEM_NS = "kaito-gitops-system";
let cluster: Cluster;
let webhook: WebhookHandle;
let access: ClusterAccess;
const requests: RequestRecord[] = [];

const workspace = (name: string, config: string): string => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
  namespace: ${NS}
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      apps: ${name}
inference:
  preset:
    name: phi-3-mini-4k-instruct
  config: ${config}
`;

const configMap = (name: string, maxModelLen: number): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${NS}
data:
  inference_config.yaml: |
    vllm:
      max-model-len: ${maxModelLen}
`;

async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(
  async () => {
    cluster = await startCluster();
    await ok(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml")]);
    await ok(["wait", "--for=condition=Established", "crd/workspaces.kaito.sh", "--timeout=60s"]);
    // The bundle's identity and permissions, exactly as the default overlay builds them.
    const built = await ok(["kustomize", repoPath("kustomize/overlays/default")]);
    const wanted = new Set(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);
    const rbac = parseAllDocuments(built)
      .map((d) => d.toJS() as { kind?: string })
      .filter((o) => wanted.has(o.kind ?? ""));
    await ok(["apply", "-f", "-"], rbac.map((o) => JSON.stringify(o)).join("\n---\n"));
    await ok(["create", "namespace", NS]);
    const token = (await ok(["create", "token", "kaito-gitops", "-n", SYSTEM_NS, "--duration=1h"])).trim();
    const saKubeconfig = join(cluster.dir, "kaito-gitops-sa.kubeconfig");
    await writeFile(
      saKubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server: cluster.server, "certificate-authority-data": Buffer.from(cluster.caPem).toString("base64") } }],
        users: [{ name: "kaito-gitops", user: { token } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "kaito-gitops" } }],
        "current-context": "test",
      }),
    );
    access = await kubeClusterAccess(ADMISSION_READ_LIMITS, saKubeconfig, (r) => requests.push(r));

    const certDir = mkdtempSync(join(tmpdir(), "kaito-gitops-e2e-reads-"));
    await writeCertDir(certDir, issueBundle({ service: "kaito-gitops-webhook", namespace: SYSTEM_NS, ipAddresses: ["127.0.0.1"] }, new Date()));
    webhook = await startWebhook({
      certificates: directoryCertificates({ dir: certDir }),
      cluster: access,
      host: "127.0.0.1",
      port: 0,
      shutdownTimeoutMs: 2_000,
      logger: createLogger({ level: "silent" }),
    });
    await webhook.ready();
    assert.ok(webhook.caBundle);
    await ok(["apply", "-f", "-"], localWebhookConfigurations(`https://127.0.0.1:${webhook.address.port}`, webhook.caBundle));
    await eventually("the webhook to take effect", async () => {
      const r = await cluster.kubectl(["apply", "--dry-run=server", "-o", "json", "-f", "-"], { input: workspace("probe", "no-such-config") });
      return r.code !== 0 && /does not exist/.test(r.stderr) ? true : undefined;
    });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await webhook?.close();
  access?.client.close();
  await cluster?.stop();
});

describe("admission reads the cluster through the real API server", () => {
  test("a ConfigMap and the Workspace naming it, applied together, are admitted; the stored Workspace is defaulted", async () => {
    await ok(["apply", "-f", "-"], `${configMap("phi-config", 2048)}---\n${workspace("phi-with-config", "phi-config")}`);
    const stored = JSON.parse(await ok(["get", "workspace", "phi-with-config", "-n", NS, "-o", "json"])) as {
      resource: { count?: number };
      inference: { config?: string };
    };
    assert.equal(stored.inference.config, "phi-config");
    assert.equal(stored.resource.count, 1, "mutated, not only allowed");
  });

  test("a Workspace naming a ConfigMap that does not exist is refused with the reason and field", async () => {
    const r = await cluster.kubectl(["apply", "-f", "-"], { input: workspace("phi-missing", "does-not-exist") });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /inference\.config: ConfigMap reads\/does-not-exist does not exist/);
    assert.doesNotMatch(r.stderr, /no cluster access/);
  });

  test("max-model-len is read from the live ConfigMap: beyond the model's window is refused", async () => {
    await ok(["apply", "-f", "-"], configMap("too-long", 8192));
    const r = await cluster.kubectl(["apply", "-f", "-"], { input: workspace("phi-too-long", "too-long") });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /max-model-len 8192 in reads\/too-long exceeds the 4096-token context window/);
  });

  test("every read was a GET of a named ConfigMap that RBAC allows, none refused", () => {
    assert.ok(requests.length > 0);
    for (const r of requests) {
      assert.notEqual(r.code, 403, `${r.verb} ${r.resource} ${r.name ?? ""} was forbidden`);
      assert.ok(permits(RBAC_RULES, r.verb, r.group, r.resource, r.name), `${r.verb} ${r.group}/${r.resource} is not in RBAC_RULES`);
    }
    assert.ok(requests.some((r) => r.verb === "get" && r.resource === "configmaps" && r.code === 200));
    assert.ok(requests.some((r) => r.verb === "get" && r.resource === "configmaps" && r.code === 404));
  });
});
