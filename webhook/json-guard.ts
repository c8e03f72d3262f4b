// A look at an untrusted JSON value before any code that recurses or copies it: the expansion,
// ajv, structuredClone and fast-json-patch all recurse, so an absurdly deep body would end in a
// stack overflow half way through a request; and a "__proto__" key, harmless after JSON.parse
// (it is an own property), turns into a prototype change as soon as some helper copies the
// object with plain assignment. Neither can occur in a valid Kubernetes object: no field or
// label/annotation key can be named "__proto__", and real objects nest a few dozen levels deep.
import { formatPath } from "../workspace/index.js";

export interface JsonLimits {
  /** deepest nesting of objects and arrays accepted, counted from the value scanned */
  readonly maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 100 };

const FORBIDDEN_KEY = "__proto__";

/**
 * undefined when the value is acceptable; otherwise where and what, e.g.
 * `.object.metadata.labels["__proto__"]: the key "__proto__" is not allowed`.
 */
export function scanJson(value: unknown, limits: JsonLimits): string | undefined {
  const found = visit(value, 0, limits.maxDepth);
  if (found === undefined) return undefined;
  const path = formatPath(found.path.reverse());
  const where = path === "(the object)" ? "" : path.startsWith("[") ? path : `.${path}`;
  return `${where}: ${found.message}`;
}

interface Finding {
  readonly path: (string | number)[];
  readonly message: string;
}

function visit(value: unknown, depth: number, maxDepth: number): Finding | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= maxDepth) return { path: [], message: `nested deeper than ${maxDepth} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = visit(value[i], depth + 1, maxDepth);
      if (found !== undefined) return push(found, i);
    }
    return undefined;
  }
  // for-in rather than Object.keys: no array per object on a walk that runs on every request
  // (a parsed body's objects have only own keys; hasOwn keeps it so for any other).
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === FORBIDDEN_KEY) return { path: [key], message: `the key "${FORBIDDEN_KEY}" is not allowed` };
    const found = visit((value as Record<string, unknown>)[key], depth + 1, maxDepth);
    if (found !== undefined) return push(found, key);
  }
  return undefined;
}

/** Paths are built on the way out, leaf first, so the common case allocates nothing. */
function push(found: Finding, part: string | number): Finding {
  found.path.push(part);
  return found;
}
