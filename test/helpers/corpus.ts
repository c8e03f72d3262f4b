// Where KAITO's conformance corpus is: KAITO_CONFORMANCE_CORPUS, else the nearest
// shared/conformance beside the repository or one of its parent folders (a worktree or a CI clone
// may sit deeper than the developer's checkout), else beside the local checkout it was cloned
// from. Missing is a failure, never a skip.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { repoPath } from "./repo.js";

const isCorpus = (dir: string): boolean => existsSync(resolve(dir, "README.md")) && existsSync(resolve(dir, "kaito-v0.12"));

function besideOrAbove(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = resolve(dir, "shared/conformance");
    if (isCorpus(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A clone made with `git clone /path/to/checkout` finds the corpus beside the checkout it came from. */
function originCheckout(): string | undefined {
  try {
    const url = execFileSync("git", ["-C", repoPath("."), "config", "--get", "remote.origin.url"], { encoding: "utf8" }).trim();
    return url.startsWith("/") ? url : undefined;
  } catch {
    return undefined;
  }
}

export function findCorpus(): string | undefined {
  const fromEnv = process.env.KAITO_CONFORMANCE_CORPUS;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const origin = originCheckout();
  return besideOrAbove(resolve(repoPath(".."))) ?? (origin === undefined ? undefined : besideOrAbove(resolve(origin, "..")));
}

export function corpusRoot(): string {
  const dir = findCorpus();
  if (dir === undefined || !isCorpus(dir)) {
    throw new Error(`KAITO's conformance corpus was not found (${dir ?? "no shared/conformance beside the repository or its parents"}); set KAITO_CONFORMANCE_CORPUS to its folder`);
  }
  return dir;
}
