// Where the Argo CD pieces built by test/argocd/build.sh live: env KAITO_GITOPS_ARGOCD_BIN (a
// directory; nothing is built), else the cache directory build.sh prints (it builds what is
// missing, which the first run on a new machine pays once; its progress goes to our stderr).
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { repoPath } from "../helpers/repo.js";

export type ArgocdPiece = "luahealth" | "redis" | "argocd";

const resolved = new Map<string, string>();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The bin directory holding `pieces` (built if missing). Synchronous so module-level test
 *  discovery can use it. */
export function argocdBinary(pieces: readonly ArgocdPiece[]): string {
  const key = [...pieces].sort().join(",");
  const known = resolved.get(key);
  if (known !== undefined) return known;
  const fromEnv = process.env["KAITO_GITOPS_ARGOCD_BIN"];
  let binDir: string;
  if (fromEnv !== undefined && fromEnv !== "") {
    binDir = fromEnv;
  } else {
    const script = repoPath("test", "argocd", "build.sh");
    const args = [script, ...pieces.flatMap((p) => ["--only", p])];
    // Cold builds of the argocd binary take minutes on a small machine.
    const proc = spawnSync("bash", args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", timeout: 60 * 60_000 });
    if (proc.error !== undefined) throw new Error(`cannot run ${script}: ${proc.error.message}`);
    if (proc.status !== 0) throw new Error(`${script} failed with exit code ${proc.status ?? proc.signal} (its progress and errors are above on stderr)`);
    binDir = proc.stdout.trim().split("\n").pop()?.trim() ?? "";
    if (binDir === "") throw new Error(`${script} printed no bin directory`);
  }
  const missing = pieces.filter((p) => !isExecutable(join(binDir, p)));
  if (missing.length > 0) {
    throw new Error(
      `Argo CD test binaries missing in ${binDir}: ${missing.join(", ")}` +
        (fromEnv ? " (from KAITO_GITOPS_ARGOCD_BIN; unset it to build them with test/argocd/build.sh)" : ""),
    );
  }
  resolved.set(key, binDir);
  return binDir;
}
