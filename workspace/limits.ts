// Bounds on what a check may produce, whatever it is given: a Workspace built to fail in every
// one of its items must not cost more than a few lines of report. Every road (webhook, plugin,
// CLI) shows at most MAX_VIOLATIONS problems per Workspace and echoes user values clipped.
import type { Violation } from "./violation.js";

/** Problems reported per Workspace; the rest are counted in a last line. */
export const MAX_VIOLATIONS = 20;
/** Characters of a user-supplied value (a name, a key) quoted back in a message. */
export const MAX_ECHO_CHARS = 128;
/** Characters of one formatted problem ("field.path: message"). */
export const MAX_LINE_CHARS = 512;

/** `text`, or its first `max` characters and how many were left out. */
export function clip(text: string, max: number = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

/** A user value as JSON, clipped first: `"abc…(999 more characters)"`. */
export function echo(value: string, max: number = MAX_ECHO_CHARS): string {
  return JSON.stringify(clip(value, max));
}

/**
 * At most `max` violations, in the order given, then one more saying how many were left out
 * (`omitted` counts those never collected). The summary is an error when any problem is.
 */
export function capViolations(vs: readonly Violation[], omitted = 0, max: number = MAX_VIOLATIONS): Violation[] {
  if (vs.length <= max && omitted === 0) return [...vs];
  const left = Math.max(vs.length - max, 0) + omitted;
  const severity = vs.some((v) => v.severity === "error") ? "error" : "warning";
  return [...vs.slice(0, max), { rule: "limits.more", path: [], severity, message: `and ${left} more problem(s) not shown; fix these first` }];
}
