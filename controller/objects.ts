// Objects as they come from the API server: plain JSON, typed only as far as the controller
// reads them, with small readers that never trust a field's shape.
import { isClusterScopedChild } from "./resources.js";

export interface LiveOwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface LiveManagedField {
  manager?: string;
  operation?: string;
  subresource?: string;
}

export interface LiveMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: LiveOwnerReference[];
  managedFields?: LiveManagedField[];
}

export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata?: LiveMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export interface LiveCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function numberAt(value: unknown, key: string): number | undefined {
  const v = record(value)[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  const v = record(value)[key];
  return typeof v === "string" ? v : undefined;
}

/** status.conditions, keeping only entries with a string type and status. */
export function conditionsOf(obj: LiveObject | undefined): LiveCondition[] {
  const list = record(obj?.status)["conditions"];
  if (!Array.isArray(list)) return [];
  const out: LiveCondition[] = [];
  for (const item of list) {
    const type = stringAt(item, "type");
    const status = stringAt(item, "status");
    if (type === undefined || status === undefined) continue;
    out.push({ type, status, reason: stringAt(item, "reason") ?? "", message: stringAt(item, "message") ?? "" });
  }
  return out;
}

export const findCondition = (obj: LiveObject | undefined, type: string): LiveCondition | undefined =>
  conditionsOf(obj).find((c) => c.type === type);

/** "namespace/name" (or "name" for a cluster-scoped object): the key of the work queue and caches. */
export const keyOf = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Identity of a child across kinds: "Kind/namespace/name" (no namespace for cluster-scoped
 *  kinds, so the rendered and the live node claim have the same key). */
export const childKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${isClusterScopedChild(kind) ? "" : (namespace ?? "")}/${name}`;
