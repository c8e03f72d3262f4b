// Every case of KAITO's corpus whose Workspace depends on the cluster (a named ConfigMap or
// Secret, bring-your-own Nodes), with the case's objects in an API server and the Workspace put
// through /validate with cluster access: the webhook reads exactly what makes KAITO's verdict,
// so its verdict is KAITO's, and it says what the offline render says given the same objects.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import request from "supertest";
import { createKubeClient } from "../../controller/kube.js";
import type { KubeClient } from "../../controller/kube.js";
import { ADMISSION_READ_LIMITS } from "../../webhook/index.js";
import type { AdmissionContext } from "../../webhook/index.js";
import { checkWorkspace, errorsOf, expandOptions, formatViolation, KAITO_VERSIONS } from "../../workspace/index.js";
import type { KubeObject } from "../../workspace/index.js";
import { FakeKubeApi } from "../controller/fake-api.js";
import type { StoredObject } from "../controller/fake-api.js";
import { corpusCaseLock } from "../conformance/corpus-lock.js";
import { loadVersion } from "../conformance/corpus.js";
import type { CorpusCase } from "../conformance/corpus.js";
import { corpusRoot } from "../helpers/corpus.js";
import { responseOf, testApp } from "./harness.js";
import { admissionReview } from "./review.js";

const COLLECTION: Record<string, string> = { ConfigMap: "v1/configmaps", Secret: "v1/secrets", Node: "v1/nodes" };

const root = corpusRoot();
const cases: CorpusCase[] = KAITO_VERSIONS.flatMap((v) => loadVersion(root, v)).filter(
  (c) => c.committed.length > 0 || c.cluster.configMaps.length > 0 || c.cluster.secrets.length > 0 || (c.settings.nodeProvisioner === "byo" && c.cluster.nodes.length > 0),
);

let api: FakeKubeApi;
let client: KubeClient;
before(async () => {
  api = await FakeKubeApi.start();
  client = createKubeClient(api.kubeConfig());
});
after(async () => {
  client.close();
  await api.stop();
});

/** The case's objects alone in the API server. */
function load(c: CorpusCase): void {
  for (const collection of Object.values(COLLECTION)) api.clear(collection);
  for (const o of [...c.committed, ...c.cluster.configMaps, ...c.cluster.secrets, ...c.cluster.nodes]) {
    const collection = COLLECTION[o.kind ?? ""];
    if (collection !== undefined) api.put(collection, structuredClone(o) as unknown as StoredObject, { silent: true });
  }
}

describe("corpus cases that read the cluster, through /validate with cluster access", () => {
  it("found such cases (config, tuning config, secrets, bring-your-own nodes)", () => {
    assert.ok(cases.length >= 10, `only ${cases.length}`);
    assert.ok(cases.some((c) => c.settings.nodeProvisioner === "byo"));
    assert.ok(cases.some((c) => c.index.webhook === "rejected"));
  });

  for (const c of cases) {
    it(`${c.version} ${c.name}`, async () => {
      load(c);
      const namespace = ((c.workspace["metadata"] as { namespace?: string }).namespace ?? "default") as string;
      const base = { kaitoVersion: c.version, settings: c.settings, models: corpusCaseLock(c), namespace };
      const context: AdmissionContext = { options: expandOptions(base), cluster: { client, limits: ADMISSION_READ_LIMITS } };
      const { app } = testApp({ context: () => context });
      const object = { ...c.workspace, metadata: { ...(c.workspace["metadata"] as object), namespace } };
      const res = await request(app).post("/validate").set("Content-Type", "application/json").send(admissionReview({ object }));
      const response = responseOf(res.body);

      const given = checkWorkspace(
        object,
        expandOptions({
          ...base,
          cluster: { ...c.cluster, configMaps: [...(c.committed.filter((o) => o.kind === "ConfigMap") as KubeObject[]), ...c.cluster.configMaps] },
          assumeNamedSecrets: false,
        }),
      );
      const offlineErrors = errorsOf(given.violations).map(formatViolation);
      assert.equal(response.allowed, offlineErrors.length === 0, `webhook: ${response.status?.message ?? "allowed"}; offline: ${offlineErrors.join("; ") || "allowed"}`);
      for (const line of offlineErrors) assert.ok(response.status?.message.includes(line.slice(0, 200)), `missing "${line}" in ${response.status?.message}`);
      // KAITO's own verdict, read as the conformance run reads it: v0.12's webhook panics are bugs
      // we do not copy (docs/conformance.md); v0.3's deliberate panics are refusals.
      const kaitoAdmits = c.index.webhook === "accepted" || (c.index.webhookRejectKind === "webhook-panic" && c.version !== "v0.3");
      assert.equal(response.allowed, kaitoAdmits, `KAITO ${c.index.webhook}: ${c.rejected ?? ""}`);
    });
  }
});
