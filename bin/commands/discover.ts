// kaito-gitops discover [DIR]: the plugin's discovery. Argo CD's cmp-server reads a non-empty
// stdout as "this plugin matches" and any non-zero exit as a failed check (an Application that
// names the plugin then shows "discover failed" instead of what generate would say). So: the
// first file under DIR that holds a kaito.sh Workspace is printed; no match prints nothing; both
// exit 0. A file that names a kaito.sh Workspace but does not parse still matches, so generate
// runs and reports its file:line:col.
import { parseArgs } from "node:util";
import { looksLikeWorkspace, parseYamlStream } from "../../workspace/index.js";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { InputError, expandPaths, readInput } from "../inputs.js";
import { UsageError } from "../options.js";

export const usage = `Usage: kaito-gitops discover [DIR]   (default: the current folder, as Argo CD runs it)

Prints the first file under DIR holding a kaito.sh Workspace (or a List with one), or nothing
when there is none. Exits 0 either way; Argo CD reads the output, not the exit code.
`;

const NAMES_A_WORKSPACE = /kind["']?\s*:\s*["']?Workspace/;
const NAMES_KAITO = /kaito\.sh\//;

function holdsWorkspace(text: string, file: string): boolean {
  // Cheap test first: most files in a repo are not Workspaces.
  if (!NAMES_A_WORKSPACE.test(text)) return false;
  let docs;
  try {
    docs = parseYamlStream(text, file);
  } catch {
    // Malformed, but written as a kaito.sh Workspace: generate will say where it breaks.
    return NAMES_KAITO.test(text);
  }
  return docs.some((doc) => {
    const value = doc.value as { kind?: unknown; items?: unknown };
    return looksLikeWorkspace(value) || (value?.kind === "List" && Array.isArray(value.items) && value.items.some(looksLikeWorkspace));
  });
}

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new UsageError("discover takes one folder");
  for (const file of await expandPaths([positionals[0] ?? "."], io.cwd)) {
    let text: string;
    try {
      text = await readInput(file, io.cwd, io.stdin);
    } catch (e) {
      // A file that cannot be read or is not text is not a Workspace file; generate reads and reports.
      if (e instanceof InputError) continue;
      throw e;
    }
    if (holdsWorkspace(text, file)) {
      io.stdout.write(`${file}\n`);
      return ExitCode.ok;
    }
  }
  return ExitCode.ok;
};
