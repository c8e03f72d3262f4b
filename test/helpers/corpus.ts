// Where KAITO's conformance corpus is: shared/conformance beside the repository (as laid out for
// developers and CI), or KAITO_CONFORMANCE_CORPUS. Missing is a failure, never a skip.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { repoPath } from "./repo.js";

export function corpusRoot(): string {
  const dir = process.env.KAITO_CONFORMANCE_CORPUS ?? resolve(repoPath(".."), "shared/conformance");
  if (!existsSync(resolve(dir, "README.md"))) {
    throw new Error(`KAITO's conformance corpus is not at ${dir}; set KAITO_CONFORMANCE_CORPUS to its folder`);
  }
  return dir;
}
