// A problem found in a Workspace: where (a field path), what, and whether it blocks.
import { echo, MAX_ECHO_CHARS } from "./limits.js";
import type { FieldPath } from "./source/yaml.js";

export type Severity = "error" | "warning";

export interface Violation {
  readonly path: FieldPath;
  readonly message: string;
  readonly severity: Severity;
  /** A stable identifier of the rule, for tests and for users who grep. */
  readonly rule: string;
}

export const error = (rule: string, path: FieldPath, message: string): Violation => ({
  rule,
  path,
  message,
  severity: "error",
});

export const warning = (rule: string, path: FieldPath, message: string): Violation => ({
  rule,
  path,
  message,
  severity: "warning",
});

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `inference.adapters[0].source.name`, `metadata.annotations["kaito.sh/runtime"]`; a key longer
 * than MAX_ECHO_CHARS is shown clipped, as a user value is.
 */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (part.length <= MAX_ECHO_CHARS && PLAIN_KEY.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${echo(part)}]`;
  }
  return out === "" ? "(the object)" : out;
}

export function formatViolation(v: Violation): string {
  return `${formatPath(v.path)}: ${v.message}`;
}

export const errorsOf = (vs: readonly Violation[]): Violation[] => vs.filter((v) => v.severity === "error");
export const warningsOf = (vs: readonly Violation[]): Violation[] => vs.filter((v) => v.severity === "warning");
