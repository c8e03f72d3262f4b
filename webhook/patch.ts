// The mutation the webhook answers with: the RFC 6902 patch from the Workspace as received to the
// Workspace as expanded. Applied to the object Argo CD synced, it gives exactly the object the
// plugin rendered (both come from the same expand), so an app never drifts because of us.
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { expand } from "../workspace/index.js";
import type { Catalog, ExpandOptions, Expansion } from "../workspace/index.js";

export interface Mutation {
  readonly expansion: Expansion;
  readonly patch: readonly Operation[];
}

/** Throws ExpansionError when the Workspace is invalid. */
export function mutationFor(object: unknown, catalog: Catalog, options: ExpandOptions): Mutation {
  const expansion = expand(object, catalog, options);
  const patch = fastJsonPatch.compare(object as object, expansion.workspace as object);
  return { expansion, patch };
}

/** Applies a patch to a copy, as the API server would. */
export function applyPatch<T>(object: T, patch: readonly Operation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(object), [...patch], true, false).newDocument;
}
