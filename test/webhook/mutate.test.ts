// POST /mutate through the request listener (supertest): the patch is the one the shared expansion
// implies, applied it gives exactly the rendered Workspace, and everything that is not ours to
// default passes untouched.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import request from "supertest";
import { expand, expandOptions, parseYamlStream } from "../../workspace/index.js";
import { repoPath } from "../helpers/repo.js";
import { responseOf, testApp } from "./harness.js";
import { admissionReview, asKubectlApplied, phi3, uidOf } from "./review.js";
import { applyPatch, decodeReviewPatch } from "../helpers/patch.js";
import type { PatchOperation } from "../../webhook/json-diff.js";

const { app, lines } = testApp();

async function mutateBody(review: Record<string, unknown>): Promise<ReturnType<typeof responseOf>> {
  const res = await request(app).post("/mutate").set("Content-Type", "application/json").send(review);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  const response = responseOf(res.body);
  assert.equal(response.uid, uidOf(review), "the uid is echoed");
  return response;
}

function decodePatch(patch: string | undefined): PatchOperation[] {
  assert.ok(patch !== undefined, "a patch");
  return decodeReviewPatch(patch);
}

/** What the API server does with the answer: apply the JSON Patch to the object it sent. */
function applied(object: Record<string, unknown>, patch: string | undefined): Record<string, unknown> {
  // Validating: a patch that does not apply cleanly fails the test as it would fail the request.
  return applyPatch(object, decodePatch(patch));
}

const expanded = (object: Record<string, unknown>, namespace = "default"): unknown =>
  expand(object, expandOptions({ namespace })).workspace;

/** Every Workspace of examples/, as the files hold them. */
function exampleWorkspaces(): { file: string; object: Record<string, unknown> }[] {
  const out: { file: string; object: Record<string, unknown> }[] = [];
  const root = repoPath("examples");
  for (const dir of readdirSync(root).sort()) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const file = join(dir, name);
      for (const doc of parseYamlStream(readFileSync(join(root, file), "utf8"), file)) {
        const value = doc.value as Record<string, unknown>;
        if (value["kind"] === "Workspace") out.push({ file, object: value });
      }
    }
  }
  return out;
}

