// The words of a denial. kube-apiserver prefixes status.message with `admission webhook "<name>"
// denied the request: `; kubectl, for a 422 Invalid with causes, prints the causes one per line
// as it does for the API server's own validation ("The Workspace "x" is invalid: * field: msg").
// So both carry the field paths, and the message is readable on its own: a header, then one line
// per violation "field.path: message".
import { GROUP, KIND, MAX_LINE_CHARS, MAX_VIOLATIONS, capViolations, clip, errorsOf, formatPath, formatViolation, warningsOf } from "../workspace/index.js";
import type { Violation } from "../workspace/index.js";
import type { Status, StatusCause, UntrustedObject } from "./admission-review.js";

/** A message made of our words and a few echoed values: bounded all the same. */
export const MAX_MESSAGE_CHARS = 4096;

export function badRequest(message: string): Status {
  return { status: "Failure", reason: "BadRequest", code: 400, message: clip(message, MAX_MESSAGE_CHARS) };
}

export function internalError(message: string): Status {
  return { status: "Failure", reason: "InternalError", code: 500, message: clip(message, MAX_MESSAGE_CHARS) };
}

/**
 * A Workspace that fails validation: 422 Invalid, each error with its field path; at most
 * MAX_VIOLATIONS of them and a count of the rest, each line clipped, so the answer (and the log
 * line that repeats it) stays a few KiB whatever the Workspace holds.
 */
export function invalidWorkspace(object: UntrustedObject | undefined, violations: readonly Violation[]): Status {
  // One more than the cap: the checks' own cap adds a line counting the rest.
  const errors = capViolations(errorsOf(violations), 0, MAX_VIOLATIONS + 1);
  const name = nameOf(object);
  const header = `${KIND} ${name === undefined ? "" : `"${name}" `}is invalid:`;
  return {
    status: "Failure",
    reason: "Invalid",
    code: 422,
    message: [header, ...errors.map((v) => clip(formatViolation(v), MAX_LINE_CHARS))].join("\n"),
    details: {
      ...(name !== undefined && { name }),
      group: GROUP,
      kind: KIND,
      causes: errors.map(causeOf),
    },
  };
}

/** The cause types kube-apiserver's own field errors use, so clients can tell them apart. */
function causeOf(v: Violation): StatusCause {
  const reason =
    v.rule === "schema.required" ? "FieldValueRequired" : v.rule === "schema.enum" ? "FieldValueNotSupported" : "FieldValueInvalid";
  return { reason, field: clip(formatPath(v.path), MAX_LINE_CHARS), message: clip(v.message, MAX_LINE_CHARS) };
}

function nameOf(object: UntrustedObject | undefined): string | undefined {
  const metadata = object?.["metadata"];
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { name, generateName } = metadata as { name?: unknown; generateName?: unknown };
  if (typeof name === "string" && name !== "") return clip(name);
  return typeof generateName === "string" && generateName !== "" ? `${clip(generateName)}*` : undefined;
}

/** kube-apiserver truncates a longer warning itself; cutting here keeps what users see predictable. */
export const MAX_WARNING_LENGTH = 256;
/** It drops warnings once all of a request's add up to 4 KiB; ours stay well below that. */
const MAX_WARNINGS = 12;

/** response.warnings: each warning "field.path: message", without a "Warning:" prefix (kubectl adds one). */
export function warningsFor(violations: readonly Violation[]): string[] {
  return warningsOf(violations)
    .slice(0, MAX_WARNINGS)
    .map((v) => {
      const text = formatViolation(v);
      return text.length <= MAX_WARNING_LENGTH ? text : `${text.slice(0, MAX_WARNING_LENGTH - 3)}...`;
    });
}
