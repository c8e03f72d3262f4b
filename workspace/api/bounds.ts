// The size limits of the schema (maxItems, maxLength, maxProperties, and how many unknown fields
// an object may carry before it is not worth listing them), checked before the full validator
// and without descending into anything already too big. ajv with allErrors reports every wrong
// item of a list, so a list of a million wrong items would otherwise cost a million reports.
import { echo } from "../limits.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import type { JsonSchema } from "./schema.js";

/** Unknown fields of one object listed one by one; more than this is one problem. */
export const MAX_UNKNOWN_FIELDS = 8;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Problems of size only; stops after `limit` of them. Types are left to the validator. */
export function boundsViolations(schema: JsonSchema, value: unknown, limit: number): Violation[] {
  const out: Violation[] = [];
  // One path, pushed and popped on the way (this runs on every admitted Workspace); copied only
  // into a problem.
  walk(schema, value, [], out, limit);
  return out;
}

function unknownCount(value: Record<string, unknown>, known: Readonly<Record<string, unknown>>): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key) && !Object.hasOwn(known, key)) count += 1;
  return count;
}

function walk(schema: JsonSchema, value: unknown, path: (string | number)[], out: Violation[], limit: number): void {
  if (out.length >= limit) return;
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      out.push(error("schema.maxLength", [...path], `must be at most ${schema.maxLength} characters (has ${value.length})`));
    }
    return;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push(error("schema.maxItems", [...path], `must have at most ${schema.maxItems} items (has ${value.length}); its items were not checked`));
      return;
    }
    const items = schema.items;
    if (items === undefined) return;
    for (let i = 0; i < value.length && out.length < limit; i += 1) {
      path.push(i);
      walk(items, value[i], path, out, limit);
      path.pop();
    }
    return;
  }
  if (!isMap(value)) return;
  const declared = schema.properties;
  const additional = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
  // Nothing below to check: a free-form part (template, volumeSource) is not walked at all.
  if (declared === undefined && additional === undefined && schema.maxProperties === undefined && schema.additionalProperties !== false) return;
  if (schema.maxProperties !== undefined) {
    const count = Object.keys(value).length;
    if (count > schema.maxProperties) {
      out.push(error("schema.maxProperties", [...path], `must have at most ${schema.maxProperties} entries (has ${count}); they were not checked`));
      return;
    }
  }
  const known = declared ?? {};
  if (schema.additionalProperties === false && unknownCount(value, known) > MAX_UNKNOWN_FIELDS) {
    const unknown = Object.keys(value).filter((k) => !Object.hasOwn(known, k));
    const named = unknown.slice(0, 3).map((k) => echo(k, 40)).join(", ");
    out.push(error("schema.unknownFields", [...path], `has ${unknown.length} unknown fields (${named}, …); known fields are ${Object.keys(known).join(", ")}`));
    return;
  }
  // for-in rather than Object.keys: no array per object on a walk that runs on every admission.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (out.length >= limit) return;
    const sub = Object.hasOwn(known, key) ? known[key] : additional;
    if (sub === undefined) continue;
    path.push(key);
    walk(sub, value[key], path, out, limit);
    path.pop();
  }
}