describe("POST /mutate", () => {
  it("answers a minimal v1beta1 Workspace with a JSON Patch that gives the expanded Workspace", async () => {
    const object = phi3();
    const response = await mutateBody(admissionReview({ object }));
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, "JSONPatch");
    assert.equal(response.status, undefined);
    assert.deepEqual(applied(object, response.patch), expanded(object));
    const paths = decodePatch(response.patch).map((op) => `${op.op} ${op.path}`).sort();
    // KAITO's CRD defaults; KAITO itself adds no annotation at admission.
    assert.deepEqual(paths, ["add /inference/preset/accessMode", "add /resource/count"]);
  });

  it("takes the namespace from the request when the object has none", async () => {
    const object = phi3({ namespace: null });
    const response = await mutateBody(admissionReview({ object, namespace: "team-a" }));
    const result = applied(object, response.patch) as { metadata: { namespace?: string } };
    assert.equal(result.metadata.namespace, "team-a");
    assert.deepEqual(result, expanded(object, "team-a"));
  });

  it("handles v1alpha1 (KAITO's first releases), defaulting what v1alpha1 defaults", async () => {
    const object = phi3({ version: "v1alpha1", instanceType: "Standard_NC24ads_A100_v4" });
    delete (object["resource"] as Record<string, unknown>)["instanceType"];
    const response = await mutateBody(admissionReview({ object }));
    const result = applied(object, response.patch) as { resource: { instanceType?: string } };
    assert.equal(result.resource.instanceType, "Standard_NC24ads_A100_v4");
    assert.deepEqual(result, expanded(object));
  });

  it("patches the object as kubectl apply sends it (annotations and managedFields kept)", async () => {
    const object = asKubectlApplied(phi3());
    const response = await mutateBody(admissionReview({ object }));
    const ops = decodePatch(response.patch);
    assert.ok(ops.some((op) => op.op === "add" && op.path === "/resource/count"), JSON.stringify(ops));
    assert.ok(!ops.some((op) => op.path.startsWith("/metadata/annotations")), "the user's annotations untouched");
    assert.ok(!ops.some((op) => op.path.startsWith("/metadata/managedFields")), "managedFields untouched");
    assert.deepEqual(applied(object, response.patch), expanded(object));
  });

  it("keeps creationTimestamp: null and other server-side metadata as sent", async () => {
    const object = phi3();
    (object["metadata"] as Record<string, unknown>)["creationTimestamp"] = null;
    (object["metadata"] as Record<string, unknown>)["labels"] = { team: "a" };
    const response = await mutateBody(admissionReview({ object }));
    assert.ok(!decodePatch(response.patch).some((op) => op.path.includes("creationTimestamp") || op.path.includes("labels")));
    assert.deepEqual(applied(object, response.patch), expanded(object));
  });

  for (const { file, object } of exampleWorkspaces()) {
    const config = (object["inference"] as { config?: string } | undefined)?.config;
    if (config !== undefined) {
      // This harness has no cluster access (laptop mode); cluster-reads.test covers the ConfigMap read.
      it(`${file}: without cluster access, the ConfigMap it names cannot be read, and the denial says so`, async () => {
        const response = await mutateBody(admissionReview({ object }));
        assert.equal(response.allowed, false);
        assert.match(response.status?.message ?? "", new RegExp(`ConfigMap default/${config} \\(inference\\.config\\) could not be read`));
      });
      continue;
    }
    it(`patch of ${file} applied to the object equals expand(object).workspace`, async () => {
      const namespace = ((object["metadata"] as { namespace?: string }).namespace ?? "default");
      const response = await mutateBody(admissionReview({ object, namespace }));
      assert.equal(response.allowed, true, JSON.stringify(response.status));
      const result = applied(object, response.patch);
      assert.deepEqual(result, expanded(object, namespace));
      // Reinvocation (reinvocationPolicy IfNeeded, or an object synced from the plugin's render):
      // no patch at all.
      const again = await mutateBody(admissionReview({ object: result, namespace }));
      assert.equal(again.allowed, true);
      assert.equal(again.patch, undefined);
      assert.equal(again.patchType, undefined);
    });
  }

  it("answers a dryRun request exactly like the real one", async () => {
    const object = asKubectlApplied(phi3());
    const real = admissionReview({ object, uid: "5d1a9a2c-0000-4000-8000-000000000001" });
    const dry = admissionReview({ object, uid: "5d1a9a2c-0000-4000-8000-000000000001", dryRun: true });
    assert.deepEqual(await mutateBody(dry), await mutateBody(real));
  });

  it("patches an UPDATE that dropped a defaulted field back to the expanded form", async () => {
    const oldObject = expanded(phi3()) as Record<string, unknown>;
    const object = structuredClone(oldObject);
    delete (object["inference"] as { preset: Record<string, unknown> }).preset["accessMode"];
    const response = await mutateBody(admissionReview({ operation: "UPDATE", object, oldObject }));
    assert.deepEqual(applied(object, response.patch), oldObject);
  });

  it("refuses a Workspace it cannot default: 422 Invalid, every violation with its field path", async () => {
    const object = phi3();
    (object["inference"] as { preset: { name: string } }).preset.name = "phi-3-mini";
    const response = await mutateBody(admissionReview({ object }));
    assert.equal(response.allowed, false);
    assert.equal(response.patch, undefined);
    const status = response.status;
    assert.ok(status);
    assert.equal(status.code, 422);
    assert.equal(status.reason, "Invalid");
    const [header, ...rest] = status.message.split("\n");
    assert.equal(header, 'Workspace "workspace-phi-3-mini" is invalid:');
    assert.ok(rest.some((l) => l.startsWith('inference.preset.name: unknown preset "phi-3-mini"')), status.message);
    assert.ok(rest.some((l) => l.includes('(did you mean "phi-3-mini-4k-instruct"')), status.message);
    assert.deepEqual(status.details?.causes?.map((c) => c.field), ["inference.preset.name"]);
    assert.equal(status.details?.kind, "Workspace");
    assert.equal(status.details?.group, "kaito.sh");
    assert.equal(status.details?.name, "workspace-phi-3-mini");
    const denial = lines().find((l) => l["uid"] === response.uid);
    assert.equal(denial?.["level"], "info", "a denial is logged at info");
  });

  it("refuses unknown fields with a did-you-mean, as KAITO's webhook does", async () => {
    const object = phi3();
    (object["inference"] as Record<string, unknown>)["presets"] = {};
    const response = await mutateBody(admissionReview({ object }));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /inference\.presets: unknown field/);
  });

  it("names a generateName Workspace by its prefix in the denial", async () => {
    const object = phi3();
    (object["metadata"] as Record<string, unknown>) = { generateName: "phi-", namespace: "default" };
    (object["inference"] as { preset: { name: string } }).preset.name = "nope";
    const response = await mutateBody(admissionReview({ object }));
    assert.match(response.status?.message ?? "", /^Workspace "phi-\*" is invalid:/);
  });

  it("lets DELETE through without a patch (object is null)", async () => {
    const response = await mutateBody(admissionReview({ operation: "DELETE", object: null, oldObject: expanded(phi3()) as Record<string, unknown> }));
    assert.deepEqual(Object.keys(response).sort(), ["allowed", "uid"]);
    assert.equal(response.allowed, true);
  });

  it("lets the status subresource through without a patch", async () => {
    const object = phi3();
    const response = await mutateBody(admissionReview({ operation: "UPDATE", object, oldObject: object, subResource: "status" }));
    assert.equal(response.allowed, true);
    assert.equal(response.patch, undefined);
  });

  it("lets other resources through untouched (a configuration with rules too wide)", async () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "default" }, data: {} };
    const response = await mutateBody(
      admissionReview({ object: configMap, kind: { group: "", version: "v1", kind: "ConfigMap" }, resource: { group: "", version: "v1", resource: "configmaps" } }),
    );
    assert.equal(response.allowed, true);
    assert.equal(response.patch, undefined);
  });

  it("lets a Workspace being deleted (finalizer removal) through even if it is no longer valid", async () => {
    const object = phi3();
    (object["inference"] as { preset: { name: string } }).preset.name = "a-preset-the-catalog-dropped";
    (object["metadata"] as Record<string, unknown>)["deletionTimestamp"] = "2026-11-24T12:00:00Z";
    const response = await mutateBody(admissionReview({ operation: "UPDATE", object, oldObject: object }));
    assert.equal(response.allowed, true);
  });

  it("denies a Workspace version it does not serve with a well-formed AdmissionReview", async () => {
    const object = { ...phi3(), apiVersion: "kaito.sh/v1" };
    const response = await mutateBody(admissionReview({ object }));
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 400);
    assert.match(response.status?.message ?? "", /kaito\.sh\/v1 Workspace is not served by this webhook; it serves kaito\.sh\/v1alpha1, kaito\.sh\/v1beta1/);
  });

  it("trusts request.kind over the object's own apiVersion", async () => {
    const object = phi3({ version: "v1alpha1" });
    const response = await mutateBody(admissionReview({ object, kind: { group: "kaito.sh", version: "v1beta1", kind: "Workspace" } }));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /request\.object is Workspace of kaito\.sh\/v1alpha1, but request\.kind says Workspace of kaito\.sh\/v1beta1/);
  });

  it("denies CREATE without an object, with the uid echoed", async () => {
    const response = await mutateBody(admissionReview({ object: null, kind: { group: "kaito.sh", version: "v1beta1", kind: "Workspace" } }));
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 400);
  });

  it("logs each request at debug with uid, operation, object, result and patch size", async () => {
    const review = admissionReview({ object: phi3({ name: "logged" }) });
    await mutateBody(review);
    const line = lines().find((l) => l["uid"] === uidOf(review));
    assert.ok(line);
    assert.equal(line["level"], "debug");
    assert.equal(line["webhook"], "mutate");
    assert.equal(line["operation"], "CREATE");
    assert.equal(line["object"], "default/logged");
    assert.equal(line["result"], "patched");
    assert.equal(line["patchOperations"], 2);
    assert.equal(typeof line["durationMs"], "number");
    assert.equal(JSON.stringify(line).includes("phi-3-mini-4k-instruct"), false, "the object itself is not logged");
  });
});
