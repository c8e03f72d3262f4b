// Which renders have checked-in expected output: every example file with the default options,
// and a few with the other options.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { repoPath, repoRoot } from "../helpers/repo.js";

export interface GoldenCase {
  readonly args: readonly string[];
  /** Path of the expected output, relative to the repository root. */
  readonly golden: string;
}

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? exampleFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : []));
}

export function goldenCases(): GoldenCase[] {
  const examples = exampleFiles(repoPath("examples")).map((f) => relative(repoRoot, f));
  return [
    ...examples.map((file) => ({ args: ["render", "-q", file], golden: join("test/golden", file) })),
    {
      args: ["render", "-q", "--settings", "test/golden/options/byo/settings.yaml", "--cluster", "test/golden/options/byo/nodes.yaml", "test/golden/options/byo/phi-4-mini.yaml"],
      golden: "test/golden/options/byo.yaml",
    },
    {
      args: ["render", "-q", "--settings", "test/golden/options/aws/settings.yaml", "test/golden/options/aws/phi-4-mini.yaml"],
      golden: "test/golden/options/aws.yaml",
    },
  ];
}
