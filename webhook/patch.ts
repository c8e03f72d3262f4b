// The mutation the webhook answers with: the RFC 6902 patch from the Workspace as received to the
// Workspace as expanded. Applied to the object Argo CD synced, it gives exactly the object the
// plugin rendered (both come from the same expansion), so an app never drifts because of us.
import { admitWorkspace, ExpansionError } from "../workspace/index.js";
import { jsonPatch } from "./json-diff.js";
import type { PatchOperation } from "./json-diff.js";
import type { ExpandOptions, Workspace } from "../workspace/index.js";

export interface Mutation {
  /** The Workspace as admitted: equal in value to what expand() returns (keys in no set order). */
  readonly workspace: Workspace;
  readonly patch: readonly PatchOperation[];
}

/**
 * Throws ExpansionError when the Workspace is invalid. The webhook patches only the Workspace;
 * the children are the controller's (or the Argo CD plugin's) to create, so none is built here.
 */
export function mutationFor(object: unknown, options: ExpandOptions): Mutation {
  const { violations, workspace } = admitWorkspace(object, options);
  if (!workspace) throw new ExpansionError(violations);
  const patch = jsonPatch(object, workspace);
  return { workspace, patch };
}
