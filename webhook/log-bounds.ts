// Bounds on what one log line may hold. Denials are logged with their reason, and a reason
// quotes what a request sent; a request built to be logged (a 3 MiB name, a million wrong items)
// must not turn into a 60 MB line written synchronously on the event loop. Fields are clipped
// first (readable lines), and a line still over MAX_LOG_LINE_BYTES is replaced by a short one
// saying so (a hard bound, whatever a caller logs).
import type { DestinationStream } from "pino";

export const MAX_LOG_LINE_BYTES = 8 * 1024;
/** the message and a denial's reason: the parts worth reading */
export const MAX_LOG_TEXT_CHARS = 3 * 1024;
/** any other string */
export const MAX_LOG_FIELD_CHARS = 512;
const MAX_LOG_ITEMS = 20;
const MAX_LOG_DEPTH = 4;
const LONG_FIELDS = new Set(["reason", "msg"]);

export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more characters)`;
}

/** A copy of a log record's fields with every string, list and map bounded. Errors pass (pino's serializer takes them). */
export function boundFields(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = bound(v, LONG_FIELDS.has(key) ? MAX_LOG_TEXT_CHARS : MAX_LOG_FIELD_CHARS, 0);
  return out;
}

function bound(value: unknown, maxChars: number, depth: number): unknown {
  if (typeof value === "string") return clipText(value, maxChars);
  if (typeof value !== "object" || value === null || value instanceof Error) return value;
  if (depth >= MAX_LOG_DEPTH) return "(nested too deep to log)";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOG_ITEMS).map((v) => bound(v, MAX_LOG_FIELD_CHARS, depth + 1));
    if (value.length > MAX_LOG_ITEMS) items.push(`…(${value.length - MAX_LOG_ITEMS} more)`);
    return items;
  }
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, MAX_LOG_ITEMS)) out[clipText(k, 64)] = bound(v, MAX_LOG_FIELD_CHARS, depth + 1);
  if (entries.length > MAX_LOG_ITEMS) out["…"] = `${entries.length - MAX_LOG_ITEMS} more fields`;
  return out;
}

/** The message of a log call, clipped, whichever argument holds it. */
export function boundArgs(args: unknown[]): unknown[] {
  return args.map((a) => (typeof a === "string" ? clipText(a, MAX_LOG_TEXT_CHARS) : a));
}

/** Passes lines through; one over the bound is replaced by its level, time, name, message and size. */
export function boundedDestination(destination: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      destination.write(line.length <= MAX_LOG_LINE_BYTES ? line : shrink(line));
    },
  };
}

function shrink(line: string): string {
  let head: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const { level, time, name, msg } = parsed;
    head = { level, time, name, msg: typeof msg === "string" ? clipText(msg, 1024) : msg };
  } catch {
    // Not JSON (it always is from pino): keep only the size.
  }
  return `${JSON.stringify({ ...head, truncated: `a log line of ${line.length} characters, over the ${MAX_LOG_LINE_BYTES} bound` })}\n`;
}
