// npm run bench:e2e: kubectl apply of 200 minimal Workspaces through a real API server, with and
// without our webhooks in the path, interleaved in one run (one namespace the webhooks select,
// one they do not). Also the same creates as direct API requests, where kubectl's own start-up
// does not hide the webhook's share.
import { mkdtempSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { issueBundle, writeCertDir } from "../../certs/index.js";
import { createLogger, directoryCertificates, startWebhook } from "../../webhook/index.js";

import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { repoPath } from "../helpers/repo.js";
import { localWebhookConfigurations } from "../helpers/webhook-configs.js";
import { fmt, median, printTable } from "./measure.js";
import { benchWorkspace } from "./workspaces.js";

const N = 200;
const WITH = "bench-webhook";
const WITHOUT = "bench-plain";

async function must(cluster: Cluster, args: readonly string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function post(cluster: Cluster, namespace: string, body: object): Promise<number> {
  const url = new URL(`${cluster.server}/apis/kaito.sh/v1beta1/namespaces/${namespace}/workspaces`);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      url,
      { method: "POST", ca: cluster.caPem, headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 201 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`POST ${url}: ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const cluster = await startCluster();
const certDir = mkdtempSync(join(tmpdir(), "kaito-gitops-bench-e2e-"));
await writeCertDir(certDir, issueBundle({ service: "kaito-gitops-webhook", namespace: "kaito-gitops-system", ipAddresses: ["127.0.0.1"] }, new Date()));
const webhook = await startWebhook({
  certificates: directoryCertificates({ dir: certDir }),
  host: "127.0.0.1",
  port: 0,
  logger: createLogger({ level: "silent" }),
});
try {
  await webhook.ready();
  await must(cluster, ["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml")]);
  await must(cluster, ["wait", "--for=condition=Established", "crd/workspaces.kaito.sh", "--timeout=60s"]);
  await must(cluster, ["create", "namespace", WITH]);
  await must(cluster, ["create", "namespace", WITHOUT]);
  // The bundle's configurations, aimed at our server and narrowed to one namespace.
  await must(cluster, ["apply", "-f", "-"], localWebhookConfigurations(webhook.url, webhook.caBundle ?? "", { matchLabels: { "kubernetes.io/metadata.name": WITH } }));
  for (let i = 0; ; i++) {
    const out = JSON.parse(await must(cluster, ["apply", "--dry-run=server", "-o", "json", "-f", "-"], benchWorkspace(0, WITH))) as { resource: { count?: number } };
    if (out.resource.count !== undefined) break;
    if (i > 120) throw new Error("the webhook did not take effect");
    await new Promise((r) => setTimeout(r, 250));
  }

  const applyMs: Record<string, number[]> = { [WITH]: [], [WITHOUT]: [] };
  for (let i = 0; i < N; i++) {
    for (const ns of i % 2 === 0 ? [WITH, WITHOUT] : [WITHOUT, WITH]) {
      const started = process.hrtime.bigint();
      await must(cluster, ["apply", "-f", "-"], benchWorkspace(i, ns));
      applyMs[ns]?.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  const postMs: Record<string, number[]> = { [WITH]: [], [WITHOUT]: [] };
  for (let i = 0; i < N; i++) {
    for (const ns of i % 2 === 0 ? [WITH, WITHOUT] : [WITHOUT, WITH]) {
      const ws = parseAllDocuments(benchWorkspace(N + i, ns))[0]?.toJS() as object;
      postMs[ns]?.push(await post(cluster, ns, ws));
    }
  }
  const row = (what: string, samples: Record<string, number[]>): string[] => {
    const w = median(samples[WITH] ?? []);
    const o = median(samples[WITHOUT] ?? []);
    return [what, fmt(w, 1), fmt(o, 1), fmt(w / o)];
  };
  console.log(`${N} creates of minimal Workspaces per column, interleaved, real kube-apiserver`);
  printTable(["", "with webhook ms (median)", "without ms (median)", "ratio"], [row("kubectl apply", applyMs), row("API POST", postMs)]);
  console.log("target: kubectl apply ratio < 1.3");
} finally {
  await webhook.close();
  await cluster.stop();
}
