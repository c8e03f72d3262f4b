// kaito-gitops version
import { readFileSync } from "node:fs";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export const run: Command = async (_argv, io) => {
  io.stdout.write(`kaito-gitops ${packageVersion()}\n`);
  return ExitCode.ok;
};
