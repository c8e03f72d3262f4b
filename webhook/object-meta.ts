// The ObjectMeta fields the expansion reads, checked for type before it runs. The Workspace
// schema leaves metadata free-form (the API server owns it), and the API server only fixes
// metadata up after mutating admission, so a client can put `"name": null` in front of us;
// the shared checks assume strings there (see the report of issue 3), and a crash would become
// an internal-error denial instead of a message naming the field.
import type { Violation } from "../workspace/index.js";
import type { UntrustedObject } from "./admission-review.js";

const invalid = (path: (string | number)[], message: string): Violation => ({ rule: "metadata.type", path, message, severity: "error" });

const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v);

export function metadataViolations(object: UntrustedObject): Violation[] {
  const metadata = object["metadata"];
  if (metadata === undefined) return [];
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return [invalid(["metadata"], `expected an object, got ${describe(metadata)}`)];
  }
  const meta = metadata as Record<string, unknown>;
  const out: Violation[] = [];
  for (const field of ["name", "generateName", "namespace"]) {
    const value = meta[field];
    if (value !== undefined && typeof value !== "string") out.push(invalid(["metadata", field], `expected a string, got ${describe(value)}`));
  }
  for (const field of ["labels", "annotations"]) {
    const map = meta[field];
    if (map === undefined) continue;
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      out.push(invalid(["metadata", field], `expected a map of strings, got ${describe(map)}`));
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== "string") out.push(invalid(["metadata", field, key], `expected a string, got ${describe(value)}`));
    }
  }
  return out;
}
