// Shape checking with the ajv validators generated at build time from schema.ts, turned into
// Violations with field paths and messages a person can act on.
import type { ErrorObject, ValidateFunction } from "ajv";
import { didYouMean } from "../text/nearest.js";
import type { FieldPath } from "../source/yaml.js";
import { capViolations, echo, MAX_VIOLATIONS } from "../limits.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import { modelLockSchema } from "../models/lock-schema.js";
import { boundsViolations } from "./bounds.js";
import { strictSchema, validatorSchema } from "./schema.js";
import type { JsonSchema } from "./schema.js";
import { workspaceV1alpha1, workspaceV1beta1, modelLockFile } from "./validators.generated.js";
import type { WorkspaceVersion } from "./types.js";

interface Checker {
  readonly validate: ValidateFunction;
  /** the schema the validator was generated from, for the size limits checked first */
  readonly schema: JsonSchema;
}

const workspaceCheckers: Record<WorkspaceVersion, Checker> = {
  v1alpha1: { validate: workspaceV1alpha1, schema: validatorSchema("v1alpha1") },
  v1beta1: { validate: workspaceV1beta1, schema: validatorSchema("v1beta1") },
};
const modelLockChecker: Checker = { validate: modelLockFile, schema: strictSchema(modelLockSchema) };

export function workspaceSchemaViolations(obj: unknown, version: WorkspaceVersion): Violation[] {
  return runValidator(workspaceCheckers[version], obj);
}

export function modelLockSchemaViolations(obj: unknown): Violation[] {
  return runValidator(modelLockChecker, obj);
}

/**
 * Sizes first (an over-long list is refused without looking at its items), then the full
 * validator; either way at most MAX_VIOLATIONS problems and a count of the rest.
 */
function runValidator({ validate, schema }: Checker, obj: unknown): Violation[] {
  const tooBig = boundsViolations(schema, obj, MAX_VIOLATIONS + 1);
  if (tooBig.length > 0) return capViolations(tooBig);
  if (validate(obj)) return [];
  const errors = validate.errors ?? [];
  const seen = new Set<string>();
  const out: Violation[] = [];
  let used = 0;
  while (used < errors.length && out.length <= MAX_VIOLATIONS) {
    const v = toViolation(errors[used] as ErrorObject);
    used += 1;
    const key = `${v.path.join("\u0000")}|${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return capViolations(out, errors.length - used);
}

function toViolation(e: ErrorObject): Violation {
  const path = pointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return error("schema.required", [...path, String(params.missingProperty)], "required field is missing");
    case "additionalProperties": {
      const field = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return error("schema.unknownField", [...path, field], `unknown field${didYouMean(field, known)}`);
    }
    case "type":
      return error("schema.type", path, `expected ${article(String(params.type))}, got ${describe(e.data)}`);
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String).join(", ");
      return error("schema.enum", path, `must be one of ${allowed}; got ${describe(e.data)}`);
    }
    default:
      return error(`schema.${e.keyword}`, path, e.message ?? "invalid");
  }
}

function pointerToPath(pointer: string): FieldPath {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : p));
}

function article(type: string): string {
  const t = type.split(",")[0] ?? type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describe(data: unknown): string {
  if (data === null) return "null";
  if (Array.isArray(data)) return "a list";
  if (typeof data === "object") return "a map";
  if (typeof data === "string") return `the string ${echo(data, 40)}`;
  return `${typeof data} ${String(data)}`;
}
