// Where KAITO's conformance corpus is: KAITO_CONFORMANCE_CORPUS, else the nearest
// shared/conformance beside the repository or beside one of its parent folders (a worktree or a
// CI clone may sit a level deeper than the developer's checkout). Missing is a failure, never a skip.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { repoPath } from "./repo.js";

const isCorpus = (dir: string): boolean => existsSync(resolve(dir, "README.md")) && existsSync(resolve(dir, "kaito-v0.12"));

export function findCorpus(): string | undefined {
  const fromEnv = process.env.KAITO_CONFORMANCE_CORPUS;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  for (let dir = resolve(repoPath(".."));; dir = dirname(dir)) {
    const candidate = resolve(dir, "shared/conformance");
    if (isCorpus(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function corpusRoot(): string {
  const dir = findCorpus();
  if (dir === undefined || !isCorpus(dir)) {
    throw new Error(`KAITO's conformance corpus was not found (${dir ?? "no shared/conformance beside the repository or its parents"}); set KAITO_CONFORMANCE_CORPUS to its folder`);
  }
  return dir;
}
