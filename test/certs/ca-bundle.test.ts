import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1MutatingWebhookConfiguration, V1ValidatingWebhookConfiguration } from "@kubernetes/client-node";
import { KubeWebhookConfigApi, injectCABundle, isInjected } from "../../certs/ca-bundle.js";
import type { WebhookConfigApi, WebhookEntry, WebhookKind } from "../../certs/ca-bundle.js";

const caPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const caBundle = Buffer.from(caPem).toString("base64");
const names = { mutating: "kaito-gitops", validating: "kaito-gitops" };

/** In-memory webhook configurations, counting writes. */
class FakeWebhookConfigs implements WebhookConfigApi {
  readonly configs = new Map<string, { name: string; caBundle?: string }[]>();
  writes = 0;
  conflictsToReport = 0;

  set(kind: WebhookKind, name: string, webhooks: { name: string; caBundle?: string }[]): void {
    this.configs.set(`${kind}/${name}`, webhooks);
  }

  async read(kind: WebhookKind, name: string): Promise<readonly WebhookEntry[] | undefined> {
    const webhooks = this.configs.get(`${kind}/${name}`);
    return webhooks?.map((webhook) => ({ ...webhook }));
  }

  async setCABundle(
    kind: WebhookKind,
    name: string,
    targets: readonly { index: number; webhook: string }[],
    value: string,
  ): Promise<"updated" | "conflict"> {
    if (this.conflictsToReport > 0) {
      this.conflictsToReport -= 1;
      return "conflict";
    }
    const webhooks = this.configs.get(`${kind}/${name}`);
    if (webhooks === undefined) return "conflict";
    for (const { index, webhook } of targets) {
      const entry = webhooks[index];
      if (entry?.name !== webhook) return "conflict";
      entry.caBundle = value;
    }
    this.writes += 1;
    return "updated";
  }
}

describe("injectCABundle", () => {
  it("sets every webhook's caBundle (base64 of the PEM) in both configurations", async () => {
    const api = new FakeWebhookConfigs();
    api.set("mutating", "kaito-gitops", [{ name: "mutate.workspace.kaito.sh" }, { name: "mutate2.kaito.sh", caBundle: "old" }]);
    api.set("validating", "kaito-gitops", [{ name: "validate.workspace.kaito.sh", caBundle: "" }]);
    const result = await injectCABundle(api, names, caPem);
    assert.deepEqual(result, { mutating: "updated", validating: "updated" });
    assert.ok(isInjected(result));
    for (const webhooks of api.configs.values()) {
      for (const webhook of webhooks) assert.equal(webhook.caBundle, caBundle);
    }
  });

  it("writes nothing when the caBundle already matches", async () => {
    const api = new FakeWebhookConfigs();
    api.set("mutating", "kaito-gitops", [{ name: "m", caBundle }]);
    api.set("validating", "kaito-gitops", [{ name: "v", caBundle }]);
    assert.deepEqual(await injectCABundle(api, names, caPem), { mutating: "unchanged", validating: "unchanged" });
    assert.equal(api.writes, 0);
  });

  it("reports a configuration that does not exist yet as missing (not injected)", async () => {
    const api = new FakeWebhookConfigs();
    api.set("mutating", "kaito-gitops", [{ name: "m" }]);
    const result = await injectCABundle(api, names, caPem);
    assert.deepEqual(result, { mutating: "updated", validating: "missing" });
    assert.equal(isInjected(result), false);
  });

  it("only touches the configurations it is given", async () => {
    const api = new FakeWebhookConfigs();
    api.set("mutating", "kaito-gitops", [{ name: "m" }]);
    assert.deepEqual(await injectCABundle(api, { mutating: "kaito-gitops" }, caPem), { mutating: "updated" });
  });

  it("re-reads and retries after a conflicting write", async () => {
    const api = new FakeWebhookConfigs();
    api.set("mutating", "kaito-gitops", [{ name: "m" }]);
    api.conflictsToReport = 2;
    assert.deepEqual(await injectCABundle(api, { mutating: "kaito-gitops" }, caPem), { mutating: "updated" });
    api.set("mutating", "kaito-gitops", [{ name: "m" }]);
    api.conflictsToReport = 5;
    await assert.rejects(injectCABundle(api, { mutating: "kaito-gitops" }, caPem), /kept changing/);
  });
});

type PatchCall = { kind: WebhookKind; name: string; body: unknown };

function admissionApiFake(config: { webhooks?: { name: string; clientConfig: { caBundle?: string } }[] } | undefined, patchStatus?: number) {
  const patches: PatchCall[] = [];
  const fail = (code: number): never => {
    throw Object.assign(new Error(`HTTP-Code: ${code}`), { code });
  };
  const read = async (): Promise<V1MutatingWebhookConfiguration & V1ValidatingWebhookConfiguration> =>
    config === undefined ? fail(404) : (structuredClone(config) as V1MutatingWebhookConfiguration);
  const patch = (kind: WebhookKind) => async (param: { name: string; body: unknown }) => {
    if (patchStatus !== undefined) fail(patchStatus);
    patches.push({ kind, name: param.name, body: param.body });
    return {} as V1MutatingWebhookConfiguration;
  };
  const api = {
    readMutatingWebhookConfiguration: read,
    readValidatingWebhookConfiguration: read,
    patchMutatingWebhookConfiguration: patch("mutating"),
    patchValidatingWebhookConfiguration: patch("validating"),
  };
  return { api, patches };
}

describe("KubeWebhookConfigApi", () => {
  it("reads webhook names and caBundles in order", async () => {
    const { api } = admissionApiFake({ webhooks: [{ name: "a", clientConfig: { caBundle: "x" } }, { name: "b", clientConfig: {} }] });
    const client = new KubeWebhookConfigApi(api);
    assert.deepEqual(await client.read("mutating", "kaito-gitops"), [{ name: "a", caBundle: "x" }, { name: "b" }]);
  });

  it("reads a 404 as a missing configuration", async () => {
    const client = new KubeWebhookConfigApi(admissionApiFake(undefined).api);
    assert.equal(await client.read("validating", "kaito-gitops"), undefined);
  });

  it("patches with JSON Patch ops that test each webhook's name before setting its caBundle", async () => {
    const { api, patches } = admissionApiFake({ webhooks: [] });
    const client = new KubeWebhookConfigApi(api);
    const outcome = await client.setCABundle("validating", "kaito-gitops", [{ index: 1, webhook: "b" }], "Q0E=");
    assert.equal(outcome, "updated");
    assert.deepEqual(patches, [
      {
        kind: "validating",
        name: "kaito-gitops",
        body: [
          { op: "test", path: "/webhooks/1/name", value: "b" },
          { op: "add", path: "/webhooks/1/clientConfig/caBundle", value: "Q0E=" },
        ],
      },
    ]);
  });

  it("turns a failed test op (422) into a conflict and other errors into exceptions", async () => {
    const conflict = new KubeWebhookConfigApi(admissionApiFake({ webhooks: [] }, 422).api);
    assert.equal(await conflict.setCABundle("mutating", "m", [{ index: 0, webhook: "a" }], "x"), "conflict");
    const forbidden = new KubeWebhookConfigApi(admissionApiFake({ webhooks: [] }, 403).api);
    await assert.rejects(forbidden.setCABundle("mutating", "m", [{ index: 0, webhook: "a" }], "x"), /HTTP 403/);
  });
});
