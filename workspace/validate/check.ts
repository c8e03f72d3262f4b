// Every check a Workspace goes through, in order: its shape (the schema), its name, then the KAITO
// release's own verdict. The result is the defaulted Workspace with its plan and children, or the
// violations.
import type { Workspace, WorkspaceVersion } from "../api/types.js";
import { GROUP, KIND, VERSIONS, looksLikeWorkspace } from "../api/types.js";
import { workspaceSchemaViolations } from "../api/validator.js";
import { canonicalWorkspace } from "../canonical.js";
import { clip } from "../limits.js";
import { kaitoProfile } from "../kaito/profiles.js";
import type { KaitoAdmission, KaitoVersion } from "../kaito/types.js";
import { kaitoVersionOf } from "../kaito/select.js";
import type { ExpandOptions } from "../options.js";
import type { Checked } from "../plan.js";
import { error, errorsOf, warning, warningsOf } from "../violation.js";
import type { KubeObject } from "../expand/meta.js";
import type { FieldPath } from "../source/yaml.js";
import type { Violation } from "../violation.js";
import { checkMetadata } from "./metadata.js";
import { checkUpdate } from "./update.js";

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
    return error(path, [path], `expected kind Workspace of ${GROUP}, got ${clip(String(kind))} of ${clip(String(apiVersion))}`);
  }
  const version = String(apiVersion).slice(GROUP.length + 1);
  if (!(VERSIONS as readonly string[]).includes(version)) {
    return error("apiVersion", ["apiVersion"], `unknown version ${clip(String(apiVersion))} of ${KIND}; served versions are ${VERSIONS.map((v) => `${GROUP}/${v}`).join(", ")}`);
  }
  return version as WorkspaceVersion;
}

const sorted = (vs: readonly Violation[]): Violation[] => [...errorsOf(vs), ...warningsOf(vs)];

export interface AdmitResult {
  /** Errors, or the checks' warnings that come before the children are built (metadata, assumed Secrets). */
  readonly violations: readonly Violation[];
  /**
   * The Workspace with defaults applied, when there were no errors: equal in value to
   * checkWorkspace's, but not in its canonical key order, and sharing what did not change with
   * the input (read it, do not change it).
   */
  readonly workspace?: Workspace;
}

/** The verdict and the defaulted Workspace of checkWorkspace, without building the children. */
export function admitWorkspace(obj: unknown, options: ExpandOptions, oldObject?: unknown): AdmitResult {
  const judged = judge(obj, options, oldObject);
  if (!("admission" in judged)) return judged;
  const violations = sorted(judged.violations);
  const refused = updateViolations(oldObject, judged.admitted);
  if (refused.length > 0) return { violations: [...refused, ...violations] };
  return { violations, workspace: judged.admitted };
}

export function checkWorkspace(obj: unknown, options: ExpandOptions, oldObject?: unknown): CheckResult {
  const judged = judge(obj, options, oldObject);
  if (!("admission" in judged)) return judged;
  const { ws, version, kaitoVersion } = judged;
  const workspace = canonicalWorkspace(judged.admitted, version);
  const outcome = judged.admission.expand();
  const checked: Checked = {
    workspace,
    plan: {
      version,
      kaitoVersion,
      name: ws.metadata.name ?? "",
      namespace: ws.metadata.namespace ?? options.namespace,
      mode: ws.tuning && !ws.inference ? "tuning" : "inference",
      nodeCount: outcome.targetNodeCount,
      ...(outcome.reconcileError !== undefined ? { reconcileError: outcome.reconcileError } : {}),
    },
    children: outcome.children,
  };
  const violations = sorted([...judged.violations, ...outcome.warnings]);
  const refused = updateViolations(oldObject, workspace);
  if (refused.length > 0) return { violations: [...refused, ...violations] };
  return { violations, checked };
}

type Judged =
  | { readonly violations: readonly Violation[] }
  | {
      /** warnings only */
      readonly violations: readonly Violation[];
      readonly ws: Workspace;
      readonly version: WorkspaceVersion;
      readonly kaitoVersion: KaitoVersion;
      readonly admission: Extract<KaitoAdmission, { verdict: "accepted" }>;
      /** the Workspace as admitted, in the apiVersion it came in (keys in no set order) */
      readonly admitted: Workspace;
    };

