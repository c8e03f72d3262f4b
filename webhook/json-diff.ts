// The RFC 6902 patch from one JSON value to another, for /mutate's answer. fast-json-patch's
// compare lists every object's keys into arrays and builds a path string for every node it visits,
// on both sides; this walks the two values once, allocates nothing where they agree, and builds a
// path only for an operation. Lists of different lengths are replaced whole (a valid patch, and
// one the API server applies as it applies any other).
//
// A key whose value is undefined counts as absent, as JSON.stringify drops it.

export type PatchOperation =
  | { readonly op: "add" | "replace"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `~` and `/` escaped as RFC 6901 asks. */
function pointerToken(key: string): string {
  return key.includes("~") || key.includes("/") ? key.replaceAll("~", "~0").replaceAll("/", "~1") : key;
}

/** Both values are JSON (what JSON.parse or the expansion gives): plain objects, arrays, scalars. */
export function jsonPatch(from: unknown, to: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  diff(from, to, [], ops);
  return ops;
}

/** The pointer of the current path, with `last` below it when given; built only for an operation. */
function pointer(path: readonly (string | number)[], last?: string): string {
  let out = "";
  for (const part of path) out += `/${typeof part === "number" ? part : pointerToken(part)}`;
  return last === undefined ? out : `${out}/${pointerToken(last)}`;
}

const absent = (o: Record<string, unknown>, key: string): boolean => !Object.hasOwn(o, key) || o[key] === undefined;

function diff(from: unknown, to: unknown, path: (string | number)[], ops: PatchOperation[]): void {
  if (from === to) return;
  if (isRecord(from) && isRecord(to)) {
    for (const key in from) {
      if (!absent(from, key) && absent(to, key)) ops.push({ op: "remove", path: pointer(path, key) });
    }
    for (const key in to) {
      if (absent(to, key)) continue;
      if (absent(from, key)) {
        ops.push({ op: "add", path: pointer(path, key), value: to[key] });
        continue;
      }
      path.push(key);
      diff(from[key], to[key], path, ops);
      path.pop();
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    for (let i = 0; i < from.length; i += 1) {
      path.push(i);
      diff(from[i], to[i], path, ops);
      path.pop();
    }
    return;
  }
  // Scalars that differ, lists of different lengths, or values of different kinds. The empty
  // pointer is the whole document.
  ops.push({ op: "replace", path: pointer(path), value: to });
}
