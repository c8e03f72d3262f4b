import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WebhookConfigApi, WebhookEntry, WebhookKind } from "../../certs/ca-bundle.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { KeySource } from "../../certs/keys.js";
import { MemorySecretStore } from "../../certs/memory-store.js";
import { nextRenewalAt } from "../../certs/renewal.js";
import { HOUR_MS, createRotationManager } from "../../certs/rotation.js";
import type { CheckReport, Clock, RotationOptions, TimerHandle } from "../../certs/rotation.js";
import type { CertBundle, WantedCert } from "../../certs/types.js";

const MINUTE = 60 * 1000;
const t0 = new Date("2026-11-24T12:00:00Z");
const wanted: WantedCert = { service: "kaito-webhook", namespace: "kaito-system" };
const pool = Array.from({ length: 3 }, () => generateRsaKeySync());
let next = 0;
const keys: KeySource = async () => pool[next++ % pool.length] as string;

/** A clock that only moves when told to, firing due timers in order. */
class FakeClock implements Clock {
  private time: number;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private ids = 0;
  readonly delays: number[] = [];

  constructor(start: Date) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    this.ids += 1;
    this.timers.set(this.ids, { at: this.time + ms, callback });
    this.delays.push(ms);
    return this.ids;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Fires the earliest timer (moving time to it); false when none is pending. */
  fireNext(): boolean {
    const [id, timer] = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (id === undefined || timer === undefined) return false;
    this.timers.delete(id);
    this.time = Math.max(this.time, timer.at);
    timer.callback();
    return true;
  }
}

