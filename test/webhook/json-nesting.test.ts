// The body reader's nesting scan (webhook/http/json-nesting.ts), which refuses a large body too deep
// to parse cheaply before JSON.parse sees it: against the depth of the parsed value, for seeded
// random JSON whose strings hold brackets, quotes and runs of backslashes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nestsDeeperThan } from "../../webhook/http/json-nesting.js";
import { seededRandom } from "../helpers/random.js";

const STRINGS = ["", "[", "]]]", "{[", '"', '\\\\"[', "\\\\", 'a\\"{{{', "x".repeat(40), "é[ü{"];

function value(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 12 || pick < 0.3) return [null, 1, true, STRINGS[Math.floor(r() * STRINGS.length)]][Math.floor(r() * 4)];
  if (pick < 0.65) return Array.from({ length: Math.floor(r() * 3) }, () => value(r, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(r() * 3) }, (_, i) => [STRINGS[Math.floor(r() * STRINGS.length)] + String(i), value(r, depth + 1)]));
}

function depthOf(v: unknown): number {
  if (typeof v !== "object" || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("the body reader's nesting scan", () => {
  it("agrees with the parsed value's depth on 3,000 seeded random bodies", () => {
    const r = seededRandom(3);
    for (let n = 0; n < 3_000; n += 1) {
      const v = value(r, 0);
      const bytes = Buffer.from(JSON.stringify(v));
      const depth = depthOf(v);
      assert.equal(nestsDeeperThan(bytes, depth), false, bytes.toString());
      if (depth > 0) assert.equal(nestsDeeperThan(bytes, depth - 1), true, bytes.toString());
    }
  });

  it("skips strings, however many brackets and escaped quotes they hold", () => {
    const inString = JSON.stringify({ name: `${"[".repeat(10_000)}\\"${"{".repeat(10_000)}` });
    assert.equal(nestsDeeperThan(Buffer.from(inString), 1), false);
    assert.equal(nestsDeeperThan(Buffer.from(`[${inString}]`), 1), true);
  });
});
