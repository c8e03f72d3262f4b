// Paths in the source tree from compiled tests (dist/test/...): the repository root is found by
// walking up to package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the compiled tests");
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRoot();
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);
