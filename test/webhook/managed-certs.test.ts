// The self-managed certificate mode (--manage-certs) wired into the server, against an in-memory
// Secret store and webhook configurations: the server comes up at once on a provisional
// certificate, unready; it then serves the Secret's certificate, injects the CA, and turns ready.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { MemorySecretStore, caBundleBase64 } from "../../certs/index.js";
import type { WebhookConfigApi, WebhookEntry, WebhookKind } from "../../certs/index.js";
import { createLogger, managedCertificates, startWebhook } from "../../webhook/index.js";
import type { WebhookHandle } from "../../webhook/index.js";
import { bundle, httpsPost, sleep, SERVICE_HOST } from "./harness.js";

const wanted = { service: "kaito-gitops-webhook", namespace: "kaito-gitops-system", ipAddresses: ["127.0.0.1"] };

class FakeWebhookConfigs implements WebhookConfigApi {
  present = true;
  readonly caBundles = new Map<string, string>();
  async read(kind: WebhookKind, name: string): Promise<readonly WebhookEntry[] | undefined> {
    if (!this.present) return undefined;
    const caBundle = this.caBundles.get(`${kind}/${name}`);
    return [{ name: `${kind}.kaito.sh`, ...(caBundle !== undefined && { caBundle }) }];
  }
  async setCABundle(kind: WebhookKind, name: string, _targets: readonly unknown[], caBundle: string): Promise<"updated"> {
    this.caBundles.set(`${kind}/${name}`, caBundle);
    return "updated";
  }
}

async function start(store: MemorySecretStore, configs: FakeWebhookConfigs): Promise<WebhookHandle> {
  return startWebhook({
    certificates: managedCertificates({
      store,
      storeName: "Secret kaito-gitops-system/kaito-gitops-webhook-cert",
      wanted,
      webhookConfigs: { api: configs, names: { mutating: "kaito-gitops-mutating", validating: "kaito-gitops-validating" } },
      retryIntervalMs: 100,
    }),
    port: 0,
    host: "127.0.0.1",
    logger: createLogger({ level: "silent" }),
  });
}

async function presented(handle: WebhookHandle, ca: string): Promise<string> {
  return (await httpsPost(handle.url, "/healthz", "", { ca, method: "GET", servername: SERVICE_HOST })).serial;
}

describe("--manage-certs", () => {
  it("creates the Secret, injects the caBundle into both configurations, then serves the Secret's certificate and turns ready", async () => {
    const store = new MemorySecretStore();
    const configs = new FakeWebhookConfigs();
    const handle = await start(store, configs);
    try {
      await handle.ready();
      const stored = store.current?.bundle;
      assert.ok(stored, "the Secret was created");
      const caBundle = caBundleBase64(stored.caCert);
      assert.equal(configs.caBundles.get("mutating/kaito-gitops-mutating"), caBundle);
      assert.equal(configs.caBundles.get("validating/kaito-gitops-validating"), caBundle);
      assert.equal(handle.caBundle, caBundle);
      // A client that trusts only the injected caBundle and checks svc.ns.svc, as the API server does.
      assert.equal(await presented(handle, stored.caCert), new X509Certificate(stored.tlsCert).serialNumber);
      assert.deepEqual(handle.readiness.report()["certificates"], {
        ready: true,
        detail: "Secret kaito-gitops-system/kaito-gitops-webhook-cert; caBundle injected",
      });
    } finally {
      await handle.close();
    }
  });

  it("reuses a valid Secret without writing it", async () => {
    const existing = bundle(wanted);
    const store = new MemorySecretStore(existing);
    const handle = await start(store, new FakeWebhookConfigs());
    try {
      await handle.ready();
      assert.equal(store.stats.writes, 0);
      assert.equal(await presented(handle, existing.caCert), new X509Certificate(existing.tlsCert).serialNumber);
    } finally {
      await handle.close();
    }
  });

  it("stays unready, saying why, while the webhook configurations do not exist, and recovers when they appear", async () => {
    const configs = new FakeWebhookConfigs();
    configs.present = false;
    const handle = await start(new MemorySecretStore(), configs);
    try {
      const deadline = Date.now() + 5000;
      while (!/caBundle not injected yet/.test(handle.readiness.report()["certificates"]?.detail ?? "")) {
        assert.ok(Date.now() < deadline, JSON.stringify(handle.readiness.report()));
        await sleep(20);
      }
      assert.equal(handle.readiness.isReady(), false);
      configs.present = true;
      await handle.ready();
    } finally {
      await handle.close();
    }
  });

  it("two replicas starting at once on one Secret serve the same certificate", async () => {
    const store = new MemorySecretStore();
    const configs = new FakeWebhookConfigs();
    const [a, b] = await Promise.all([start(store, configs), start(store, configs)]);
    try {
      await Promise.all([a.ready(), b.ready()]);
      const stored = store.current?.bundle;
      assert.ok(stored);
      const serial = new X509Certificate(stored.tlsCert).serialNumber;
      assert.equal(await presented(a, stored.caCert), serial);
      assert.equal(await presented(b, stored.caCert), serial);
      assert.equal(store.stats.writes, 1, "one Secret written");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
