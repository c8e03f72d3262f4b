// kaito-gitops render [PATH|-]...: every Workspace defaulted plus its children, other objects
// passed through, as one YAML stream on stdout. Nothing is written unless all input is valid.
import { parseArgs } from "node:util";
import { checkObjects, emitObjects, formatFinding } from "../../workspace/render/stream.js";
import type { ExpandOptions } from "../../workspace/index.js";
import type { CliIO, Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { readSources } from "../inputs.js";
import { jsonListChunks, writeChunks, yamlStreamChunks } from "../output.js";
import { expandFlags, expandFlagsUsage, toExpandOptions, UsageError } from "../options.js";

export const usage = `Usage: kaito-gitops render [flags] PATH... (a file, a folder, or - for stdin)

Prints every kaito.sh Workspace found, defaulted, followed by the objects it expands to
(what KAITO's controller of the chosen release creates: node claims, Services, the
StatefulSet or Deployment, the tuning Job). Other objects pass
through unchanged. An object with the kind, namespace and name of a generated child replaces it.

Flags:
${expandFlagsUsage}  -o, --output yaml|json           output format (default yaml; json prints a v1 List)
  -q, --quiet                      do not print warnings
`;

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...expandFlags,
      output: { type: "string", short: "o" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  const format = values.output ?? "yaml";
  if (format !== "yaml" && format !== "json") throw new UsageError(`--output must be yaml or json; got ${JSON.stringify(format)}`);
  if (positionals.length === 0) throw new UsageError("render needs at least one file or folder (or - for stdin)");

  const skipFiles = values.settings === undefined ? [] : [values.settings];
  return renderPaths(positionals, await toExpandOptions(values, io.cwd, io.stdin, positionals), io, { quiet: values.quiet === true, format, skipFiles });
};

export interface RenderSettings {
  readonly quiet: boolean;
  readonly format: "yaml" | "json";
  /** Refuse to print an empty stream (Argo CD would prune every object of the app). */
  readonly requireObjects?: boolean;
  /** Files among the inputs that configure the render (the settings file): read apart, not rendered. */
  readonly skipFiles?: readonly string[];
}

/**
 * Render files and folders to stdout, diagnostics to stderr; all or nothing. Memory stays near
 * the input's size whatever the output's: every check runs first (nothing is printed if one
 * fails), then the objects are expanded again and written as they come.
 */
export async function renderPaths(
  paths: readonly string[],
  options: ExpandOptions,
  io: CliIO,
  settings: RenderSettings,
): Promise<number> {
  const { objects: source, notes } = await readSources(paths, io.cwd, io.stdin, settings.skipFiles);
  const result = checkObjects(source, options);

  for (const note of notes) io.stderr.write(`${note}\n`);
  if (!settings.quiet) {
    for (const w of result.warnings) io.stderr.write(`${formatFinding(w)}\n`);
    for (const o of result.overrides) io.stderr.write(`${formatFinding(o, "note")}\n`);
  }
  if (result.errors.length > 0) {
    for (const e of result.errors) io.stderr.write(`${formatFinding(e)}\n`);
    io.stderr.write(`render: ${result.errors.length} error(s); nothing was written\n`);
    return ExitCode.invalid;
  }
  if (settings.requireObjects && !result.hasObjects) {
    io.stderr.write(`render: no manifests found in ${paths.join(", ")}; refusing to print nothing (Argo CD would prune every object of the app)\n`);
    return ExitCode.invalid;
  }
  const objects = emitObjects(source, result.plan);
  await writeChunks(io.stdout, settings.format === "json" ? jsonListChunks(objects) : yamlStreamChunks(objects));
  return ExitCode.ok;
}
