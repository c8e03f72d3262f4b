// Runs every compiled *.test.js under dist/test with Node's test runner. Node 20 treats every
// file under a folder named "test" as a test file, helpers and benchmarks included; naming the
// files keeps helpers and benchmarks out. Arguments narrow the run: folders or files under
// dist/test (unit, golden, lua, certs, e2e, unit/cli.test.js, ...).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = join(root, "dist/test");

function find(dir) {
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith(".test.js") ? [join(dir, e.name)] : []));
}

const areas = process.argv.slice(2);
const files = (areas.length ? areas.map((a) => join(base, a)) : [base]).flatMap(find);
if (files.length === 0) {
  console.error(`no test files under ${areas.join(", ") || base}; run npm run build first`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