/** Collects the manager's check reports and lets a test wait for the next one. */
function recorder() {
  const reports: CheckReport[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  const settle = (): void => {
    wake?.();
    wake = undefined;
  };
  return {
    reports,
    errors,
    onCheck: (report: CheckReport) => {
      reports.push(report);
      settle();
    },
    onError: (err: unknown) => {
      errors.push(err);
      settle();
    },
    /** fires the next timer and waits for the check it starts */
    async step(clock: FakeClock): Promise<void> {
      const done = new Promise<void>((resolve) => (wake = resolve));
      assert.ok(clock.fireNext(), "a check should be scheduled");
      await done;
    },
  };
}

class FakeWebhooks implements WebhookConfigApi {
  present = true;
  caBundle: string | undefined;
  writes = 0;
  async read(_kind: WebhookKind, _name: string): Promise<readonly WebhookEntry[] | undefined> {
    if (!this.present) return undefined;
    return [{ name: "mutate.kaito.sh", ...(this.caBundle !== undefined && { caBundle: this.caBundle }) }];
  }
  async setCABundle(_kind: WebhookKind, _name: string, _targets: readonly unknown[], caBundle: string): Promise<"updated"> {
    this.caBundle = caBundle;
    this.writes += 1;
    return "updated";
  }
}

function setup(overrides: Partial<RotationOptions> = {}) {
  const clock = new FakeClock(t0);
  const store = new MemorySecretStore();
  const rotations: CertBundle[] = [];
  const rec = recorder();
  const webhooks = new FakeWebhooks();
  const manager = createRotationManager({
    store,
    wanted,
    clock,
    onRotate: (bundle) => {
      rotations.push(bundle);
    },
    injector: { api: webhooks, names: { mutating: "kaito-gitops" } },
    // 6 h serving certificates: renewal falls due a few hours in, not a year.
    issue: { keys, validityDays: 0.25 },
    onCheck: rec.onCheck,
    onError: rec.onError,
    ...overrides,
  });
  return { clock, store, rotations, rec, webhooks, manager };
}

describe("rotation manager", () => {
  it("ensures at start, hands the set to onRotate, injects the caBundle and checks again within the hour", async () => {
    const { clock, store, rotations, webhooks, manager } = setup();
    const bundle = await manager.start();
    assert.equal(rotations.length, 1);
    assert.equal(rotations[0], bundle);
    assert.equal(manager.current, bundle);
    assert.equal(manager.caInjected, true);
    assert.equal(webhooks.caBundle, Buffer.from(bundle.caCert).toString("base64"));
    assert.deepEqual(store.current?.bundle, bundle);
    assert.equal(clock.pending, 1);
    assert.deepEqual(clock.delays, [HOUR_MS]);
    manager.stop();
  });

  it("checks hourly without writing, then rotates the serving certificate at its renewal time", async () => {
    const { clock, store, rotations, rec, webhooks, manager } = setup();
    const first = await manager.start();
    const due = nextRenewalAt(first).getTime();
    // 6 h + 1 h back-dating: renewal is due 3 h 40 min after issuing.
    assert.equal(due - t0.getTime(), 3 * HOUR_MS + 40 * MINUTE);

    for (let hour = 1; hour <= 3; hour += 1) {
      await rec.step(clock);
      assert.equal(clock.now().getTime(), t0.getTime() + hour * HOUR_MS);
      assert.equal(rec.reports.at(-1)?.ensured.action, "unchanged");
    }
    assert.equal(rotations.length, 1);
    assert.equal(store.stats.writes, 1);
    assert.equal(webhooks.writes, 1);
    assert.equal(clock.delays.at(-1), 40 * MINUTE, "the last wait before renewal is the time left, not an hour");

    await rec.step(clock);
    assert.equal(clock.now().getTime(), due);
    assert.equal(rec.reports.at(-1)?.ensured.action, "renewed");
    assert.equal(rotations.length, 2);
    const second = rotations[1];
    assert.ok(second !== undefined);
    assert.notEqual(second.tlsCert, first.tlsCert);
    assert.equal(second.caCert, first.caCert, "the CA, and with it the caBundle, stays");
    assert.equal(webhooks.writes, 1, "an unchanged caBundle is not written again");
    assert.equal(manager.current, second);
    manager.stop();
  });

  it("picks up a set another replica wrote to the Secret", async () => {
    const { clock, store, rotations, rec, manager } = setup();
    await manager.start();
    const other = setup().manager;
    // The other replica's store is a different one; write its set into ours as a winner would.
    const foreign = await other.start();
    other.stop();
    store.put(foreign);
    await rec.step(clock);
    assert.equal(rotations.length, 2);
    assert.deepEqual(rotations[1], foreign);
    manager.stop();
  });

  it("stop clears the timer and nothing runs afterwards", async () => {
    const { clock, rotations, manager } = setup();
    await manager.start();
    assert.equal(clock.pending, 1);
    manager.stop();
    assert.equal(clock.pending, 0);
    assert.equal(clock.fireNext(), false);
    assert.equal(rotations.length, 1);
  });

  it("retries a failing check and resolves start with the first success", async () => {
    const { clock, store, rec, manager } = setup({ retryIntervalMs: 30_000 });
    const realRead = store.read.bind(store);
    let failures = 1;
    store.read = async () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error("apiserver unavailable");
      }
      return realRead();
    };
    const started = manager.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(rec.errors.length, 1);
    assert.deepEqual(clock.delays, [30_000]);
    await rec.step(clock);
    const bundle = await started;
    assert.ok(bundle.tlsCert.includes("BEGIN CERTIFICATE"));
    manager.stop();
  });

  it("is not ready while the webhook configuration is missing, and retries sooner", async () => {
    const { clock, rec, webhooks, manager } = setup({ retryIntervalMs: 30_000 });
    webhooks.present = false;
    await manager.start();
    assert.equal(manager.caInjected, false);
    assert.deepEqual(clock.delays, [30_000]);
    webhooks.present = true;
    await rec.step(clock);
    assert.equal(manager.caInjected, true);
    assert.equal(clock.delays.at(-1), HOUR_MS);
    manager.stop();
  });

  it("start rejects if stopped before any success", async () => {
    const { store, manager } = setup();
    store.read = async () => {
      throw new Error("down");
    };
    const started = manager.start();
    manager.stop();
    await assert.rejects(started, /stopped before/);
  });
});
