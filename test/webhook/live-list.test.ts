// The server's list of open responses and connections (webhook/http/live-list.ts): it answers
// what a Set would, and an entry that leaves holds nothing any more (the reason it is not a Set).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LiveList } from "../../webhook/http/live-list.js";
import type { LiveEntry } from "../../webhook/http/live-list.js";
import { seededRandom } from "../helpers/random.js";

describe("LiveList", () => {
  it("holds what a Set holds through thousands of seeded adds and removes", () => {
    const r = seededRandom(7);
    const list = new LiveList<{ id: number }>();
    const model = new Set<{ id: number }>();
    const entries = new Map<{ id: number }, LiveEntry<{ id: number }>>();
    for (let step = 0; step < 5_000; step += 1) {
      const present = [...model];
      if (present.length > 0 && r() < 0.5) {
        const value = present[Math.floor(r() * present.length)] as { id: number };
        list.remove(entries.get(value) as LiveEntry<{ id: number }>);
        model.delete(value);
      } else {
        const value = { id: step };
        entries.set(value, list.add(value));
        model.add(value);
      }
      assert.equal(list.size, model.size);
    }
    assert.deepEqual(new Set(list.values()), model);
  });

  it("lets go of the value and its neighbours when an entry leaves, and ignores a second removal", () => {
    const list = new LiveList<{ id: number }>();
    const first = list.add({ id: 1 });
    const middle = list.add({ id: 2 });
    const last = list.add({ id: 3 });
    list.remove(middle);
    assert.deepEqual(middle, { value: undefined, previous: undefined, next: undefined });
    list.remove(middle);
    assert.equal(list.size, 2);
    assert.deepEqual(list.values().map((v) => v.id).sort(), [1, 3]);
    list.remove(first);
    list.remove(last);
    assert.equal(list.size, 0);
    assert.deepEqual(list.values(), []);
  });

  it("gives a copy, so a caller may remove entries while it walks them", () => {
    const list = new LiveList<{ id: number }>();
    const entries = [1, 2, 3, 4].map((id) => list.add({ id }));
    for (const value of list.values()) list.remove(entries[value.id - 1] as LiveEntry<{ id: number }>);
    assert.equal(list.size, 0);
  });
});
