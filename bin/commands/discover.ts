// kaito-gitops discover [DIR]: the plugin's discovery. Prints the first file under DIR that holds
// a kaito.sh Workspace and exits 0, so Argo CD picks the plugin only for folders of Workspaces;
// prints nothing and exits 1 otherwise. Files that do not parse are skipped, not fatal.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { looksLikeWorkspace, parseYamlStream } from "../../workspace/index.js";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { expandPaths } from "../inputs.js";

function holdsWorkspace(text: string, file: string): boolean {
  // Cheap test first: most files in a repo are not Workspaces.
  if (!/kind["']?\s*:\s*["']?Workspace/.test(text)) return false;
  try {
    return parseYamlStream(text, file).some((doc) => {
      const value = doc.value as { kind?: unknown; items?: unknown };
      return looksLikeWorkspace(value) || (value?.kind === "List" && Array.isArray(value.items) && value.items.some(looksLikeWorkspace));
    });
  } catch {
    return false;
  }
}

export const run: Command = async (argv, io) => {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: {} });
  for (const file of await expandPaths([positionals[0] ?? "."], io.cwd)) {
    if (holdsWorkspace(await readFile(resolve(io.cwd, file), "utf8"), file)) {
      io.stdout.write(`${file}\n`);
      return ExitCode.ok;
    }
  }
  return ExitCode.invalid;
};
