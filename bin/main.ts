// Dispatches `kaito-gitops <command>`; each command module is loaded only when used, so a
// render does not pay for the webhook server's dependencies at start-up.
import type { CliIO, Command } from "./cli-io.js";
import { ExitCode } from "./cli-io.js";
import { InputError } from "./inputs.js";
import { UsageError } from "./options.js";

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: { summary: "print Workspaces defaulted plus the objects they expand to", load: async () => (await import("./commands/render.js")).run },
  validate: { summary: "check Workspaces; exit non-zero on any error", load: async () => (await import("./commands/validate.js")).run },
  generate: { summary: "the Argo CD plugin's generate: render the app folder as Argo CD asks", load: async () => (await import("./commands/generate.js")).run },
  discover: { summary: "the Argo CD plugin's discovery: is there a Workspace in this folder?", load: async () => (await import("./commands/discover.js")).run },
  models: { summary: "pin Hugging Face models in the model lock (add) or check it against the hub (verify)", load: async () => (await import("./commands/models.js")).run },
  presets: { summary: "list the models a KAITO release knows (and the model lock's)", load: async () => (await import("./commands/listings.js")).presets },
  "instance-types": { summary: "list the GPU instance types a KAITO release knows", load: async () => (await import("./commands/listings.js")).instanceTypes },
  crd: { summary: "print the Workspace CustomResourceDefinition", load: async () => (await import("./commands/crd.js")).run },
  certs: { summary: "issue a CA and serving certificate for the webhook into a folder", load: async () => (await import("./commands/certs.js")).run },
  controller: { summary: "run the Workspace controller alone (children and status; no webhook)", load: async () => (await import("./commands/controller.js")).run },
  serve: { summary: "run the admission webhook (HTTPS) and the controller in one process", load: async () => (await import("./commands/serve.js")).run },
  version: { summary: "print the version", load: async () => (await import("./commands/version.js")).run },
};

export const usage = (): string =>
  [
    "Usage: kaito-gitops <command> [flags]",
    "",
    "Commands:",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(16)}${c.summary}`),
    "",
    "Run `kaito-gitops <command> --help` for a command's flags. Exit codes: 0 ok, 1 invalid input,",
    "2 wrong usage, 3 unreadable or malformed input, 70 internal error (docs/cli.md).",
    "",
  ].join("\n");

function isParseArgsError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof TypeError && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  // Own properties only: "constructor" or "__proto__" is not a command.
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr.write(`kaito-gitops: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return ExitCode.usage;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr.write(`kaito-gitops ${name}: ${e.message}\nRun \`kaito-gitops ${name} --help\` for usage.\n`);
      return ExitCode.usage;
    }
    if (e instanceof InputError) {
      io.stderr.write(`${e.message}\n`);
      return ExitCode.unreadable;
    }
    io.stderr.write(`kaito-gitops ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.internal;
  }
}
