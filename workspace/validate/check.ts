// Every check a Workspace goes through, in order: shape (the schema), then the rules that need
// the catalog. The result is either the defaulted Workspace with its plan, or the violations.
import type { Workspace, WorkspaceVersion } from "../api/types.js";
import { GROUP, KIND, VERSIONS, looksLikeWorkspace } from "../api/types.js";
import { workspaceSchemaViolations } from "../api/validator.js";
import type { Catalog, ModelPreset, Runtime } from "../catalog/types.js";
import { applyDefaults } from "../defaults.js";
import type { ExpandOptions } from "../options.js";
import type { Checked, Plan } from "../plan.js";
import { error, errorsOf } from "../violation.js";
import type { Violation } from "../violation.js";
import { checkAdapters } from "./adapters.js";
import type { RuleContext } from "./context.js";
import { checkMetadata } from "./metadata.js";
import { checkPreset, checkRuntime } from "./preset.js";
import { checkResource } from "./resource.js";
import { checkTuning } from "./tuning.js";
import { checkUpdate } from "./update.js";
import { checkWorkloadShape } from "./workload.js";

export interface CheckResult {
  /** Errors and warnings, errors first. */
  readonly violations: readonly Violation[];
  /** Present when there are no errors. */
  readonly checked?: Checked;
}

export function versionOf(obj: unknown): WorkspaceVersion | Violation {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    return error("kind", [], `expected a kaito.sh Workspace object, got ${Array.isArray(obj) ? "a list" : typeof obj}`);
  }
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  if (!looksLikeWorkspace(obj)) {
    const path = kind === KIND ? "apiVersion" : "kind";
    return error(path, [path], `expected kind Workspace of ${GROUP}, got ${String(kind)} of ${String(apiVersion)}`);
  }
  const version = String(apiVersion).slice(GROUP.length + 1);
  if (!(VERSIONS as readonly string[]).includes(version)) {
    return error("apiVersion", ["apiVersion"], `unknown version ${String(apiVersion)} of ${KIND}; served versions are ${VERSIONS.map((v) => `${GROUP}/${v}`).join(", ")}`);
  }
  return version as WorkspaceVersion;
}

export function checkWorkspace(obj: unknown, catalog: Catalog, options: ExpandOptions, oldObject?: unknown): CheckResult {
  const version = versionOf(obj);
  if (typeof version !== "string") return { violations: [version] };
  const schemaViolations = workspaceSchemaViolations(obj, version);
  if (schemaViolations.length > 0) return { violations: schemaViolations };
  const ws = obj as Workspace;
  const ctx: RuleContext = { ws, version, catalog, options };

  const violations: Violation[] = [...checkMetadata(ctx), ...checkWorkloadShape(ctx)];
  const mode = ws.tuning && !ws.inference ? "tuning" : "inference";
  const presetSpec = mode === "inference" ? ws.inference?.preset : ws.tuning?.preset;
  let preset: ModelPreset | undefined;
  let runtime: Runtime | undefined;
  if (presetSpec) {
    const result = checkPreset(ctx, [mode, "preset"], presetSpec);
    preset = result.preset;
    violations.push(...result.violations);
    if (preset && mode === "inference") {
      const rt = checkRuntime(ctx, preset);
      runtime = rt.runtime;
      violations.push(...rt.violations);
    }
  }
  const resource = checkResource(ctx, { mode, ...(preset ? { preset } : {}) });
  violations.push(...resource.violations);
  violations.push(...checkAdapters(ctx, runtime));
  violations.push(...checkTuning(ctx, mode === "tuning" ? preset : undefined));

  const sorted = [...errorsOf(violations), ...violations.filter((v) => v.severity === "warning")];
  if (errorsOf(sorted).length > 0 || !resource.resolved) return { violations: sorted };

  const plan: Plan = {
    version,
    name: ws.metadata.name ?? "",
    namespace: ws.metadata.namespace ?? options.namespace,
    mode,
    ...(preset ? { preset } : {}),
    ...(runtime ? { runtime } : {}),
    ...resource.resolved,
  };
  const workspace = applyDefaults(ws, plan);
  if (oldObject !== undefined) {
    const updateViolations = checkOld(oldObject, workspace);
    if (errorsOf(updateViolations).length > 0) return { violations: [...updateViolations, ...sorted] };
  }
  return { violations: sorted, checked: { workspace, plan } };
}

function checkOld(oldObject: unknown, workspace: Workspace): Violation[] {
  const oldVersion = versionOf(oldObject);
  // The stored object passed the API server's schema; anything odd about it is not the update's fault.
  if (typeof oldVersion !== "string") return [];
  return checkUpdate(oldObject as Workspace, workspace);
}
