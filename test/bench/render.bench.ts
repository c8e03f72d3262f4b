// npm run bench:render: the CLI rendering N generated Workspaces beside the yaml library parsing
// and re-printing the same output, and a cold render of one file beside a cold import of yaml.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "../helpers/repo.js";
import { fmt, measure, median, printTable } from "./measure.js";
import { benchWorkspace } from "./workspaces.js";

// The command as installed (package.json "bin"): the bundled build.
const cli = repoPath("dist/cli/kaito-gitops.js");
const roundtrip = repoPath("dist/test/bench/yaml-roundtrip.js");
const node = process.execPath;

function workspaces(n: number): string {
  return Array.from({ length: n }, (_, i) => benchWorkspace(i, `team-${i % 17}`)).join("---\n");
}

const dir = mkdtempSync(join(tmpdir(), "kaito-gitops-bench-"));
try {
  const rows: string[][] = [];
  for (const n of [1_000, 10_000]) {
    const input = join(dir, `ws-${n}.yaml`);
    const output = join(dir, `out-${n}.yaml`);
    writeFileSync(input, workspaces(n));
    const render = measure([node, cli, "render", "-q", input], { stdout: output });
    const base = measure([node, roundtrip, output], { stdout: join(dir, `roundtrip-${n}.yaml`) });
    const mib = statSync(output).size / 1024 / 1024;
    rows.push([
      String(n),
      fmt(mib, 1),
      fmt(n / render.seconds, 0),
      fmt(render.seconds),
      fmt(render.peakRssMiB, 0),
      fmt(base.seconds),
      fmt(base.peakRssMiB, 0),
      fmt(render.seconds / base.seconds),
    ]);
  }
  console.log("render N Workspaces (one file) vs yaml parse + print of the same output");
  printTable(["N", "out MiB", "ws/s", "render s", "render MiB", "yaml s", "yaml MiB", "ratio"], rows);
  console.log("target: ratio <= 2.0\n");

  // Scale: render and validate stream, so memory stays near the input's size. The yaml baseline
  // is not run here: parsing the 0.5 GiB output whole is what a stream avoids.
  const scaleRows: string[][] = [];
  const scale = Number(process.env["KAITO_GITOPS_BENCH_SCALE"] ?? 100_000);
  const input = join(dir, `ws-${scale}.yaml`);
  writeFileSync(input, workspaces(scale));
  for (const command of ["validate", "render"]) {
    const run = measure([node, cli, command, ...(command === "render" ? ["-q"] : []), input], { stdout: command === "render" ? "/dev/null" : join(dir, "validate.txt") });
    scaleRows.push([command, String(scale), fmt(statSync(input).size / 1024 / 1024, 1), fmt(run.seconds), fmt((run.seconds / scale) * 1e6, 0), fmt(run.peakRssMiB, 0)]);
  }
  console.log(`scale: ${scale} Workspaces in one file (KAITO_GITOPS_BENCH_SCALE)`);
  printTable(["command", "N", "in MiB", "s", "us/ws", "peak MiB"], scaleRows);
  console.log("target: peak RSS < 400 MiB; us/ws near the 10k row's (time linear in the input)\n");

  const one = repoPath("examples/inference/phi-3-mini.yaml");
  const renders: number[] = [];
  const imports: number[] = [];
  for (let i = 0; i < 15; i++) {
    renders.push(measure([node, cli, "render", "-q", one]).seconds);
    imports.push(measure([node, "-e", "import('yaml')"], { cwd: repoPath() }).seconds);
  }
  const r = median(renders);
  const y = median(imports);
  console.log("cold start, median of 15 alternating runs");
  printTable(["render one file ms", "node -e import('yaml') ms", "ratio"], [[fmt(r * 1000, 1), fmt(y * 1000, 1), fmt(r / y)]]);
  console.log("target: ratio <= 1.5");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
