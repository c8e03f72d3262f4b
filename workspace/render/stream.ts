// Rendering a stream of manifests: every Workspace becomes itself defaulted plus its children;
// every other object passes through unchanged, in order. An input object with the kind, namespace
// and name of a generated child replaces that child (an override a user can commit), so
// rendering render's own output gives the same objects again.
import { isDeepStrictEqual } from "node:util";
import { looksLikeWorkspace } from "../api/types.js";
import { expand, ExpansionError } from "../expand/index.js";
import type { KubeObject } from "../expand/index.js";
import type { ExpandOptions } from "../options.js";
import type { FieldPath, Position, SourceDocument } from "../source/yaml.js";
import { error as violationError, formatViolation } from "../violation.js";
import type { Violation } from "../violation.js";

/** One object of the input, with where it came from. */
export interface SourceObject {
  readonly value: unknown;
  readonly file: string;
  /** Position of a field of this object in its file. */
  positionOf(path: FieldPath): Position;
}

/** A message about one input object, located in its file. */
export interface Finding {
  readonly file: string;
  readonly position: Position;
  /** "Workspace team-a/phi-3" or "ConfigMap default/x". */
  readonly object: string;
  readonly violation: Violation;
}

export interface RenderResult {
  readonly objects: readonly unknown[];
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** Input objects that replaced a generated child and differ from it. */
  readonly overrides: readonly Finding[];
  readonly workspaceCount: number;
}

/** Kinds that have no namespace, among those render generates. */
const CLUSTER_SCOPED = new Set(["Machine", "NodeClaim", "NodePool", "Namespace", "CustomResourceDefinition"]);

interface Meta {
  kind?: unknown;
  apiVersion?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

export function describeObject(value: unknown, defaultNamespace?: string): string {
  if (typeof value !== "object" || value === null) return "(not an object)";
  const { kind, metadata } = value as Meta;
  const name = typeof metadata?.name === "string" ? metadata.name : "(no name)";
  const ns = typeof metadata?.namespace === "string" ? metadata.namespace : defaultNamespace;
  return `${typeof kind === "string" ? kind : "(no kind)"} ${ns && !CLUSTER_SCOPED.has(String(kind)) ? `${ns}/` : ""}${name}`;
}

function identity(value: unknown, defaultNamespace: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { kind, metadata } = value as Meta;
  if (typeof kind !== "string" || typeof metadata?.name !== "string") return undefined;
  const ns = CLUSTER_SCOPED.has(kind) ? "" : typeof metadata.namespace === "string" ? metadata.namespace : defaultNamespace;
  return `${kind}\u0000${ns}\u0000${metadata.name}`;
}

/** Split documents into objects: a `kind: List` contributes its items. */
export function sourceObjects(docs: readonly SourceDocument[]): SourceObject[] {
  const out: SourceObject[] = [];
  for (const doc of docs) {
    const value = doc.value as { kind?: unknown; items?: unknown };
    if (value && typeof value === "object" && value.kind === "List" && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        out.push({ value: item, file: doc.file, positionOf: (path) => doc.positionOf(["items", i, ...path]) });
      });
    } else {
      out.push({ value: doc.value, file: doc.file, positionOf: (path) => doc.positionOf(path) });
    }
  }
  return out;
}

/**
 * ConfigMaps and Secrets committed beside the Workspaces exist in the cluster once synced: KAITO's
 * controller reads them (inference.config, tuning.config, modelAccessSecret), so the render does too.
 */
/**
 * ConfigMaps and Secrets committed beside the Workspaces exist in the cluster once synced, so
 * KAITO's controller would read them. Only the ConfigMaps a Workspace names count: any other
 * (such as KAITO's own tuning template copy in a rendered stream) is an object to pass through,
 * and where it has a child's name it replaces that child, which gives KAITO's result too.
 */
