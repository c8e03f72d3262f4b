// Runs every Argo CD health check under plugin/health in Argo CD's own Lua VM (util/lua of the
// pinned github.com/argoproj/argo-cd/v3, through test/argocd/luahealth), against the cases of its
// health_test.yaml, in Argo CD's resource_customizations layout:
//
//   plugin/health/<group>/<Kind>/health.lua
//   plugin/health/<group>/<Kind>/health_test.yaml   tests: [{inputPath, healthStatus: {status, message}}]
//   plugin/health/<group>/<Kind>/testdata/*.yaml
//
// Each case runs three ways:
//   open        the script with all libraries (how Argo CD runs built-in checks and its own test)
//   restricted  the script with only base + table + safe os (an argocd-cm check without useOpenLibs)
//   argocd-cm   looked up by kind from the argocd-cm keys that kustomize/components/argocd writes,
//               with its useOpenLibs setting (what a user's application controller does)
// open must give `healthStatus`; restricted gives `healthStatusWithoutOpenLibs` when the case has
// it (our extension; Argo CD's Go test ignores unknown keys), else `healthStatus`.
//
// All cases go to one luahealth process at load time; each test asserts its own answers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { evaluateHealthOnce, evaluateHealthSync, HEALTH_CODES } from "../argocd/luahealth.js";
import type { HealthOverride, HealthRequest, HealthResult, HealthStatus } from "../argocd/luahealth.js";
import { repoPath } from "../helpers/repo.js";
import { COMPONENT_DIR, componentArgocdCm } from "../argocd/component.js";

const HEALTH_DIR = repoPath("plugin", "health");
const MODES = ["open", "restricted", "argocd-cm"] as const;
type Mode = (typeof MODES)[number];

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

