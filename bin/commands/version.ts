// kaito-gitops version
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";

const PACKAGE_NAME = "kaito-gitops";

/**
 * The version in our package.json, found from this module up: it runs from dist/bin/commands
 * (the compiled modules) and from dist/cli (the bundle), in a checkout or an installed package,
 * so no fixed number of levels up is right for all.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return pkg.version;
    } catch {
      // No package.json here (or not ours): look one level up.
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no package.json of ${PACKAGE_NAME} above ${fileURLToPath(import.meta.url)}`);
}

export const run: Command = async (_argv, io) => {
  io.stdout.write(`kaito-gitops ${packageVersion()}\n`);
  return ExitCode.ok;
};
