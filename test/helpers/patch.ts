// Applying /mutate's patch as the API server would, with fast-json-patch's validating applier: an
// implementation other than the one that built the patch.
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import type { PatchOperation } from "../../webhook/json-diff.js";

/** Applies a patch to a copy; throws where an operation does not apply cleanly. */
export function applyPatch<T>(object: T, patch: readonly PatchOperation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(object), patch as Operation[], true, false).newDocument;
}
