// `kaito-gitops serve` as a child process, the way a user or a pod runs it: the installed
// (bundled) CLI, stdout and stderr captured, the port read from the "webhook listening" log line.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { repoPath } from "../helpers/repo.js";

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** the exit code once it exits */
  readonly exited: Promise<number | null>;
  /** JSON log lines seen so far */
  logLines(): Record<string, unknown>[];
  /** the first line of stdout (the caBundle in the self-signed mode), once it is there */
  firstStdoutLine(): Promise<string>;
}

export async function startServe(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [repoPath("dist/cli/kaito-gitops.js"), "serve", ...args], {
    cwd: options.cwd ?? repoPath(),
    env: options.env ?? { PATH: process.env["PATH"] ?? "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const logLines = (): Record<string, unknown>[] =>
    err
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 20 s:\n${err}`)), 20_000);
    const check = (): void => {
      const listening = logLines().find((l) => l["msg"] === "webhook listening");
      if (listening) {
        clearTimeout(timer);
        resolve(Number(listening["port"]));
      }
    };
    child.stderr.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${err}`));
    });
  });
  const firstStdoutLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const end = out.indexOf("\n");
        if (end < 0) return false;
        resolve(out.slice(0, end));
        return true;
      };
      if (check()) return;
      const onData = (): void => {
        if (check()) child.stdout.off("data", onData);
      };
      child.stdout.on("data", onData);
      void exited.then((code) => reject(new Error(`serve exited with ${code} before printing a line`)));
    });
  return { child, port, stdout: () => out, stderr: () => err, exited, logLines, firstStdoutLine };
}
