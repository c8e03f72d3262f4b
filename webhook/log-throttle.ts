// One log line per interval for an event that can come thousands of times a second (a flood of
// requests refused for want of room): the first is logged at once, the rest are counted and
// reported with the next line, so the log says how many without growing with the attack.
export interface Throttle<T> {
  /** record one occurrence; `log` is called with it and the number left unlogged since the last line */
  hit(event: T): void;
}

export function throttle<T>(intervalMs: number, now: () => number, log: (event: T, suppressed: number) => void): Throttle<T> {
  let last = -Infinity;
  let suppressed = 0;
  return {
    hit(event) {
      const at = now();
      if (at - last < intervalMs) {
        suppressed += 1;
        return;
      }
      last = at;
      log(event, suppressed);
      suppressed = 0;
    },
  };
}
