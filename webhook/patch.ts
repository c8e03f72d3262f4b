// The mutation the webhook answers with: the RFC 6902 patch from the Workspace as received to the
// Workspace as expanded. Applied to the object Argo CD synced, it gives exactly the object the
// plugin rendered (both come from the same expansion), so an app never drifts because of us.
import fastJsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { checkWorkspace, ExpansionError, warningsOf } from "../workspace/index.js";
import type { ExpandOptions, Violation, Workspace } from "../workspace/index.js";

export interface Mutation {
  /** The Workspace exactly as expand() returns it. */
  readonly workspace: Workspace;
  readonly warnings: readonly Violation[];
  readonly patch: readonly Operation[];
}

/**
 * Throws ExpansionError when the Workspace is invalid. The webhook patches only the Workspace;
 * the children are the controller's (or the Argo CD plugin's) to create.
 */
export function mutationFor(object: unknown, options: ExpandOptions): Mutation {
  const { violations, checked } = checkWorkspace(object, options);
  if (!checked) throw new ExpansionError(violations);
  const patch = fastJsonPatch.compare(object as object, checked.workspace as object);
  return { workspace: checked.workspace, warnings: warningsOf(violations), patch };
}

/** Applies a patch to a copy, as the API server would. */
export function applyPatch<T>(object: T, patch: readonly Operation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(object), [...patch], true, false).newDocument;
}
