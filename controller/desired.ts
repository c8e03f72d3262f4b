// What the cluster should hold for a Workspace: the shared `expand` applied to the live object.
// The live Workspace has a UID, so every namespaced child comes out with a controller owner
// reference and is garbage-collected with it. Pure: no clock, no I/O.
import { createHash } from "node:crypto";
import { ANNOTATION_RENDERED_BY, ARGO_TRACKING_LABELS, expand, ExpansionError } from "../workspace/index.js";
import type { ExpandOptions, Expansion, KubeObject, Workspace } from "../workspace/index.js";
import { inServedVersion } from "../workspace/kaito/api-versions.js";
import { kaitoVersionOf } from "../workspace/kaito/select.js";
import { ANNOTATION_KAITO_VERSION } from "../workspace/kaito/types.js";
import { childKey } from "./objects.js";
import { isClusterScopedChild } from "./resources.js";
import type { LiveObject } from "./objects.js";

export type Desired = { readonly ok: true; readonly expansion: Expansion } | { readonly ok: false; readonly error: string };

export function desiredState(live: Workspace, options: ExpandOptions): Desired {
  // Bookkeeping the apiserver adds says nothing about the children; leaving it out keeps a
  // status someone else wrote from failing validation and saves validating managedFields.
  const metadata = { ...live.metadata };
  delete metadata.managedFields;
  // The controller reads Workspaces in the storage version; a KAITO v0.3 Workspace was admitted
  // as v1alpha1 (the only version v0.3 knew) and is checked as such.
  const release = kaitoVersionOf(live, options.kaitoVersion);
  // A controller watches one release's kinds (a cluster runs one KAITO); render and the plugin
  // are where a Workspace's pin to another release is for.
  if (typeof release === "string" && release !== options.kaitoVersion) {
    return { ok: false, error: `the Workspace pins KAITO ${release} (annotation ${ANNOTATION_KAITO_VERSION}); this controller serves KAITO ${options.kaitoVersion}: run it with --kaito-version ${release}, or remove the annotation` };
  }
  const input: Workspace = inServedVersion({ ...live, metadata }, typeof release === "string" ? release : options.kaitoVersion);
  delete input.status;
  try {
    const expansion = expand(input, options);
    // KAITO's controller would create part of the children (a GPU node, say) and then stop for
    // good; applying none and saying why costs nothing and wastes no GPU.
    if (expansion.plan.reconcileError !== undefined) {
      const advice = expansion.warnings.map((w) => w.message).join("; ");
      return { ok: false, error: `KAITO ${expansion.plan.kaitoVersion}'s controller would stop with: ${expansion.plan.reconcileError}${advice ? ` (${advice})` : ""}` };
    }
    return { ok: true, expansion: { ...expansion, children: expansion.children.map(asStored) } };
  } catch (err) {
    if (err instanceof ExpansionError) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * KAITO sends its node claims with the Workspace's namespace; the API server drops it, since they
 * are cluster-scoped. Apply, keys and hashes use the object as it is stored.
 */
function asStored(child: KubeObject): KubeObject {
  if (!isClusterScopedChild(child.kind) || child.metadata.namespace === undefined) return child;
  const metadata = { ...child.metadata };
  delete metadata.namespace;
  return { ...child, metadata };
}

export const keyOfChild = (child: KubeObject): string => childKey(child.kind, child.metadata.namespace, child.metadata.name ?? "");

/** Identifies exactly what was applied: a changed Workspace gives a changed hash. */
export const hashOfChild = (child: KubeObject): string => createHash("sha256").update(JSON.stringify(child)).digest("base64url");

/** The annotation value the Argo CD plugin sets on Workspaces it renders. */
export const RENDERED_BY_PLUGIN = "plugin";

/** Argo CD's tracking annotation (tracking method "annotation" or "annotation+label"). */
export const ARGO_TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";

/**
 * A Workspace whose children someone else renders and syncs (the Argo CD plugin): applying
 * ours as well would make two managers fight over every field, so the controller only reports
 * status. Known by the plugin's annotation on the Workspace, or by Argo CD's tracking label or
 * annotation on any child that already exists.
 */
export function isStatusOnly(workspace: Workspace, existingChildren: Iterable<LiveObject>): { statusOnly: boolean; why?: string } {
  if (workspace.metadata.annotations?.[ANNOTATION_RENDERED_BY] === RENDERED_BY_PLUGIN) {
    return { statusOnly: true, why: `annotation ${ANNOTATION_RENDERED_BY}: ${RENDERED_BY_PLUGIN}` };
  }
  for (const child of existingChildren) {
    const labels = child.metadata?.labels ?? {};
    const tracked = [...ARGO_TRACKING_LABELS].find((l) => labels[l] !== undefined);
    if (tracked) return { statusOnly: true, why: `${child.kind ?? "child"} ${child.metadata?.name ?? ""} carries Argo CD's label ${tracked}` };
    if (child.metadata?.annotations?.[ARGO_TRACKING_ANNOTATION] !== undefined) {
      return { statusOnly: true, why: `${child.kind ?? "child"} ${child.metadata?.name ?? ""} carries Argo CD's annotation ${ARGO_TRACKING_ANNOTATION}` };
    }
  }
  return { statusOnly: false };
}
