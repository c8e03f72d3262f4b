// Shape checking with the ajv validators generated at build time from schema.ts, turned into
// Violations with field paths and messages a person can act on.
import type { ErrorObject, ValidateFunction } from "ajv";
import { didYouMean } from "../catalog/nearest.js";
import type { FieldPath } from "../source/yaml.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import { workspaceV1alpha1, workspaceV1beta1, catalogFile, modelLockFile } from "./validators.generated.js";
import type { WorkspaceVersion } from "./types.js";

const workspaceValidators: Record<WorkspaceVersion, ValidateFunction> = {
  v1alpha1: workspaceV1alpha1,
  v1beta1: workspaceV1beta1,
};

export function workspaceSchemaViolations(obj: unknown, version: WorkspaceVersion): Violation[] {
  return runValidator(workspaceValidators[version], obj);
}

export function catalogSchemaViolations(obj: unknown): Violation[] {
  return runValidator(catalogFile, obj);
}

export function modelLockSchemaViolations(obj: unknown): Violation[] {
  return runValidator(modelLockFile, obj);
}

function runValidator(validate: ValidateFunction, obj: unknown): Violation[] {
  if (validate(obj)) return [];
  return dedupe((validate.errors ?? []).map(toViolation));
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
  if (typeof data === "string") return `the string ${JSON.stringify(data.length > 40 ? `${data.slice(0, 40)}…` : data)}`;
  return `${typeof data} ${String(data)}`;
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const key = `${v.path.join("\u0000")}|${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
