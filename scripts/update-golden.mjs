// Rewrites test/golden/ from the current renderer: run after an intended change to the
// expansion, then review the diff like code (npm run golden).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { goldenCases } = await import(pathToFileURL(join(root, "dist/test/golden/cases.js")).href);
const { runCli } = await import(pathToFileURL(join(root, "dist/test/helpers/cli.js")).href);
for (const c of goldenCases()) {
  const run = await runCli(c.args);
  if (run.code !== 0) throw new Error(`${c.args.join(" ")}: exit ${run.code}\n${run.stderr}`);
  const out = join(root, c.golden);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, run.stdout);
  console.error(`wrote ${c.golden}`);
}