function withCommittedObjects(inputs: readonly SourceObject[], options: ExpandOptions): ExpandOptions {
  const values = inputs.map((src) => src.value as Partial<KubeObject> | null).filter((v): v is KubeObject => v !== null && typeof v === "object");
  const namespaced = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? options.namespace } });
  const committed = (kind: string): KubeObject[] => values.filter((v) => v.kind === kind && v.apiVersion === "v1" && typeof v.metadata === "object").map(namespaced);
  const named = new Set<string>();
  for (const v of values) {
    if (!looksLikeWorkspace(v)) continue;
    const ws = v as unknown as { metadata?: { namespace?: unknown }; inference?: { config?: unknown }; tuning?: { config?: unknown } };
    const namespace = typeof ws.metadata?.namespace === "string" ? ws.metadata.namespace : options.namespace;
    for (const name of [ws.inference?.config, ws.tuning?.config]) if (typeof name === "string") named.add(`${namespace}/${name}`);
  }
  const configMaps = committed("ConfigMap").filter((c) => named.has(`${c.metadata.namespace ?? ""}/${c.metadata.name ?? ""}`));
  const secrets = committed("Secret");
  if (configMaps.length === 0 && secrets.length === 0) return options;
  const { cluster } = options;
  return { ...options, cluster: { ...cluster, configMaps: [...configMaps, ...cluster.configMaps], secrets: [...secrets, ...cluster.secrets] } };
}

export function renderObjects(inputs: readonly SourceObject[], given: ExpandOptions): RenderResult {
  const options = withCommittedObjects(inputs, given);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const overrides: Finding[] = [];
  const finding = (src: SourceObject, v: Violation): Finding => ({
    file: src.file,
    position: src.positionOf(v.path),
    object: describeObject(src.value, options.namespace),
    violation: v,
  });

  // First expand every Workspace, so overrides can be matched wherever they appear.
  const expansions = new Map<number, KubeObject[]>();
  const expandedWorkspaces = new Map<number, unknown>();
  const generatedBy = new Map<string, number>();
  const seenWorkspaces = new Map<string, SourceObject>();
  inputs.forEach((src, i) => {
    if (!looksLikeWorkspace(src.value)) return;
    try {
      const result = expand(src.value, options);
      for (const w of result.warnings) warnings.push(finding(src, w));
      if (result.plan.reconcileError !== undefined) {
        // KAITO would admit it and then never create the workload: a render that printed the
        // partial set would sync a Workspace that cannot run.
        // The warnings above say which field and what to do; this is KAITO's own error text.
        const message = `KAITO ${result.plan.kaitoVersion} admits this Workspace, but its controller would stop with: ${result.plan.reconcileError}`;
        errors.push(finding(src, violationError("reconcile", [], message)));
        return;
      }
      const key = identity(result.workspace, options.namespace) ?? String(i);
      const first = seenWorkspaces.get(key);
      if (first) {
        const at = first.positionOf([]);
        errors.push(finding(src, violationError("duplicate", ["metadata", "name"], `the same Workspace is also defined at ${first.file}:${at.line}`)));
        return;
      }
      seenWorkspaces.set(key, src);
      expandedWorkspaces.set(i, result.workspace);
      expansions.set(i, [...result.children]);
      for (const child of result.children) {
        const id = identity(child, options.namespace);
        if (id) generatedBy.set(id, i);
      }
    } catch (e) {
      if (!(e instanceof ExpansionError)) throw e;
      for (const v of e.violations) (v.severity === "error" ? errors : warnings).push(finding(src, v));
    }
  });

  // Inputs that override a generated child take its place in the output.
  const overrideOf = new Map<string, SourceObject>();
  inputs.forEach((src) => {
    if (looksLikeWorkspace(src.value)) return;
    const id = identity(src.value, options.namespace);
    if (id !== undefined && generatedBy.has(id)) overrideOf.set(id, src);
  });

  const objects: unknown[] = [];
  inputs.forEach((src, i) => {
    const workspace = expandedWorkspaces.get(i);
    if (workspace !== undefined) {
      objects.push(workspace);
      for (const child of expansions.get(i) ?? []) {
        const id = identity(child, options.namespace);
        const override = id === undefined ? undefined : overrideOf.get(id);
        if (override && !isDeepStrictEqual(override.value, child)) {
          overrides.push(
            finding(override, {
              rule: "override",
              path: [],
              severity: "warning",
              message: `replaces the ${describeObject(child)} generated for ${describeObject(workspace)}`,
            }),
          );
        }
        objects.push(override ? override.value : child);
      }
      return;
    }
    if (looksLikeWorkspace(src.value)) return; // invalid: reported above
    const id = identity(src.value, options.namespace);
    if (id !== undefined && overrideOf.get(id) === src) return; // emitted in its child's place
    objects.push(src.value);
  });
  return { objects, errors, warnings, overrides, workspaceCount: expandedWorkspaces.size };
}

export function formatFinding(f: Finding, severity: string = f.violation.severity): string {
  const what = f.violation.path.length === 0 ? f.violation.message : formatViolation(f.violation);
  return `${f.file}:${f.position.line}:${f.position.col}: ${severity}: ${f.object}: ${what}`;
}
