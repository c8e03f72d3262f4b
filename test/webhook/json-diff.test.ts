// /mutate's patch (webhook/json-diff.ts) against fast-json-patch's own applier with validation on:
// for thousands of seeded random pairs of JSON values (nested objects and lists, keys that need
// RFC 6901 escaping, values that change kind), applying the patch to the first gives the second,
// and equal values give no operation at all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonPatch } from "../../webhook/json-diff.js";
import type { PatchOperation } from "../../webhook/json-diff.js";
import { applyPatch } from "../helpers/patch.js";
import { seededRandom } from "../helpers/random.js";

const KEYS = ["a", "b", "name", "x/y", "t~1", "~", "", "0", "spec"];

function value(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 3 || pick < 0.35) return [null, true, false, 0, 1.5, "s", "", "x/y"][Math.floor(r() * 8)];
  if (pick < 0.65) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of KEYS) if (r() < 0.4) out[key] = value(r, depth + 1);
  return out;
}

/** A copy of `v` with a few random changes: values replaced, keys added and dropped, lists resized. */
function changed(r: () => number, v: unknown, depth: number): unknown {
  if (r() < 0.15) return value(r, depth);
  if (Array.isArray(v)) {
    const items = v.map((item) => changed(r, item, depth + 1));
    if (r() < 0.2) items.push(value(r, depth + 1));
    if (r() < 0.2) items.shift();
    return items;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) if (r() > 0.1) out[k] = changed(r, item, depth + 1);
    if (r() < 0.2) out[KEYS[Math.floor(r() * KEYS.length)] ?? "a"] = value(r, depth + 1);
    return out;
  }
  return v;
}

// The operations are copied too, so no value they add is shared with `to`.
const apply = (doc: unknown, ops: readonly PatchOperation[]): unknown => applyPatch(doc, structuredClone(ops));

describe("the JSON patch of /mutate", () => {
  it("turns the first value into the second for 5,000 random pairs, and is empty for equal values", () => {
    const r = seededRandom(12);
    let operations = 0;
    for (let i = 0; i < 5000; i += 1) {
      const from = value(r, 0);
      const to = changed(r, from, 0);
      const ops = jsonPatch(from, to);
      operations += ops.length;
      assert.deepEqual(apply(from, ops), to, JSON.stringify({ from, to, ops }));
      assert.deepEqual(jsonPatch(from, structuredClone(from)), [], "no operation between equal values");
    }
    assert.ok(operations > 5000, `only ${operations} operations: the pairs hardly differ`);
  });

  it("escapes keys as RFC 6901 asks, treats undefined as absent and replaces the whole document at the empty pointer", () => {
    assert.deepEqual(jsonPatch({ "a/b": 1, "c~d": 2 }, { "a/b": 3 }), [
      { op: "remove", path: "/c~0d" },
      { op: "replace", path: "/a~1b", value: 3 },
    ]);
    assert.deepEqual(jsonPatch({ a: 1, b: undefined }, { a: 1, c: undefined }), []);
    assert.deepEqual(jsonPatch({ a: 1 }, [1]), [{ op: "replace", path: "", value: [1] }]);
  });
});
