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

function ordered(value: unknown, schema: JsonSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, schema?.items));
  if (value === null || typeof value !== "object") return value;
  const properties = schema?.properties;
  if (!properties) return sortKeysDeep(value);
  const record = value as Record<string, unknown>;
  const declared = Object.keys(properties).filter((k) => k in record);
  const rest = Object.keys(record).filter((k) => !(k in properties)).sort();
  return Object.fromEntries([...declared, ...rest].map((k) => [k, ordered(record[k], properties[k] ?? schema.additionalProperties as JsonSchema | undefined)]));
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
    metaKeys.map((k) => [k, k === "managedFields" ? structuredClone(meta[k]) : sortKeysDeep(meta[k])]),
  );
  return {
    apiVersion: body.apiVersion,
    kind: body.kind,
    metadata: canonicalMeta,
    ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== "apiVersion" && k !== "kind")),
  } as Workspace;
}
