// Issue 12, finding 7: hostile and unusual inputs to the CLI, run as a user's shell runs the
// installed command (the bundle in dist/cli). Each gets the exit code docs/cli.md promises and a
// message naming the path; none gets a stack trace, hangs or reads without end.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoPath } from "../helpers/repo.js";

const cli = repoPath("dist/cli/kaito-gitops.js");
const WORKSPACE = readFileSync(repoPath("examples/inference/phi-3-mini.yaml"), "utf8");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The bundled CLI in `cwd`, bounded in time; as an unprivileged user when `unprivileged` and we are root. */
function kaitoGitops(args: readonly string[], cwd: string, options: { unprivileged?: boolean; input?: Buffer } = {}): Run {
  const asNobody = options.unprivileged === true && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", timeout: 20_000, env: { PATH: process.env["PATH"] ?? "" }, ...asNobody, ...(options.input && { input: options.input }) });
  assert.equal(result.error, undefined, `kaito-gitops ${args.join(" ")}: ${String(result.error)}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "kaito-gitops-inputs-"));
  chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function assertRefused(run: Run, code: number, message: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  assert.equal(run.stdout, "");
}

describe("CLI inputs", () => {
  it("an unreadable file or folder: exit 3 naming it, no stack trace", () => {
    const dir = folder({ "secret.yaml": WORKSPACE, "locked/ws.yaml": WORKSPACE });
    chmodSync(join(dir, "secret.yaml"), 0o000);
    chmodSync(join(dir, "locked"), 0o000);
    assertRefused(kaitoGitops(["validate", "secret.yaml"], dir, { unprivileged: true }), 3, /^secret\.yaml: permission denied \(EACCES\)$/m);
    assertRefused(kaitoGitops(["render", "locked"], dir, { unprivileged: true }), 3, /^locked: permission denied \(EACCES\)$/m);
    assertRefused(kaitoGitops(["validate", "secret.yaml/x"], dir), 3, /^secret\.yaml\/x: a path component is not a folder \(ENOTDIR\)$/m);
  });

  it("devices and named pipes are refused at once: only regular files and - are read", () => {
    const dir = folder();
    execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
    assertRefused(kaitoGitops(["validate", "/dev/zero"], dir), 3, /^\/dev\/zero: a device, not a regular file or folder/m);
    assertRefused(kaitoGitops(["render", "pipe.yaml"], dir), 3, /^pipe\.yaml: a named pipe, not a regular file or folder/m);
    // In a folder, a pipe named like a manifest is skipped with a word, never waited on.
    const walked = kaitoGitops(["validate", "."], dir);
    assert.equal(walked.code, 0, walked.stderr);
    assert.match(walked.stderr, /^pipe\.yaml: not a regular file \(a pipe, device or socket\); skipped$/m);
    const piped = kaitoGitops(["validate", "-"], dir, { input: Buffer.from(WORKSPACE) });
    assert.equal(piped.code, 0, piped.stderr);
  });

  it("UTF-16 with a byte-order mark reads as its UTF-8 twin; without one, or with NULs, is refused with where", () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(WORKSPACE, "utf16le")]);
    const utf16be = Buffer.from(utf16le);
    utf16be.swap16();
    const dir = folder({ "utf8.yaml": WORKSPACE, "le.yaml": utf16le, "be.yaml": utf16be, "bom8.yaml": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(WORKSPACE)]), "nobom.yaml": Buffer.from(WORKSPACE, "utf16le"), "nul.yaml": `${WORKSPACE}# \u0000\n`, "latin1.yaml": Buffer.from("a: caf\xe9\n", "latin1") });
    const twin = kaitoGitops(["render", "utf8.yaml"], dir);
    for (const file of ["le.yaml", "be.yaml", "bom8.yaml"]) {
      const run = kaitoGitops(["render", file], dir);
      assert.deepEqual([run.code, run.stdout], [twin.code, twin.stdout], `${file}: ${run.stderr}`);
    }
    assertRefused(kaitoGitops(["validate", "nobom.yaml"], dir), 3, /^nobom\.yaml:1:2: holds a NUL character/m);
    assertRefused(kaitoGitops(["validate", "nul.yaml"], dir), 3, /^nul\.yaml:14:3: holds a NUL character/m);
    assertRefused(kaitoGitops(["validate", "latin1.yaml"], dir), 3, /^latin1\.yaml: not UTF-8/m);
  });

  it("a file holding no Workspace is reported by validate", () => {
    const dir = folder({ "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "empty.yaml": "" });
    const run = kaitoGitops(["validate", "cm.yaml", "empty.yaml"], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^cm\.yaml: note: no kaito\.sh Workspace in this file$/m);
    assert.match(run.stderr, /^empty\.yaml: note: no kaito\.sh Workspace in this file$/m);
  });

  it("symbolic links in folders are followed, a loop is read once and said so, a broken link is said so", () => {
    const dir = folder({ "real/ws.yaml": WORKSPACE });
    mkdirSync(join(dir, "app"));
    symlinkSync(join(dir, "real", "ws.yaml"), join(dir, "app", "linked.yaml"));
    symlinkSync(join(dir, "real"), join(dir, "app", "linked-folder"));
    symlinkSync(join(dir, "app"), join(dir, "app", "loop"));
    symlinkSync(join(dir, "nowhere.yaml"), join(dir, "app", "broken.yaml"));
    const run = kaitoGitops(["validate", "app"], dir);
    assert.match(run.stdout, /2 valid Workspace\(s\) in 2 file\(s\)|in 2 file\(s\)/, run.stderr);
    assert.match(run.stderr, /app\/loop: a symbolic link to a folder already read; skipped/);
    assert.match(run.stderr, /app\/broken\.yaml: a broken symbolic link; skipped/);
  });

  it("version works from any folder", () => {
    const run = kaitoGitops(["version"], tmpdir());
    const { version } = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { version: string };
    assert.deepEqual([run.code, run.stdout], [0, `kaito-gitops ${version}\n`], run.stderr);
  });

  it("names of Object.prototype are not commands", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const run = kaitoGitops([name], tmpdir());
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(run.stderr, /unknown command/);
    }
  });

  it("YAML tags a Kubernetes object cannot carry are refused, !!set and !!binary included", () => {
    const withLabels = (labels: string): string => WORKSPACE.replace("metadata:\n  name: workspace-phi-3-mini\n", `metadata:\n  name: workspace-phi-3-mini\n  labels: ${labels}\n`);
    const dir = folder({ "set.yaml": withLabels("!!set {a, b}"), "custom.yaml": withLabels("!mine {a: b}"), "binary.yaml": withLabels("{a: !!binary aGk=}"), "str.yaml": withLabels("{a: !!str 1}") });
    assertRefused(kaitoGitops(["validate", "set.yaml"], dir), 3, /^set\.yaml:6:11: the tag !!set is not allowed/m);
    assertRefused(kaitoGitops(["validate", "custom.yaml"], dir), 3, /^custom\.yaml:6:11: the tag !mine is not allowed/m);
    assertRefused(kaitoGitops(["validate", "binary.yaml"], dir), 3, /the tag !!binary is not allowed/);
    assert.equal(kaitoGitops(["validate", "str.yaml"], dir).code, 0, "the core schema's own tags stay");
  });

  it("lists and maps nested past 256 levels are refused where they pass it, flow or block, before they are parsed", () => {
    const levels = 1_000_000;
    const indented = (item: (depth: number) => string): string => Array.from({ length: 300 }, (_, d) => `${" ".repeat(d)}${item(d)}\n`).join("");
    const dir = folder({
      "lists.yaml": `a: ${"[".repeat(levels)}${"]".repeat(levels)}\n`,
      "json.yaml": `${'{"a":'.repeat(levels / 5)}1${"}".repeat(levels / 5)}\n`,
      "maps.yaml": indented(() => "a:"),
      "sequences.yaml": indented(() => "-"),
      // Brackets in scalars and comments are text, not nesting.
      "text.yaml": `${WORKSPACE}  # ${"[".repeat(1000)}\nextra: "${"{".repeat(1000)}"\n`,
      "just-under.yaml": `a: ${"[".repeat(250)}${"]".repeat(250)}\n`,
    });
    const started = performance.now();
    assertRefused(kaitoGitops(["validate", "lists.yaml"], dir), 3, /^lists\.yaml:1:258: lists and maps nest more than 256 levels deep here/m);
    assertRefused(kaitoGitops(["validate", "json.yaml"], dir), 3, /^json\.yaml:1:1276: lists and maps nest more than 256 levels deep here/m);
    assertRefused(kaitoGitops(["validate", "maps.yaml"], dir), 3, /^maps\.yaml:256:256: lists and maps nest/m);
    assertRefused(kaitoGitops(["validate", "sequences.yaml"], dir), 3, /^sequences\.yaml:256:256: lists and maps nest/m);
    // Generous: the four took 14 s and 1.6 GiB for the first alone before the bound.
    assert.ok(performance.now() - started < 15_000, `${Math.round(performance.now() - started)} ms`);
    assert.doesNotMatch(kaitoGitops(["validate", "text.yaml"], dir).stderr, /nest more than/);
    assert.doesNotMatch(kaitoGitops(["validate", "just-under.yaml"], dir).stderr, /nest more than/);
  });

  it("a repeated key is refused where it repeats, in one pass however many keys a map has", () => {
    const labels = (n: number, repeat: string): string => `labels:\n${Array.from({ length: n }, (_, i) => `  k${i}: v\n`).join("")}  ${repeat}: again\n`;
    const dir = folder({
      "block.yaml": labels(3, "k1"),
      "flow.yaml": 'a: {"x": 1, "y": 2, "x": 3}\n',
      "many.yaml": labels(100_000, "k99999"),
      "typed.yaml": 'a:\n  1: one\n  "1": string one\n',
    });
    assertRefused(kaitoGitops(["validate", "block.yaml"], dir), 3, /^block\.yaml:5:3: the key "k1" appears twice in this map/m);
    assertRefused(kaitoGitops(["validate", "flow.yaml"], dir), 3, /^flow\.yaml:1:21: the key "x" appears twice in this map/m);
    // Each key was compared with every earlier one: 40,000 took 28 s before.
    const started = performance.now();
    assertRefused(kaitoGitops(["validate", "many.yaml"], dir), 3, /^many\.yaml:100002:3: the key "k99999" appears twice/m);
    assert.ok(performance.now() - started < 15_000, `${Math.round(performance.now() - started)} ms`);
    assert.doesNotMatch(kaitoGitops(["validate", "typed.yaml"], dir).stderr, /appears twice/, "an integer key and a string key differ, as in the YAML library");
  });

  it("a document longer than the API server accepts is refused at its start; the documents before it are read", () => {
    const long = `kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: big\ndata:\n${Array.from({ length: 400_000 }, (_, i) => `  k${i}: v\n`).join("")}`;
    const dir = folder({ "big.yaml": `${WORKSPACE}---\n${long}` });
    const lines = WORKSPACE.split("\n").length;
    assertRefused(kaitoGitops(["validate", "big.yaml"], dir), 3, new RegExp(`^big\\.yaml:${lines}:1: the document starting here is longer than 3145728 characters`, "m"));
  });
});
