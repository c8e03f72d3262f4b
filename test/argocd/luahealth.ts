// Argo CD health checks evaluated by Argo CD's own Lua VM: the `luahealth` program
// (test/argocd/go/luahealth, around util/lua of the pinned github.com/argoproj/argo-cd/v3),
// built and cached by test/argocd/build.sh. Two ways to call it:
//   evaluateHealthSync(requests)  one process for a batch (synchronous: usable at module load
//                                 and from synchronous helpers)
//   new LuaHealth()               one long-running process, requests over stdin lines
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { argocdBinary } from "./binaries.js";

export const HEALTH_CODES: readonly string[] = ["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"];

export interface HealthStatus {
  status: string;
  message: string;
}

/** What Argo CD's argocd-cm keys say for one `<group>/<Kind>`. */
export interface HealthOverride {
  healthLua: string;
  useOpenLibs: boolean;
}

export type HealthRequest =
  /** Run this script (util/lua VM.ExecuteHealthLua). */
  | { object: unknown; script: string; useOpenLibs: boolean }
  /** Look the check up as the application controller does: argocd-cm overrides, then Argo CD's
   *  built-in checks (ResourceHealthOverrides.GetResourceHealth). */
  | { object: unknown; overrides: Record<string, HealthOverride> };

/** `health` null: no check for the kind, or the script returned nil. `error`: a Lua error
 *  (Argo CD shows the resource as Unknown with that text). */
export type HealthResult = { health: HealthStatus | null } | { error: string };

interface WireResponse {
  id: unknown;
  health?: { status?: unknown; message?: unknown } | null;
  error?: unknown;
}

const luahealthPath = (): string => join(argocdBinary(["luahealth"]), "luahealth");

function readResponse(line: string): { id: unknown; result: HealthResult } {
  let wire: WireResponse;
  try {
    wire = JSON.parse(line) as WireResponse;
  } catch {
    throw new Error(`luahealth: not a JSON response: ${line.slice(0, 500)}`);
  }
  if (typeof wire.error === "string") return { id: wire.id, result: { error: wire.error } };
  if (wire.health === null || wire.health === undefined) return { id: wire.id, result: { health: null } };
  const { status, message } = wire.health;
  if (typeof status !== "string" || typeof message !== "string") throw new Error(`luahealth: bad health in ${line.slice(0, 500)}`);
  return { id: wire.id, result: { health: { status, message } } };
}

/** Evaluates every request in one luahealth process; results in request order. */
export function evaluateHealthSync(requests: readonly HealthRequest[]): HealthResult[] {
  if (requests.length === 0) return [];
  const input = requests.map((r, id) => JSON.stringify({ id, ...r })).join("\n") + "\n";
  const proc = spawnSync(luahealthPath(), [], { input, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  if (proc.error !== undefined) throw proc.error;
  if (proc.status !== 0) throw new Error(`luahealth exited with ${proc.status ?? proc.signal}: ${proc.stderr.toString("utf8")}`);
  const lines = proc.stdout.toString("utf8").split("\n").filter((l) => l !== "");
  if (lines.length !== requests.length) throw new Error(`luahealth answered ${lines.length} of ${requests.length} requests: ${proc.stderr.toString("utf8")}`);
  return lines.map((line, i) => {
    const { id, result } = readResponse(line);
    if (id !== i) throw new Error(`luahealth answered request ${String(id)} in place of ${i}`);
    return result;
  });
}

/** One request, one process. */
export function evaluateHealthOnce(request: HealthRequest): HealthResult {
  const [result] = evaluateHealthSync([request]);
  if (result === undefined) throw new Error("luahealth gave no answer");
  return result;
}

/** A long-running luahealth: requests are answered in order over one pipe. */
export class LuaHealth {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve: (r: HealthResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private stderr = "";
  private exited: Error | undefined;

  constructor() {
    const path = luahealthPath();
    if (!existsSync(path)) throw new Error(`luahealth is missing at ${path}`);
    this.proc = spawn(path, [], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4000);
    });
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      try {
        const { id, result } = readResponse(line);
        const waiter = typeof id === "number" ? this.pending.get(id) : undefined;
        if (waiter === undefined) throw new Error(`luahealth answered an unknown request ${JSON.stringify(id)}`);
        this.pending.delete(id as number);
        waiter.resolve(result);
      } catch (err) {
        this.failAll(err instanceof Error ? err : new Error(String(err)));
      }
    });
    this.proc.on("exit", (code, signal) => {
      this.failAll(new Error(`luahealth exited (${code ?? signal}): ${this.stderr}`));
    });
    this.proc.unref();
  }

  private failAll(err: Error): void {
    this.exited ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }

  evaluate(request: HealthRequest): Promise<HealthResult> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<HealthResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdin.write(JSON.stringify({ id, ...request }) + "\n");
    });
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.proc.stdin.end();
    await exited;
  }
}
