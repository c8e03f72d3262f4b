// Measuring a whole command the way a user runs it: a fresh process, wall time and peak RSS
// (GNU time's maximum resident set size), output to a file.
import { spawnSync } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";

export interface Measurement {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

export function measure(argv: readonly string[], opts: { stdout?: string; cwd?: string } = {}): Measurement {
  const out = opts.stdout ? openSync(opts.stdout, "w") : "ignore";
  const started = process.hrtime.bigint();
  const run = spawnSync("/usr/bin/time", ["-f", "%M", ...argv], {
    cwd: opts.cwd,
    stdio: ["ignore", out, "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (typeof out === "number") closeSync(out);
  const stderr = run.stderr.toString();
  if (run.status !== 0) throw new Error(`${argv.join(" ")} exited ${run.status}: ${stderr.slice(-2000)}`);
  const kib = Number(stderr.trim().split("\n").pop());
  return { seconds, peakRssMiB: kib / 1024 };
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kib) / 1024;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export const fmt = (n: number, digits = 2): string => n.toFixed(digits);

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
