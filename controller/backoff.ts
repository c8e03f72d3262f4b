// Retry delays: exponential per key (1 s doubling to 5 min by default), with jitter so that
// Workspaces failing together (an API server restart) do not retry in lockstep.

export interface BackoffOptions {
  /** delay after the first failure */
  readonly baseMs: number;
  /** no delay is longer than this */
  readonly maxMs: number;
  /** fraction of the delay taken off at random, 0..1 */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.2 };

/** Delay before retry number `failures` (1 = first failure). Jitter only shortens, so maxMs holds. */
export function backoffDelay(failures: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 52));
  const delay = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(delay * (1 - jitter * random()));
}