function loadObject(path: string): Record<string, unknown> {
  const obj: unknown = parse(readFileSync(path, "utf8"));
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Error(`${path}: not a YAML mapping`);
  return obj as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// argocd-cm as the kustomize component writes it

/** argocd-cm split keys -> Argo CD's resource overrides, keyed "<group>/<Kind>" (the key
 *  `resource.customizations.health.<group>_<Kind>`, as util/settings reads it). */
export function healthOverrides(argocdCm: Record<string, string>): Record<string, HealthOverride> {
  const overrides: Record<string, HealthOverride> = {};
  const keyOf = (suffix: string): string => {
    const underscore = suffix.lastIndexOf("_");
    return underscore < 0 ? suffix : `${suffix.slice(0, underscore)}/${suffix.slice(underscore + 1)}`;
  };
  for (const [key, value] of Object.entries(argocdCm)) {
    const health = /^resource\.customizations\.health\.(.+)$/.exec(key);
    if (health?.[1] !== undefined) {
      const k = keyOf(health[1]);
      overrides[k] = { useOpenLibs: overrides[k]?.useOpenLibs ?? false, healthLua: value };
    }
    const open = /^resource\.customizations\.useOpenLibs\.(.+)$/.exec(key);
    if (open?.[1] !== undefined) {
      const k = keyOf(open[1]);
      overrides[k] = { healthLua: overrides[k]?.healthLua ?? "", useOpenLibs: value === "true" };
    }
  }
  return overrides;
}

// ---------------------------------------------------------------------------------------------
// Every case through Argo CD's VM, once

let checks: HealthCheck[] = [];
let overrides: Record<string, HealthOverride> = {};
let setupError: unknown;
const answers = new Map<string, HealthResult>();
const answerKey = (check: HealthCheck, c: HealthCase, mode: Mode): string => `${check.key} ${c.inputPath} ${mode}`;

function requestFor(check: HealthCheck, c: HealthCase, mode: Mode): HealthRequest {
  const object = loadObject(join(check.dir, c.inputPath));
  if (mode === "argocd-cm") return { object, overrides };
  return { object, script: readFileSync(check.script, "utf8"), useOpenLibs: mode === "open" };
}

function expectedFor(check: HealthCheck, c: HealthCase, mode: Mode): HealthStatus {
  if (mode === "open") return c.expected;
  if (mode === "restricted") return c.expectedWithoutOpenLibs;
  return overrides[check.key]?.useOpenLibs === true ? c.expected : c.expectedWithoutOpenLibs;
}

function assertAnswer(result: HealthResult | undefined, expected: HealthStatus, what: string): void {
  assert.ok(result !== undefined, `${what}: no answer`);
  if ("error" in result) assert.fail(`${what}: Argo CD's Lua VM failed: ${result.error}`);
  assert.ok(result.health !== null, `${what}: no health (no check found, or the script returned nil)`);
  assert.ok(HEALTH_CODES.includes(result.health.status), `${what}: invalid health status ${JSON.stringify(result.health.status)}`);
  assert.deepEqual(result.health, expected, what);
}

try {
  checks = discoverHealthChecks(HEALTH_DIR);
  overrides = healthOverrides(componentArgocdCm(COMPONENT_DIR));
  const keys: string[] = [];
  const requests: HealthRequest[] = [];
  for (const check of checks) {
    for (const c of check.cases) {
      for (const mode of MODES) {
        keys.push(answerKey(check, c, mode));
        requests.push(requestFor(check, c, mode));
      }
    }
  }
  evaluateHealthSync(requests).forEach((result, i) => answers.set(keys[i] ?? "", result));
} catch (err) {
  setupError = err;
}

// ---------------------------------------------------------------------------------------------
// Tests

test("health checks: discovery, the component's argocd-cm, Argo CD's Lua VM", () => {
  if (setupError !== undefined) throw setupError;
  assert.ok(
    checks.some((c) => c.key === "kaito.sh/Workspace"),
    `no kaito.sh/Workspace check under ${HEALTH_DIR}`,
  );
  for (const check of checks) {
    assert.equal(overrides[check.key]?.healthLua, readFileSync(check.script, "utf8"), `argocd-cm carries ${check.key}'s health.lua`);
  }
});

for (const check of checks) {
  for (const c of check.cases) {
    test(`health ${check.key}: ${c.inputPath} -> ${c.expected.status}`, () => {
      for (const mode of MODES) {
        assertAnswer(answers.get(answerKey(check, c, mode)), expectedFor(check, c, mode), `${check.key} ${c.inputPath} (${mode})`);
      }
    });
  }
}

test("health runner: a wrong expected status or message fails", () => {
  const check = checks.find((c) => c.key === "kaito.sh/Workspace");
  const original = check?.cases[0];
  assert.ok(check !== undefined && original !== undefined, "no Workspace case to tamper with");
  const answer = answers.get(answerKey(check, original, "open"));
  const wrongStatus = original.expected.status === "Healthy" ? "Degraded" : "Healthy";
  assert.throws(() => assertAnswer(answer, { ...original.expected, status: wrongStatus }, "tampered"), assert.AssertionError);
  assert.throws(() => assertAnswer(answer, { ...original.expected, message: `${original.expected.message}!` }, "tampered"), assert.AssertionError);
});

const run = (script: string, object: unknown, useOpenLibs: boolean): HealthResult => evaluateHealthOnce({ object, script, useOpenLibs });

test("Argo CD's VM: Lua errors, the restricted library set and Lua 5.1 syntax", () => {
  const broken = run("return { status = obj.status.conditions[1].type }\n", { metadata: { name: "x" } }, true);
  assert.ok("error" in broken && /attempt to index/.test(broken.error), JSON.stringify(broken));

  const usesString = 'local hs = {}\nhs.status = "Healthy"\nhs.message = string.upper(obj.kind)\nreturn hs\n';
  assert.deepEqual(run(usesString, { kind: "Workspace" }, true), { health: { status: "Healthy", message: "WORKSPACE" } });
  const noString = run(usesString, { kind: "Workspace" }, false);
  assert.ok("error" in noString && /string|nil/.test(noString.error), JSON.stringify(noString));

  const usesMethod = 'return { status = "Healthy", message = obj.kind:lower() }\n';
  assert.ok("error" in run(usesMethod, { kind: "Workspace" }, false));

  const modern = 'local n = 7 // 2\nreturn { status = "Healthy" }\n';
  assert.ok("error" in run(modern, {}, true), "Lua 5.3 integer division is a syntax error in Argo CD's Lua 5.1");

  const invalid = run('return { status = "Fine" }\n', {}, true);
  assert.deepEqual(invalid, { health: { status: "Unknown", message: "Lua returned an invalid health status" } });
  assert.deepEqual(run("return nil\n", {}, true), { health: null });
});

test("Argo CD's VM: objects reach Lua intact", () => {
  const echo = [
    "local parts = { obj.text, tostring(obj.int), tostring(obj.negative), tostring(obj.fraction),",
    "  tostring(#obj.list), obj.list[1], tostring(obj.list[2]), tostring(obj.list[3].deep.flag),",
    '  tostring(obj.absent), tostring(obj.nested["a/b"]) }',
    'return { status = "Healthy", message = table.concat(parts, "|") }',
    "",
  ].join("\n");
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
  for (const useOpenLibs of [true, false]) {
    assert.deepEqual(run(echo, obj, useOpenLibs), {
      health: { status: "Healthy", message: `${text}|42|-3|0.5|3|first|2|false|nil|slash key` },
    });
  }
});

test("Argo CD's VM: a kind with no check in argocd-cm falls back to Argo CD's built-in checks", () => {
  const nodeClaim = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodeClaim",
    metadata: { name: "n", generation: 1 },
    status: { conditions: [{ type: "Ready", status: "True", message: "" }] },
  };
  const builtIn = evaluateHealthOnce({ object: nodeClaim, overrides });
  assert.ok("health" in builtIn && builtIn.health !== null, `Argo CD ships a NodeClaim check: ${JSON.stringify(builtIn)}`);
  assert.equal(builtIn.health.status, "Healthy");
  assert.deepEqual(evaluateHealthOnce({ object: { apiVersion: "example.com/v1", kind: "Nothing", metadata: { name: "x" } }, overrides }), { health: null });
});
