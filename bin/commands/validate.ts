// kaito-gitops validate PATH...: checks every Workspace as render would, prints every problem
// with file:line:col and field path, and exits non-zero if any is an error.
import { parseArgs } from "node:util";
import { formatPath, looksLikeWorkspace } from "../../workspace/index.js";
import { checkObjects, formatFinding } from "../../workspace/render/stream.js";
import type { Finding, ObjectSource } from "../../workspace/render/stream.js";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { readSources } from "../inputs.js";
import { expandFlags, toExpandOptions, UsageError } from "../options.js";

export const usage = `Usage: kaito-gitops validate [flags] PATH... (a file, a folder, or - for stdin)

Checks every kaito.sh Workspace as render does: its schema, then the verdict of KAITO's own
admission webhook of the chosen release (--kaito-version), plus our warnings.
Exit 0 when all are valid, 1 when any is not, 3 when a file cannot be read or parsed.

Flags: the same as render (--kaito-version, --settings, --cluster, -n), and
  --strict            warnings count as errors
  -o, --output text|json   json prints every finding as an object
`;

const asJson = (f: Finding): object => ({
  file: f.file,
  line: f.position.line,
  column: f.position.col,
  object: f.object,
  severity: f.violation.severity,
  rule: f.violation.rule,
  field: formatPath(f.violation.path),
  message: f.violation.message,
});

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...expandFlags,
      strict: { type: "boolean" },
      output: { type: "string", short: "o" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  const format = values.output ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`--output must be text or json; got ${JSON.stringify(format)}`);
  if (positionals.length === 0) throw new UsageError("validate needs at least one file or folder (or - for stdin)");

  const options = await toExpandOptions(values, io.cwd, io.stdin, positionals);
  const { files, objects, notes: walkNotes } = await readSources(positionals, io.cwd, io.stdin, values.settings === undefined ? [] : [values.settings]);
  // A file given to validate and holding no Workspace is worth a word: it may be one that did
  // not decode as the user thinks, or the wrong file; "0 valid" alone reads like success.
  const holding = new Set<string>();
  const noting: ObjectSource = function* () {
    for (const src of objects()) {
      if (looksLikeWorkspace(src.value)) holding.add(src.file);
      yield src;
    }
  };
  const result = checkObjects(noting, options);
  const notes = [...walkNotes, ...files.filter((f) => !holding.has(f)).map((f) => `${f}: note: no kaito.sh Workspace in this file`)];
  const failed = result.errors.length > 0 || (values.strict === true && result.warnings.length > 0);

  if (format === "json") {
    io.stdout.write(`${JSON.stringify({ valid: !failed, workspaces: result.workspaceCount, findings: [...result.errors, ...result.warnings].map(asJson) }, null, 2)}\n`);
  } else {
    for (const note of notes) io.stderr.write(`${note}\n`);
    for (const e of result.errors) io.stderr.write(`${formatFinding(e)}\n`);
    for (const w of result.warnings) io.stderr.write(`${formatFinding(w)}\n`);
    const summary = `${result.workspaceCount} valid Workspace(s) in ${files.length} file(s); ${result.errors.length} error(s), ${result.warnings.length} warning(s)`;
    io.stdout.write(`${failed ? "invalid" : "ok"}: ${summary}\n`);
  }
  return failed ? ExitCode.invalid : ExitCode.ok;
};
