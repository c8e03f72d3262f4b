// Leader election against an in-memory Lease with the API server's optimistic concurrency
// (resourceVersion), on short timings: never two leaders, fast hand-over on release, and a
// leader that cannot renew steps down before anyone may take over.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startLeaderElection } from "../../controller/leader.js";
import type { Lease, LeaseApi, LeaseSpec, LeaderElector } from "../../controller/leader.js";

class MemoryLease {
  lease: Lease | undefined;
  private version = 0;
  readonly unreachable = new Set<string>();
  writes = 0;

  api(identity: string): LeaseApi {
    const reach = (): void => {
      if (this.unreachable.has(identity)) throw new Error("connection refused");
    };
    return {
      get: async () => {
        reach();
        return this.lease ? structuredClone(this.lease) : undefined;
      },
      create: async (spec: LeaseSpec) => {
        reach();
        if (this.lease) return "conflict";
        this.writes++;
        this.lease = { metadata: { name: "l", namespace: "ns", resourceVersion: String(++this.version) }, spec: { ...spec } };
        return structuredClone(this.lease);
      },
      update: async (lease: Lease) => {
        reach();
        if (!this.lease || lease.metadata.resourceVersion !== this.lease.metadata.resourceVersion) return "conflict";
        this.writes++;
        this.lease = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.version) } };
        return structuredClone(this.lease);
      },
    };
  }
}

const TIMINGS = { leaseDurationMs: 400, renewDeadlineMs: 250, retryPeriodMs: 40 };

function elector(store: MemoryLease, identity: string, events: string[] = []): LeaderElector {
  return startLeaderElection({
    ...TIMINGS,
    api: store.api(identity),
    identity,
    onStartedLeading: () => events.push(`${identity} started`),
    onStoppedLeading: () => events.push(`${identity} stopped`),
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
  return Date.now() - started;
}

/** Samples both electors every few ms for `ms`: the number of samples where both led. */
async function overlapDuring(a: LeaderElector, b: LeaderElector, ms: number): Promise<number> {
  let both = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (a.isLeader() && b.isLeader()) both++;
    await sleep(3);
  }
  return both;
}

describe("leader election", () => {
  test("a lone candidate creates the Lease, leads, and keeps renewing it", async () => {
    const store = new MemoryLease();
    const events: string[] = [];
    const a = elector(store, "a", events);
    await until("a leads", () => a.isLeader());
    assert.equal(store.lease?.spec?.holderIdentity, "a");
    assert.equal(store.lease?.spec?.leaseDurationSeconds, 1);
    assert.match(store.lease?.spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, "MicroTime, six digits");
    const renew = store.lease?.spec?.renewTime;
    await sleep(120);
    assert.notEqual(store.lease?.spec?.renewTime, renew, "renewed");
    await a.stop();
    assert.deepEqual(events, ["a started", "a stopped"]);
  });

  test("two candidates: exactly one leads; stopping it hands over at once (the Lease is released)", async () => {
    const store = new MemoryLease();
    const a = elector(store, "a");
    const b = elector(store, "b");
    await until("someone leads", () => a.isLeader() || b.isLeader());
    assert.equal(await overlapDuring(a, b, 400), 0, "never both");
    const [leader, standby] = a.isLeader() ? [a, b] : [b, a];
    assert.equal(standby.isLeader(), false);
    const transitions = store.lease?.spec?.leaseTransitions ?? 0;
    await leader.stop();
    const took = await until("the standby takes over", () => standby.isLeader());
    assert.ok(took < TIMINGS.leaseDurationMs, `took over in ${took} ms: released, not expired`);
    assert.equal(store.lease?.spec?.leaseTransitions, transitions + 1);
    await standby.stop();
  });

  test("a leader cut off from the API server stops leading before the other may start", async () => {
    const store = new MemoryLease();
    const events: string[] = [];
    const a = elector(store, "a", events);
    await until("a leads", () => a.isLeader());
    const b = elector(store, "b", events);
    await sleep(100);
    assert.equal(b.isLeader(), false, "a fresh Lease held by another is respected");

    store.unreachable.add("a");
    const cutAt = Date.now();
    const sampling = overlapDuring(a, b, 1200);
    await until("a steps down", () => !a.isLeader());
    const steppedDownAfter = Date.now() - cutAt;
    assert.ok(steppedDownAfter <= TIMINGS.renewDeadlineMs + 2 * TIMINGS.retryPeriodMs, `stepped down after ${steppedDownAfter} ms`);
    await until("b takes over", () => b.isLeader());
    assert.ok(Date.now() - cutAt >= TIMINGS.leaseDurationMs - TIMINGS.retryPeriodMs, "b waited for the Lease to expire");
    assert.equal(await sampling, 0, "never both");
    assert.deepEqual(events, ["a started", "a stopped", "b started"]);
    store.unreachable.delete("a");
    await sleep(150);
    assert.equal(a.isLeader(), false, "back online, a finds the Lease held by b");
    await Promise.all([a.stop(), b.stop()]);
  });

  test("an expired Lease of a vanished holder is taken over; a conflicting write is simply retried", async () => {
    const store = new MemoryLease();
    store.lease = {
      metadata: { name: "l", namespace: "ns", resourceVersion: "7" },
      spec: { holderIdentity: "gone", leaseDurationSeconds: 1, renewTime: "2020-01-01T00:00:00.000000Z", leaseTransitions: 3 },
    };
    const a = elector(store, "a");
    await sleep(300);
    assert.equal(a.isLeader(), false, "the holder's Lease is trusted for a whole duration on our clock");
    await until("a takes the expired Lease", () => a.isLeader(), 2000);
    assert.equal(store.lease?.spec?.leaseTransitions, 4);
    await a.stop();
    assert.equal(store.lease?.spec?.holderIdentity, "", "released");
  });
});
