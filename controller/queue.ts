// A work queue of Workspace keys ("namespace/name") with client-go's guarantees: a key is in the
// queue at most once however many events name it; a key is never handed to two workers at
// once (an add while it is being processed runs it again afterwards); failed keys come back
// after a per-key exponential backoff, which success resets.
import { backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
import type { BackoffOptions } from "./backoff.js";

export interface WorkQueueOptions {
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** added again while being processed */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiting: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;

  constructor(options: WorkQueueOptions = {}) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  add(key: string): void {
    if (this.shuttingDown || this.queued.has(key)) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) {
      this.processing.add(key);
      waiter(key);
    } else {
      this.queued.add(key);
      this.ready.push(key);
    }
  }

  /** Adds the key after `ms`; of several pending delays for one key, the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Counts a failure of the key and adds it back after its backoff; returns that delay. */
  addRateLimited(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = backoffDelay(failures, this.backoff, this.random);
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, waiting for one; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.ready.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A worker finished the key; a key added meanwhile is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Keys waiting to be processed now (not the delayed ones). */
  get length(): number {
    return this.ready.length;
  }

  get delayedCount(): number {
    return this.delayed.size;
  }

  get processingCount(): number {
    return this.processing.size;
  }

  /** Stops handing out keys: waiting workers get undefined, delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    this.queued.clear();
    this.dirty.clear();
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
