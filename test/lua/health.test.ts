// Runs every Argo CD health check under plugin/health with a real Lua 5.1 interpreter (Debian
// package lua5.1, the language level of Argo CD's gopher-lua), against the cases of its
// health_test.yaml, in Argo CD's own resource_customizations layout:
//
//   plugin/health/<group>/<Kind>/health.lua
//   plugin/health/<group>/<Kind>/health_test.yaml   tests: [{inputPath, healthStatus: {status, message}}]
//   plugin/health/<group>/<Kind>/testdata/*.yaml
//
// Each case runs twice: with all libraries (how Argo CD runs built-in checks and its own test)
// and with only base + table + os (how it runs an argocd-cm check without useOpenLibs). Both must
// give `healthStatus`, unless the case also has `healthStatusWithoutOpenLibs` (our extension; Argo
// CD's Go test ignores unknown keys), which then holds the restricted-libraries result.
//
// The object goes to Lua as a table literal built by toLuaLiteral; the driver
// (test/lua/health_driver.lua) prints status and message length-prefixed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const LUA = "lua5.1";
const HEALTH_CODES: readonly string[] = ["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"];
const LIB_SETS = ["open", "restricted"] as const;
type LibSet = (typeof LIB_SETS)[number];

interface HealthStatus {
  status: string;
  message: string;
}

interface HealthCase {
  inputPath: string;
  expected: HealthStatus;
  expectedWithoutOpenLibs: HealthStatus;
}

interface HealthCheck {
  /** "<group>/<Kind>", as Argo CD keys it. */
  key: string;
  dir: string;
  script: string;
  cases: HealthCase[];
}

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "plugin", "health"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with plugin/health above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

const ROOT = findRepoRoot();
const HEALTH_DIR = join(ROOT, "plugin", "health");
const DRIVER = join(ROOT, "test", "lua", "health_driver.lua");

// ---------------------------------------------------------------------------------------------
// JSON-like value -> Lua 5.1 table literal

/** A Lua string literal for `text`: printable ASCII as is, every other byte (UTF-8) as \ddd. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    if (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c) {
      out += String.fromCharCode(byte);
    } else {
      out += "\\" + String(byte).padStart(3, "0");
    }
  }
  return out + '"';
}

function luaNumber(value: number): string {
  if (Number.isNaN(value)) return "(0/0)";
  if (value === Infinity) return "(1/0)";
  if (value === -Infinity) return "(-1/0)";
  // JavaScript's shortest round-trip form ("42", "0.1", "1e+21", "-3") is a valid Lua 5.1 numeral.
  return String(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The Lua expression that builds `value` the way Argo CD hands an object to its Lua VM: maps
 * become tables with string keys, arrays 1-based tables, null an absent value (nil).
 */
export function toLuaLiteral(value: unknown, path = "$", depth = 0): string {
  if (depth > 64) throw new Error(`${path}: nested too deeply for a Lua table literal`);
  if (value === null || value === undefined) return "nil";
  switch (typeof value) {
    case "string":
      return luaString(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return luaNumber(value);
    case "object": {
      if (Array.isArray(value)) {
        const items = value.map((item: unknown, i) => toLuaLiteral(item, `${path}[${i}]`, depth + 1));
        return `{${items.join(", ")}}`;
      }
      if (!isPlainObject(value)) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "non-plain object";
        throw new Error(`${path}: cannot express a ${name} as a Lua value`);
      }
      const fields: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        if (item === null || item === undefined) continue;
        fields.push(`[${luaString(key)}] = ${toLuaLiteral(item, `${path}.${key}`, depth + 1)}`);
      }
      return `{${fields.join(", ")}}`;
    }
    default:
      throw new Error(`${path}: cannot express a ${typeof value} as a Lua value`);
  }
}

// ---------------------------------------------------------------------------------------------
// Running lua5.1

type DriverOutput = { kind: "result"; status: string | null; message: string | null } | { kind: "error"; text: string };

function parseDriverOutput(stdout: Buffer): DriverOutput {
  let pos = 0;
  const readLine = (): string => {
    const end = stdout.indexOf(0x0a, pos);
    if (end < 0) throw new Error(`driver output ends inside a header: ${JSON.stringify(stdout.toString("utf8"))}`);
    const line = stdout.subarray(pos, end).toString("latin1");
    pos = end + 1;
    return line;
  };
  const readField = (): string | null => {
    const header = readLine();
    if (header === "-1") return null;
    if (!/^(0|[1-9][0-9]*)$/.test(header)) throw new Error(`bad length ${JSON.stringify(header)} in driver output`);
    const length = Number(header);
    if (pos + length >= stdout.length || stdout[pos + length] !== 0x0a) {
      throw new Error(`driver output is shorter than the announced ${length} bytes`);
    }
    const text = stdout.subarray(pos, pos + length).toString("utf8");
    pos += length + 1;
    return text;
  };
  const kind = readLine();
  let output: DriverOutput;
  if (kind === "result") {
    const status = readField();
    const message = readField();
    output = { kind, status, message };
  } else if (kind === "error") {
    output = { kind, text: readField() ?? "" };
  } else {
    throw new Error(`unexpected driver output: ${JSON.stringify(stdout.toString("utf8"))}`);
  }
  if (pos !== stdout.length) throw new Error(`trailing driver output: ${JSON.stringify(stdout.subarray(pos).toString("utf8"))}`);
  return output;
}

