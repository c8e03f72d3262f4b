// One key order for every object we print, whatever order the input had: declared fields in
// schema order, free-form maps sorted. Same input, same bytes out.
import { workspaceSchema } from "./api/schema.js";
import type { JsonSchema } from "./api/schema.js";
import type { Workspace, WorkspaceVersion } from "./api/types.js";

const METADATA_ORDER = [
  "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
];

/** Objects with keys sorted at every depth; arrays keep their order (it means something). */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)])) as T;
  }
  return value;
}

/**
 * A deep copy of a JSON value (what JSON.parse or the YAML reader gives), keys in their order.
 * structuredClone does the same through V8's serializer at several times the cost, and this runs
 * on every Workspace the webhook admits (managedFields).
 */
function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = copyJson((value as Record<string, unknown>)[k]);
    // defineProperty for "__proto__", so it stays a plain field; plain assignment is far cheaper for the rest.
    if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

function ordered(value: unknown, schema: JsonSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, schema?.items));
  if (value === null || typeof value !== "object") return value;
  const properties = schema?.properties;
  if (!properties) return sortKeysDeep(value);
  const record = value as Record<string, unknown>;
  // Plain loops: this runs on every Workspace the webhook admits.
  const out: Record<string, unknown> = {};
  for (const k in properties) {
    if (Object.hasOwn(record, k)) out[k] = ordered(record[k], properties[k]);
  }
  const rest = Object.keys(record).filter((k) => !Object.hasOwn(properties, k));
  if (rest.length > 0) {
    const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
    // defineProperty: a key such as "__proto__" stays a plain field.
    for (const k of rest.sort()) Object.defineProperty(out, k, { value: ordered(record[k], additional), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const schemas = new Map<WorkspaceVersion, JsonSchema>();

export function canonicalWorkspace(ws: Workspace, version: WorkspaceVersion): Workspace {
  let schema = schemas.get(version);
  if (!schema) {
    schema = workspaceSchema(version);
    schemas.set(version, schema);
  }
  const { metadata, ...rest } = ws;
  const body = ordered(rest, schema) as Omit<Workspace, "metadata">;
  const meta = metadata as Record<string, unknown>;
  const metaKeys = [...METADATA_ORDER.filter((k) => k in meta), ...Object.keys(meta).filter((k) => !METADATA_ORDER.includes(k)).sort()];
  const canonicalMeta = Object.fromEntries(
    // managedFields is the API server's record, kept as it is (copied, never shared with the input).
    metaKeys.map((k) => [k, k === "managedFields" ? copyJson(meta[k]) : sortKeysDeep(meta[k])]),
  );
  return {
    apiVersion: body.apiVersion,
    kind: body.kind,
    metadata: canonicalMeta,
    ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== "apiVersion" && k !== "kind")),
  } as Workspace;
}
