// Polling for what a real cluster does asynchronously (informers, controllers), with a bound.
import assert from "node:assert/strict";

/** Resolves with the first defined value `probe` gives; fails the test after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  return assert.fail(`timed out waiting for ${what}`);
}
