// Applying /mutate's patch as the API server would, with fast-json-patch's validating applier: an
// implementation other than the one that built the patch.
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { PatchOperation } from "../../webhook/json-diff.js";

/** Applies a patch to a copy; throws where an operation does not apply cleanly. */
export function applyPatch<T>(object: T, patch: readonly PatchOperation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(object), patch as Operation[], true, false).newDocument;
}

/** The operations of an AdmissionReview answer's base64 `patch`. */
export function decodeReviewPatch(base64: string): PatchOperation[] {
  const ops: unknown = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
  if (!Array.isArray(ops)) throw new Error(`the patch is not a JSON array: ${JSON.stringify(ops).slice(0, 200)}`);
  return ops as PatchOperation[];
}

/** What the API server does with an answer: apply its base64 JSON Patch to the object it sent. */
export const applyReviewPatch = <T>(object: T, base64: string): T => applyPatch(object, decodeReviewPatch(base64));