function spawnLua(args: string[], input?: string) {
  const proc = spawnSync(LUA, args, { input, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 });
  if (proc.error !== undefined) {
    if ((proc.error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`${LUA} is not on PATH; install it (Debian/Ubuntu: apt-get install -y lua5.1)`);
    }
    throw proc.error;
  }
  return proc;
}

/**
 * Runs `scriptPath` with `obj` as the global `obj` and returns what Argo CD would read from it
 * (a nil status or message reads as ""). A Lua error, or a result that is not a table of strings,
 * throws: Argo CD would show the resource as Unknown.
 */
export function runHealthScript(scriptPath: string, obj: unknown, libs: LibSet): HealthStatus {
  const proc = spawnLua([DRIVER, libs, scriptPath], `return ${toLuaLiteral(obj)}\n`);
  if (proc.status !== 0) {
    throw new Error(`${LUA} exited with ${proc.status ?? proc.signal}: ${proc.stderr.toString("utf8")}`);
  }
  const output = parseDriverOutput(proc.stdout);
  if (output.kind === "error") throw new Error(`${scriptPath} (${libs} libraries): ${output.text}`);
  return { status: output.status ?? "", message: output.message ?? "" };
}

// ---------------------------------------------------------------------------------------------
// Discovery and checking

function readHealthStatus(value: unknown, where: string): HealthStatus {
  if (typeof value !== "object" || value === null) throw new Error(`${where}: expected {status, message}`);
  const { status, message } = value as { status?: unknown; message?: unknown };
  if (typeof status !== "string" || !HEALTH_CODES.includes(status)) {
    throw new Error(`${where}.status: expected one of ${HEALTH_CODES.join(", ")}, got ${JSON.stringify(status)}`);
  }
  if (message !== undefined && message !== null && typeof message !== "string") {
    throw new Error(`${where}.message: expected a string, got ${JSON.stringify(message)}`);
  }
  return { status, message: message ?? "" };
}

function listDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

