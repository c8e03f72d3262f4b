// The work queue's guarantees (one entry per key, one worker per key, backoff after failures)
// and the backoff sequence itself.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay, DEFAULT_BACKOFF } from "../../controller/backoff.js";
import { WorkQueue } from "../../controller/queue.js";

describe("backoffDelay", () => {
  test("1 s doubling to 5 min by default", () => {
    const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 5000].map((n) => backoffDelay(n, noJitter)),
      [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000, 300000],
    );
  });
  test("jitter only shortens, within its fraction, so the cap holds", () => {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const d = backoffDelay(20, DEFAULT_BACKOFF, () => r);
      assert.ok(d <= 300_000 && d >= 300_000 * 0.8, `${d}`);
    }
    assert.equal(backoffDelay(1, DEFAULT_BACKOFF, () => 0.5), 900);
  });
});

describe("WorkQueue", () => {
  test("a key added many times is queued once", async () => {
    const q = new WorkQueue();
    for (let i = 0; i < 5; i++) q.add("ns/a");
    q.add("ns/b");
    q.add("ns/a");
    assert.equal(q.length, 2);
    assert.equal(await q.get(), "ns/a");
    assert.equal(await q.get(), "ns/b");
    assert.equal(q.length, 0);
  });

  test("a key being processed is not handed out again; an add meanwhile runs it once more afterwards", async () => {
    const q = new WorkQueue();
    q.add("k");
    const key = await q.get();
    assert.equal(key, "k");
    q.add("k");
    q.add("k");
    assert.equal(q.length, 0, "not queued while processing");
    const next = q.get();
    let handed: string | undefined;
    void next.then((v) => (handed = v));
    await sleep(5);
    assert.equal(handed, undefined, "a second worker does not get the key in progress");
    q.done("k");
    assert.equal(await next, "k", "re-queued exactly once after done()");
    q.done("k");
    assert.equal(q.length, 0);
  });

  test("a waiting worker gets the next key at once", async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add("x");
    assert.equal(await waiting, "x");
  });

  test("failures come back after a growing backoff; forget() starts over", async () => {
    const q = new WorkQueue({ backoff: { baseMs: 20, maxMs: 200, jitter: 0 } });
    const delays = [q.addRateLimited("k"), q.addRateLimited("k"), q.addRateLimited("k")];
    assert.deepEqual(delays, [20, 40, 80]);
    assert.equal(q.failuresOf("k"), 3);
    // Of the three pending delays the earliest wins: one add, after ~20 ms.
    const started = Date.now();
    assert.equal(await q.get(), "k");
    const waited = Date.now() - started;
    assert.ok(waited >= 15 && waited < 70, `waited ${waited} ms`);
    q.done("k");
    await sleep(120);
    assert.equal(q.length, 0, "the later delays were folded into the first");
    q.forget("k");
    assert.equal(q.failuresOf("k"), 0);
    assert.equal(q.addRateLimited("k"), 20);
    q.shutDown();
  });

  test("shutDown releases waiting workers and drops delayed keys", async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.addAfter("later", 10_000);
    assert.equal(q.delayedCount, 1);
    q.shutDown();
    assert.equal(await waiting, undefined);
    assert.equal(q.delayedCount, 0);
    q.add("ignored");
    assert.equal(await q.get(), undefined);
  });
});
