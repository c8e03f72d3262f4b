// Runs the CLI in-process with captured streams, as a user's shell would see it.
import { PassThrough, Readable } from "node:stream";
import { main } from "../../bin/main.js";
import { repoRoot } from "./repo.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString("utf8");
}

export async function runCli(args: readonly string[], opts: { stdin?: string; cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from([opts.stdin ?? ""]),
    env: opts.env ?? {},
    cwd: opts.cwd ?? repoRoot,
  });
  stdout.end();
  stderr.end();
  return { code, stdout: out(), stderr: err() };
}