export function discoverHealthChecks(root: string): HealthCheck[] {
  const checks: HealthCheck[] = [];
  for (const group of listDirs(root)) {
    for (const kind of listDirs(join(root, group))) {
      const dir = join(root, group, kind);
      const key = `${group}/${kind}`;
      const script = join(dir, "health.lua");
      const testsFile = join(dir, "health_test.yaml");
      if (!existsSync(script)) throw new Error(`${key}: health.lua is missing`);
      if (!existsSync(testsFile)) throw new Error(`${key}: health_test.yaml is missing`);
      const doc: unknown = parse(readFileSync(testsFile, "utf8"));
      const tests = (doc as { tests?: unknown } | null)?.tests;
      if (!Array.isArray(tests) || tests.length === 0) throw new Error(`${key}/health_test.yaml: no tests`);
      const cases = tests.map((entry: unknown, i): HealthCase => {
        const where = `${key}/health_test.yaml tests[${i}]`;
        const { inputPath, healthStatus, healthStatusWithoutOpenLibs } = (entry ?? {}) as Record<string, unknown>;
        if (typeof inputPath !== "string") throw new Error(`${where}.inputPath: expected a path`);
        if (!existsSync(join(dir, inputPath))) throw new Error(`${where}.inputPath: ${inputPath} does not exist`);
        const expected = readHealthStatus(healthStatus, `${where}.healthStatus`);
        const expectedWithoutOpenLibs =
          healthStatusWithoutOpenLibs === undefined
            ? expected
            : readHealthStatus(healthStatusWithoutOpenLibs, `${where}.healthStatusWithoutOpenLibs`);
        return { inputPath, expected, expectedWithoutOpenLibs };
      });
      const testdata = join(dir, "testdata");
      if (existsSync(testdata)) {
        const used = new Set(cases.map((c) => c.inputPath.replace(/^\.\//, "")));
        for (const file of readdirSync(testdata).sort()) {
          if (!used.has(`testdata/${file}`)) throw new Error(`${key}: testdata/${file} is not used by any test`);
        }
      }
      checks.push({ key, dir, script, cases });
    }
  }
  return checks;
}

function loadObject(path: string): unknown {
  const obj: unknown = parse(readFileSync(path, "utf8"));
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Error(`${path}: not a YAML mapping`);
  return obj;
}

/** Runs one case with both library sets; throws an AssertionError on any difference. */
export function checkCase(check: HealthCheck, c: HealthCase): void {
  const obj = loadObject(join(check.dir, c.inputPath));
  for (const libs of LIB_SETS) {
    const actual = runHealthScript(check.script, obj, libs);
    const expected = libs === "open" ? c.expected : c.expectedWithoutOpenLibs;
    assert.ok(HEALTH_CODES.includes(actual.status), `${check.key} returned an invalid health status ${JSON.stringify(actual.status)}`);
    assert.deepEqual(actual, expected, `${check.key} ${c.inputPath} with ${libs} libraries`);
  }
}

// ---------------------------------------------------------------------------------------------
// Tests

let checks: HealthCheck[] = [];
let discoveryError: unknown;
try {
  checks = discoverHealthChecks(HEALTH_DIR);
} catch (err) {
  discoveryError = err;
}

test("health checks: discovery", () => {
  if (discoveryError !== undefined) throw discoveryError;
  assert.ok(
    checks.some((c) => c.key === "kaito.sh/Workspace"),
    `no kaito.sh/Workspace check under ${HEALTH_DIR}`,
  );
});

test("health checks: lua5.1 is installed and is Lua 5.1", () => {
  const proc = spawnLua(["-v"]);
  const banner = `${proc.stdout.toString("utf8")}${proc.stderr.toString("utf8")}`;
  assert.match(banner, /^Lua 5\.1\./, `unexpected ${LUA} -v output: ${banner}`);
});

for (const check of checks) {
  for (const c of check.cases) {
    test(`health ${check.key}: ${c.inputPath} -> ${c.expected.status}`, () => {
      checkCase(check, c);
    });
  }
}

test("health runner: a wrong expected status fails", () => {
  const check = checks.find((c) => c.key === "kaito.sh/Workspace");
  assert.ok(check !== undefined && check.cases.length > 0, "no Workspace case to tamper with");
  const original = check.cases[0];
  const wrongStatus = original.expected.status === "Healthy" ? "Degraded" : "Healthy";
  const tampered: HealthCase = {
    inputPath: original.inputPath,
    expected: { ...original.expected, status: wrongStatus },
    expectedWithoutOpenLibs: { ...original.expectedWithoutOpenLibs, status: wrongStatus },
  };
  assert.throws(
    () => checkCase(check, tampered),
    (err: unknown) => err instanceof assert.AssertionError && err.message.includes("with open libraries"),
  );
  const wrongMessage: HealthCase = { ...original, expected: { ...original.expected, message: `${original.expected.message}!` } };
  assert.throws(() => checkCase(check, wrongMessage), assert.AssertionError);
});

test("health runner: Lua errors and the restricted library set are detected", () => {
  const dir = mkdtempSync(join(tmpdir(), "kaito-health-"));
  try {
    const broken = join(dir, "broken.lua");
    writeFileSync(broken, "return { status = obj.status.conditions[1].type }\n");
    assert.throws(() => runHealthScript(broken, { metadata: { name: "x" } }, "open"), /attempt to index/);

    const usesString = join(dir, "string.lua");
    writeFileSync(usesString, 'local hs = {}\nhs.status = "Healthy"\nhs.message = string.upper(obj.kind)\nreturn hs\n');
    assert.deepEqual(runHealthScript(usesString, { kind: "Workspace" }, "open"), { status: "Healthy", message: "WORKSPACE" });
    assert.throws(() => runHealthScript(usesString, { kind: "Workspace" }, "restricted"), /string/);

    const usesMethod = join(dir, "method.lua");
    writeFileSync(usesMethod, 'return { status = "Healthy", message = obj.kind:lower() }\n');
    assert.throws(() => runHealthScript(usesMethod, { kind: "Workspace" }, "restricted"), /attempt to index/);

    const modern = join(dir, "modern.lua");
    writeFileSync(modern, 'local n = 7 // 2\nreturn { status = "Healthy" }\n');
    assert.throws(() => runHealthScript(modern, {}, "open"), /modern\.lua/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("health runner: objects reach Lua intact", () => {
  const dir = mkdtempSync(join(tmpdir(), "kaito-health-"));
  try {
    const echo = join(dir, "echo.lua");
    writeFileSync(
      echo,
      [
        "local parts = { obj.text, tostring(obj.int), tostring(obj.negative), tostring(obj.fraction),",
        "  tostring(#obj.list), obj.list[1], tostring(obj.list[2]), tostring(obj.list[3].deep.flag),",
        '  tostring(obj.absent), tostring(obj.nested["a/b"]) }',
        'return { status = "Healthy", message = table.concat(parts, "|") }',
        "",
      ].join("\n"),
    );
    const text = 'quote" backslash\\ newline\n tab\t nul\u0000 é ✓ 1\u00012 ]] [==[';
    const obj = {
      text,
      int: 42,
      negative: -3,
      fraction: 0.5,
      list: ["first", 2, { deep: { flag: false } }],
      absent: null,
      nested: { "a/b": "slash key" },
    };
    for (const libs of LIB_SETS) {
      assert.deepEqual(runHealthScript(echo, obj, libs), {
        status: "Healthy",
        message: `${text}|42|-3|0.5|3|first|2|false|nil|slash key`,
      });
    }
    assert.throws(() => toLuaLiteral({ when: new Date(0) }), /\$\.when: cannot express a Date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
