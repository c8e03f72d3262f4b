// What a CLI command may touch. Commands get it as an argument so tests can run them in-process
// with captured streams, and so stdout stays reserved for the command's product (manifests,
// tables) while every diagnostic goes to stderr.
import type { Readable, Writable } from "node:stream";

export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** A subcommand: parses its own arguments and returns the process exit code. */
export type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Exit codes, documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** the input was read but is invalid (schema, validation, GPU fit) */
  invalid: 1,
  /** wrong usage: unknown flag or command, missing argument */
  usage: 2,
  /** the input could not be read or parsed (missing file, malformed YAML or JSON) */
  unreadable: 3,
  /** an unexpected internal error */
  internal: 70,
} as const;