/** Every check up to KAITO's verdict (but the UPDATE rules); the children are left to build. */
function judge(obj: unknown, options: ExpandOptions, oldObject: unknown): Judged {
  const version = versionOf(obj);
  if (typeof version !== "string") return { violations: [version] };
  const schemaViolations = workspaceSchemaViolations(obj, version);
  if (schemaViolations.length > 0) return { violations: schemaViolations };
  // The stored object is read field by field below, so it gets the same checks first: a
  // malformed one is refused with its field paths rather than failing half way through.
  const oldViolations = oldObject === undefined ? [] : oldObjectViolations(oldObject);
  if (oldViolations.length > 0) return { violations: oldViolations };
  const input = obj as Workspace;
  const ws: Workspace = input.metadata.namespace ? input : { ...input, metadata: { ...input.metadata, namespace: options.namespace } };

  const metadataViolations = checkMetadata(ws);
  const kaitoVersion = kaitoVersionOf(ws, options.kaitoVersion);
  if (typeof kaitoVersion !== "string") metadataViolations.push(kaitoVersion);
  if (errorsOf(metadataViolations).length > 0 || typeof kaitoVersion !== "string") return { violations: sorted(metadataViolations) };

  const assumed = assumedSecrets(ws, options);
  for (const secret of assumed) {
    metadataViolations.push(
      warning(
        "assumed.secret",
        secret.path,
        `Secret ${secret.object.metadata.namespace}/${secret.object.metadata.name} is taken to exist with key HF_TOKEN; KAITO's controller reads it from the cluster`,
      ),
    );
  }
  const cluster = assumed.length === 0 ? options.cluster : { ...options.cluster, secrets: [...options.cluster.secrets, ...assumed.map((a) => a.object)] };
  const admission = kaitoProfile(kaitoVersion).admit(ws as unknown as Record<string, unknown>, { settings: options.settings, cluster, models: options.models });
  if (admission.verdict === "rejected") return { violations: sorted([...metadataViolations, ...admission.violations]) };

  return { violations: metadataViolations, ws, version, kaitoVersion, admission, admitted: inputVersionOf(ws, admission.workspace) };
}

interface AssumedSecret {
  readonly path: FieldPath;
  readonly object: KubeObject;
}

/** The Secrets the Workspace names that the options do not show, when the road cannot see the cluster. */
function assumedSecrets(ws: Workspace, options: ExpandOptions): AssumedSecret[] {
  if (!options.assumeNamedSecrets) return [];
  const namespace = ws.metadata.namespace ?? options.namespace;
  const named: [FieldPath, string | undefined][] = [
    [["inference", "preset", "presetOptions", "modelAccessSecret"], ws.inference?.preset?.presetOptions?.modelAccessSecret],
    [["tuning", "preset", "presetOptions", "modelAccessSecret"], ws.tuning?.preset?.presetOptions?.modelAccessSecret],
  ];
  return named
    .filter((entry): entry is [FieldPath, string] => typeof entry[1] === "string" && entry[1] !== "")
    .filter(([, name]) => !options.cluster.secrets.some((s) => s.metadata.name === name && (s.metadata.namespace ?? namespace) === namespace))
    .map(([path, name]) => ({ path, object: { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "Opaque", data: { HF_TOKEN: "" } } }));
}

/**
 * The defaulted Workspace in the apiVersion it came in: the API server stores it and converts;
 * a webhook must not change the apiVersion of what it admits.
 */
function inputVersionOf(ws: Workspace, stored: Record<string, unknown>): Workspace {
  return { ...(stored as unknown as Workspace), apiVersion: ws.apiVersion, kind: ws.kind };
}

/** Problems of the object an UPDATE replaces, under the path `oldObject`. */
function oldObjectViolations(oldObject: unknown): Violation[] {
  const version = versionOf(oldObject);
  const found = typeof version === "string" ? workspaceSchemaViolations(oldObject, version) : [version];
  return found.map((v) => ({ ...v, path: ["oldObject", ...v.path] }));
}

/** What an UPDATE from oldObject (past oldObjectViolations) may not change; empty when it is fine or not an update. */
function updateViolations(oldObject: unknown, workspace: Workspace): readonly Violation[] {
  if (oldObject === undefined) return [];
  const found = checkUpdate(oldObject as Workspace, workspace);
  return errorsOf(found).length > 0 ? found : [];
}
