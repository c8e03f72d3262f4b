// The kaito.sh API versions each KAITO release served. Our CRD serves both with conversion
// strategy None (the fields are the same), so the API server hands a Workspace to a reader in
// whatever version it asks for; a release that knew only v1alpha1 must still see v1alpha1.
import type { WorkspaceVersion } from "../api/types.js";
import type { KaitoVersion } from "./types.js";

export const SERVED_API_VERSIONS: Readonly<Record<KaitoVersion, readonly WorkspaceVersion[]>> = {
  "v0.12": ["v1alpha1", "v1beta1"],
  "v0.3": ["v1alpha1"],
};

/**
 * The Workspace in a version its release served. Only for objects read back from the API server:
 * at admission (webhook, render) the version a user wrote is checked as written.
 */
export function inServedVersion<T extends { apiVersion: string }>(workspace: T, release: KaitoVersion): T {
  const served = SERVED_API_VERSIONS[release];
  const version = workspace.apiVersion.slice(workspace.apiVersion.indexOf("/") + 1);
  if ((served as readonly string[]).includes(version)) return workspace;
  const newest = served[served.length - 1] ?? version;
  return { ...workspace, apiVersion: `kaito.sh/${newest}` };
}
