// The API resources the controller touches, as a static table: the kinds `expand` can emit are
// known in advance, so the controller needs no discovery requests, and the same table feeds
// the informers, the REST paths and the RBAC list (rbac.ts).
import type { KaitoVersion } from "../workspace/index.js";

export interface ResourceType {
  /** "" for the core group */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** the lower-case plural of the REST path, which is also RBAC's resource name */
  readonly plural: string;
  readonly namespaced: boolean;
}

/** The version the controller reads and writes Workspaces in: the CRD's storage version, a superset of v1alpha1. */
export const WORKSPACE: ResourceType = { group: "kaito.sh", version: "v1beta1", kind: "Workspace", plural: "workspaces", namespaced: true };
export const WORKSPACE_API_VERSION = `${WORKSPACE.group}/${WORKSPACE.version}`;

export const LEASE: ResourceType = { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true };

/**
 * Watched, never written: the inference pods (label kaito.sh/workspace) tell a model that cannot
 * start (image pull, crash loop, OOM, unschedulable) from one still loading, which the
 * workload's replica counts cannot.
 */
export const POD: ResourceType = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };

/** Read, never written: KAITO's controller reads the Secret a Workspace's modelAccessSecret names. */
export const SECRET: ResourceType = { group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true };

/** Read, never written: with bring-your-own nodes, the GPU Nodes KAITO would schedule on. */
export const NODE: ResourceType = { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false };

/** Every kind `expand` can emit, by kind. */
export const CHILD_TYPES = {
  Machine: { group: "karpenter.sh", version: "v1alpha5", kind: "Machine", plural: "machines", namespaced: false },
  NodeClaim: { group: "karpenter.sh", version: "v1", kind: "NodeClaim", plural: "nodeclaims", namespaced: false },
  ConfigMap: { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  Service: { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true },
  Deployment: { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  StatefulSet: { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  Job: { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true },
} as const satisfies Record<string, ResourceType>;

export type ChildKind = keyof typeof CHILD_TYPES;

export function isChildKind(kind: string): kind is ChildKind {
  return Object.prototype.hasOwnProperty.call(CHILD_TYPES, kind);
}

export function childType(kind: string): ResourceType | undefined {
  return isChildKind(kind) ? CHILD_TYPES[kind] : undefined;
}

/**
 * The node claims (Machine, NodeClaim): the only cluster-scoped children. KAITO renders them with
 * the Workspace's namespace, the API server drops it, and they find their Workspace by labels,
 * not by an owner reference.
 */
export const isClusterScopedChild = (kind: string): boolean => childType(kind)?.namespaced === false;

/** The kinds each KAITO release's controller creates (its node claim kind and workload kinds differ). */
const CHILD_KINDS_BY_KAITO_VERSION: Readonly<Record<KaitoVersion, readonly ChildKind[]>> = {
  "v0.12": ["NodeClaim", "ConfigMap", "Service", "StatefulSet", "Job"],
  "v0.3": ["Machine", "ConfigMap", "Service", "Deployment", "StatefulSet", "Job"],
};

/**
 * The child kinds to watch when rendering for this KAITO release: only the node-claim kind that
 * release creates, so a cluster without Karpenter's other API is never asked for it.
 */
export function watchedChildTypes(kaitoVersion: KaitoVersion): ResourceType[] {
  return CHILD_KINDS_BY_KAITO_VERSION[kaitoVersion].map((kind) => CHILD_TYPES[kind]);
}

export const apiVersionOf = (type: ResourceType): string => (type.group === "" ? type.version : `${type.group}/${type.version}`);

/** /api/v1/namespaces/NS/configmaps, /apis/apps/v1/deployments (all namespaces), ... */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group === "" ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const ns = type.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${root}${ns}/${type.plural}`;
}

export function objectPath(type: ResourceType, name: string, namespace?: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}
