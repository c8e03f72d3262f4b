import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Secret } from "@kubernetes/client-node";
import { ensureCertificates } from "../../certs/ensure.js";
import { issueBundle } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import { KubeSecretStore, bundleFromSecretData, bundleToSecretData } from "../../certs/secret-store.js";
import type { SecretsApi } from "../../certs/secret-store.js";

const now = new Date("2026-11-24T12:00:00Z");
const wanted = { service: "kaito-webhook", namespace: "kaito-system" };
const key = generateRsaKeySync();
const bundle = issueBundle(wanted, now, { caKeyPem: key, tlsKeyPem: key });

/** Status errors shaped like client-node's ApiException (which cannot be imported on Node 20). */
function apiError(code: number): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code });
}

/** Just enough of an apiserver for one namespace's Secrets, with resourceVersion checks. */
class FakeSecretsApi implements SecretsApi {
  readonly secrets = new Map<string, V1Secret>();
  failWith: number | undefined;
  private version = 10;

  async readNamespacedSecret(param: { name: string; namespace: string }): Promise<V1Secret> {
    this.maybeFail();
    const secret = this.secrets.get(`${param.namespace}/${param.name}`);
    if (secret === undefined) throw apiError(404);
    return structuredClone(secret);
  }

  async createNamespacedSecret(param: { namespace: string; body: V1Secret }): Promise<V1Secret> {
    this.maybeFail();
    const id = `${param.namespace}/${param.body.metadata?.name ?? ""}`;
    if (this.secrets.has(id)) throw apiError(409);
    return this.store(id, param.body);
  }

  async replaceNamespacedSecret(param: { name: string; namespace: string; body: V1Secret }): Promise<V1Secret> {
    this.maybeFail();
    const id = `${param.namespace}/${param.name}`;
    const existing = this.secrets.get(id);
    if (existing === undefined) throw apiError(404);
    if (param.body.metadata?.resourceVersion !== existing.metadata?.resourceVersion) throw apiError(409);
    if (param.body.type !== existing.type) throw apiError(422);
    return this.store(id, param.body);
  }

  private store(id: string, body: V1Secret): V1Secret {
    this.version += 1;
    const saved = structuredClone({ ...body, metadata: { ...body.metadata, resourceVersion: String(this.version) } });
    this.secrets.set(id, saved);
    return saved;
  }

  private maybeFail(): void {
    if (this.failWith !== undefined) throw apiError(this.failWith);
  }
}

describe("Secret data", () => {
  it("round-trips the bundle through base64 data with the kubernetes.io/tls key names", () => {
    const data = bundleToSecretData(bundle);
    assert.deepEqual(Object.keys(data).sort(), ["ca.crt", "ca.key", "tls.crt", "tls.key"]);
    assert.equal(Buffer.from(data["tls.crt"] ?? "", "base64").toString(), bundle.tlsCert);
    assert.deepEqual(bundleFromSecretData(data), bundle);
  });

  it("reads missing keys as empty strings", () => {
    assert.deepEqual(bundleFromSecretData(undefined), { tlsCert: "", tlsKey: "", caCert: "", caKey: "" });
  });
});

describe("KubeSecretStore", () => {
  it("reads a missing Secret as undefined and creates it as kubernetes.io/tls", async () => {
    const api = new FakeSecretsApi();
    const store = new KubeSecretStore(api, "kaito-system", "kaito-webhook-tls");
    assert.equal(await store.read(), undefined);
    assert.equal(await store.create(bundle), "created");
    const saved = api.secrets.get("kaito-system/kaito-webhook-tls");
    assert.equal(saved?.type, "kubernetes.io/tls");
    assert.equal(saved?.metadata?.labels?.["app.kubernetes.io/managed-by"], "kaito-gitops");
    assert.deepEqual((await store.read())?.bundle, bundle);
    assert.equal(await store.create(bundle), "exists");
  });

  it("replaces with the resourceVersion read, and reports a stale one as a conflict", async () => {
    const api = new FakeSecretsApi();
    const store = new KubeSecretStore(api, "kaito-system", "tls");
    await store.create(bundle);
    const read = await store.read();
    assert.ok(read !== undefined);
    assert.equal(await store.replace(bundle, read.resourceVersion), "replaced");
    assert.equal(await store.replace(bundle, read.resourceVersion), "conflict");
  });

  it("keeps the labels, annotations, extra keys and type of the Secret it replaces", async () => {
    const api = new FakeSecretsApi();
    api.secrets.set("kaito-system/tls", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "tls",
        namespace: "kaito-system",
        resourceVersion: "3",
        labels: { "app.kubernetes.io/instance": "kaito-gitops" },
        annotations: { "argocd.argoproj.io/compare-options": "IgnoreExtraneous" },
      },
      type: "Opaque",
      data: { note: Buffer.from("keep me").toString("base64") },
    });
    const store = new KubeSecretStore(api, "kaito-system", "tls");
    const result = await ensureCertificates(store, wanted, now, { keys: async () => key });
    assert.equal(result.action, "renewed");
    const saved = api.secrets.get("kaito-system/tls");
    assert.equal(saved?.type, "Opaque");
    assert.equal(saved?.metadata?.labels?.["app.kubernetes.io/instance"], "kaito-gitops");
    assert.equal(saved?.metadata?.annotations?.["argocd.argoproj.io/compare-options"], "IgnoreExtraneous");
    assert.equal(saved?.data?.["note"], Buffer.from("keep me").toString("base64"));
    assert.deepEqual(bundleFromSecretData(saved?.data), result.bundle);
  });

  it("treats a Secret deleted between read and replace as a conflict", async () => {
    const api = new FakeSecretsApi();
    const store = new KubeSecretStore(api, "kaito-system", "tls");
    await store.create(bundle);
    const read = await store.read();
    api.secrets.clear();
    assert.equal(await store.replace(bundle, read?.resourceVersion ?? ""), "conflict");
  });

  it("passes other API errors on with the Secret and the status in the message", async () => {
    const api = new FakeSecretsApi();
    api.failWith = 403;
    const store = new KubeSecretStore(api, "kaito-system", "tls");
    await assert.rejects(store.read(), /reading Secret kaito-system\/tls: HTTP 403/);
    await assert.rejects(store.create(bundle), /creating Secret kaito-system\/tls: HTTP 403/);
  });

  it("drives ensureCertificates end to end: create, then no write", async () => {
    const api = new FakeSecretsApi();
    const store = new KubeSecretStore(api, "kaito-system", "tls");
    const first = await ensureCertificates(store, wanted, now, { keys: async () => key });
    assert.equal(first.action, "created");
    const version = api.secrets.get("kaito-system/tls")?.metadata?.resourceVersion;
    assert.equal((await ensureCertificates(store, wanted, now, { keys: async () => key })).action, "unchanged");
    assert.equal(api.secrets.get("kaito-system/tls")?.metadata?.resourceVersion, version);
  });
});
