// Metadata every child carries: the Workspace's labels (less Argo CD's tracking labels, which
// would make Argo CD adopt or prune children the controller made), kaito.sh/workspace, and an
// owner reference when the Workspace has a UID (so deleting it garbage-collects the children).
import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import type { IOwnerReference } from "@kubernetes-models/apimachinery/apis/meta/v1/OwnerReference";
import { ARGO_TRACKING_LABELS, LABEL_WORKSPACE } from "../api/well-known.js";
import type { Workspace } from "../api/types.js";
import { sortKeysDeep } from "../canonical.js";
import type { Plan } from "../plan.js";

/** A child object as we emit it: plain JSON with a kind and metadata. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: IObjectMeta;
  [field: string]: unknown;
}

/** The pod label selectors match on: one label, so it never changes under a running workload. */
export const selectorLabels = (plan: Plan): Record<string, string> => ({ [LABEL_WORKSPACE]: plan.name });

export function childLabels(ws: Workspace, plan: Plan): Record<string, string> {
  const own = Object.entries(ws.metadata.labels ?? {}).filter(([k]) => !ARGO_TRACKING_LABELS.has(k));
  return sortKeysDeep({ ...Object.fromEntries(own), ...selectorLabels(plan) });
}

export function ownerReferences(ws: Workspace): IOwnerReference[] | undefined {
  const { uid, name } = ws.metadata;
  if (!uid || !name) return undefined;
  return [{ apiVersion: ws.apiVersion, kind: ws.kind, name, uid, controller: true, blockOwnerDeletion: true }];
}

export function namespacedMeta(ws: Workspace, plan: Plan, name: string): IObjectMeta {
  const owners = ownerReferences(ws);
  return {
    name,
    namespace: plan.namespace,
    labels: childLabels(ws, plan),
    ...(owners ? { ownerReferences: owners } : {}),
  };
}
