// POST /validate through the request listener (supertest): denials list every violation with its field path,
// UPDATE is checked against oldObject for the fields KAITO freezes, and warnings ride along.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import request from "supertest";
import { expand, expandOptions } from "../../workspace/index.js";
import { MAX_WARNING_LENGTH } from "../../webhook/index.js";
import { responseOf, testApp } from "./harness.js";
import { admissionReview, phi3, uidOf } from "./review.js";

const { app } = testApp();

async function validateBody(review: Record<string, unknown>): Promise<ReturnType<typeof responseOf>> {
  const res = await request(app).post("/validate").set("Content-Type", "application/json").send(review);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const response = responseOf(res.body);
  assert.equal(response.uid, uidOf(review));
  assert.equal(response.patch, undefined, "the validator never patches");
  return response;
}

const expanded = (object: Record<string, unknown>): Record<string, unknown> =>
  expand(object, expandOptions()).workspace as unknown as Record<string, unknown>;

describe("POST /validate", () => {
  it("allows a valid expanded Workspace with no warnings", async () => {
    const response = await validateBody(admissionReview({ object: expanded(phi3()) }));
    assert.equal(response.allowed, true);
    assert.equal(response.status, undefined);
    assert.equal(response.warnings, undefined);
  });

  it("allows a valid Workspace that was not expanded (the mutating webhook may be absent)", async () => {
    const response = await validateBody(admissionReview({ object: phi3() }));
    assert.equal(response.allowed, true);
  });

  it("allows, as KAITO's webhook does, an instance type KAITO v0.12 removed, and warns that its controller will not create the workload", async () => {
    const response = await validateBody(admissionReview({ object: expanded(phi3({ instanceType: "Standard_NC6s_v3" })) }));
    assert.equal(response.allowed, true);
    assert.equal(response.warnings?.length, 1, JSON.stringify(response.warnings));
    assert.match(response.warnings?.[0] ?? "", /^resource\.instanceType: KAITO v0\.12 has no GPU facts for Standard_NC6s_v3 on azure.*its controller never creates the inference workload/);
  });

  it("keeps every warning within the length kube-apiserver passes on, without a Warning: prefix", async () => {
    const response = await validateBody(admissionReview({ object: phi3({ instanceType: "Standard_NC6s_v3" }) }));
    assert.ok((response.warnings ?? []).length > 0);
    for (const w of response.warnings ?? []) {
      assert.ok(w.length <= MAX_WARNING_LENGTH, w);
      assert.doesNotMatch(w, /^Warning/);
    }
  });

  it("denies what KAITO v0.12's webhook denies with status 422, listing every violation", async () => {
    const object = phi3();
    (object["inference"] as Record<string, unknown>)["adapters"] = [
      { source: { name: "a", image: "registry.example.com/a:1" }, strength: "0.5" },
      { source: { name: "a", image: "registry.example.com/b:1" } },
    ];
    const response = await validateBody(admissionReview({ object }));
    assert.equal(response.allowed, false);
    const status = response.status;
    assert.ok(status);
    assert.equal(status.status, "Failure");
    assert.equal(status.code, 422);
    assert.equal(status.reason, "Invalid");
    const [header, ...lines] = status.message.split("\n");
    assert.equal(header, 'Workspace "workspace-phi-3-mini" is invalid:');
    // KAITO v0.12 refuses an adapter strength with vLLM, and two adapters of one name.
    assert.ok(lines.some((l) => l.startsWith("inference.adapters[0].strength: ")), status.message);
    assert.ok(lines.length >= 2, status.message);
    assert.ok(status.details?.causes?.some((c) => c.field === "inference.adapters[0].strength"));
    for (const cause of status.details?.causes ?? []) assert.ok(cause.message && cause.reason);
  });

  it("refuses a metadata field of the wrong type with its path instead of failing inside", async () => {
    const object = phi3();
    (object["metadata"] as Record<string, unknown>)["name"] = null;
    (object["metadata"] as Record<string, unknown>)["labels"] = { team: 7 };
    const response = await validateBody(admissionReview({ object, name: "" }));
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 422);
    assert.deepEqual(response.status?.details?.causes?.map((c) => `${c.field}: ${c.message}`), [
      "metadata.name: expected a string, got null",
      "metadata.labels.team: expected a string, got number 7",
    ]);
  });

  it("uses the API server's cause type for a missing required field", async () => {
    const object = phi3();
    delete (object["inference"] as { preset: Record<string, unknown> }).preset["name"];
    const response = await validateBody(admissionReview({ object }));
    assert.equal(response.allowed, false);
    const cause = response.status?.details?.causes?.find((c) => c.field === "inference.preset.name");
    assert.equal(cause?.reason, "FieldValueRequired", JSON.stringify(response.status));
  });

  it("refuses an UPDATE of an immutable field, saying what it was and what it became", async () => {
    const oldObject = expanded(phi3());
    const object = structuredClone(oldObject) as { resource: { instanceType: string } } & Record<string, unknown>;
    object.resource.instanceType = "Standard_NC48ads_A100_v4";
    const response = await validateBody(admissionReview({ operation: "UPDATE", object, oldObject }));
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 422);
    assert.match(
      response.status?.message ?? "",
      /resource\.instanceType: field is immutable: was "Standard_NC24ads_A100_v4", now "Standard_NC48ads_A100_v4"; delete and recreate the Workspace to change it/,
    );
  });

  it("refuses an UPDATE that changes the preset", async () => {
    const oldObject = expanded(phi3());
    const object = structuredClone(oldObject) as { inference: { preset: { name: string } } } & Record<string, unknown>;
    object.inference.preset.name = "phi-3-mini-128k-instruct";
    const response = await validateBody(admissionReview({ operation: "UPDATE", object, oldObject }));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /inference\.preset: field is immutable: was .*phi-3-mini-4k-instruct.*, now .*phi-3-mini-128k-instruct/);
  });

  it("allows an UPDATE that leaves the frozen fields alone (labels, annotations)", async () => {
    const oldObject = expanded(phi3());
    const object = structuredClone(oldObject) as { metadata: Record<string, unknown> } & Record<string, unknown>;
    object.metadata["labels"] = { team: "search" };
    const response = await validateBody(admissionReview({ operation: "UPDATE", object, oldObject }));
    assert.equal(response.allowed, true, JSON.stringify(response.status));
  });

  it("allows DELETE", async () => {
    const response = await validateBody(admissionReview({ operation: "DELETE", object: null, oldObject: expanded(phi3()) }));
    assert.equal(response.allowed, true);
  });

  it("allows DELETE even of an object that is invalid today", async () => {
    const oldObject = phi3();
    (oldObject["inference"] as { preset: { name: string } }).preset.name = "gone";
    const response = await validateBody(admissionReview({ operation: "DELETE", object: null, oldObject }));
    assert.equal(response.allowed, true);
  });

  it("allows the status subresource", async () => {
    const object = expanded(phi3());
    const withStatus = { ...object, status: { conditions: [] } };
    const response = await validateBody(admissionReview({ operation: "UPDATE", object: withStatus, oldObject: object, subResource: "status" }));
    assert.equal(response.allowed, true);
  });

  it("answers dryRun the same as a real request", async () => {
    const object = phi3({ instanceType: "Standard_NC6s_v3" });
    const uid = "0b5a3c1e-1111-4000-8000-000000000002";
    const real = await validateBody(admissionReview({ object, uid }));
    const dry = await validateBody(admissionReview({ object, uid, dryRun: true }));
    assert.deepEqual(dry, real);
  });
});
