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
export function sourceObjects(docs: Iterable<SourceDocument>): SourceObject[] {
  return [...objectsOf(docs)];
}

/** The objects of documents as they come; a `kind: List` contributes its items. */
export function* objectsOf(docs: Iterable<SourceDocument>): Generator<SourceObject> {
  for (const doc of docs) {
    const value = doc.value as { kind?: unknown; items?: unknown };
    if (value && typeof value === "object" && value.kind === "List" && Array.isArray(value.items)) {
      for (let i = 0; i < value.items.length; i += 1) {
        yield { value: value.items[i] as unknown, file: doc.file, positionOf: (path) => doc.positionOf(["items", i, ...path]) };
      }
    } else {
      yield { value: doc.value, file: doc.file, positionOf: (path) => doc.positionOf(path) };
    }
  }
}

/**
 * ConfigMaps and Secrets committed beside the Workspaces exist in the cluster once synced: KAITO's
 * controller reads them (inference.config, tuning.config, modelAccessSecret), so the render does too.
 */
/**
 * ConfigMaps and Secrets committed beside the Workspaces exist in the cluster once synced, so
 * KAITO's controller would read them. Only the ConfigMaps a Workspace names count (`named`:
 * namespace/name): any other (such as KAITO's own tuning template copy in a rendered stream) is an
 * object to pass through, and where it has a child's name it replaces that child, which gives
 * KAITO's result too.
 */
function withCommittedObjects(inputs: readonly SourceObject[], options: ExpandOptions, named: ReadonlySet<string>): ExpandOptions {
  const committed = (kind: string): KubeObject[] =>
    inputs
      .map((src) => src.value as Partial<KubeObject> | null)
      .filter((v): v is KubeObject => v !== null && typeof v === "object" && v.kind === kind && v.apiVersion === "v1" && typeof v.metadata === "object")
      .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? options.namespace } }));
  const configMaps = committed("ConfigMap").filter((c) => named.has(`${c.metadata.namespace ?? ""}/${c.metadata.name ?? ""}`));
  const secrets = committed("Secret");
  if (configMaps.length === 0 && secrets.length === 0) return options;
  const { cluster } = options;
  return { ...options, cluster: { ...cluster, configMaps: [...configMaps, ...cluster.configMaps], secrets: [...secrets, ...cluster.secrets] } };
}

/** The ConfigMaps a Workspace names (inference.config, tuning.config), as namespace/name. */
function namedConfigMaps(value: unknown, defaultNamespace: string): string[] {
  const ws = value as { metadata?: { namespace?: unknown }; inference?: { config?: unknown }; tuning?: { config?: unknown } };
  const namespace = typeof ws.metadata?.namespace === "string" ? ws.metadata.namespace : defaultNamespace;
  return [ws.inference?.config, ws.tuning?.config].filter((n): n is string => typeof n === "string").map((n) => `${namespace}/${n}`);
}

/**
 * The input objects, from the start each time it is called. Rendering goes over them more than
 * once instead of keeping them: a file of 100k Workspaces is parsed document by document, and
 * only what later passes need (objects that are not Workspaces, identities) is kept.
 */
export type ObjectSource = () => Iterable<SourceObject>;

/** Streams up to this many Workspaces keep their expansions between the check and the output. */
const KEPT_EXPANSIONS = 1000;

/** What the output pass needs from the checking pass. */
export interface RenderPlan {
  readonly options: ExpandOptions;
  /** input positions of the Workspaces to print (valid, first of their name) */
  readonly workspaces: ReadonlySet<number>;
  /**
   * Expansions the check kept (streams of up to KEPT_EXPANSIONS Workspaces): the output pass
   * reuses them instead of expanding again. Past that, memory wins over time and it expands again.
   */
  readonly kept: ReadonlyMap<number, { readonly workspace: unknown; readonly children: readonly KubeObject[] }>;
  /** generated child identity -> the input object printed in its place, and its position */
  readonly overrideOf: ReadonlyMap<string, { readonly index: number; readonly value: unknown }>;
}

export interface RenderCheck {
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** Input objects that replaced a generated child and differ from it. */
  readonly overrides: readonly Finding[];
  readonly workspaceCount: number;
  /** whether the output holds any object */
  readonly hasObjects: boolean;
  readonly plan: RenderPlan;
}

/**
 * Every check of a render, without keeping its output: the objects that are not Workspaces are
 * read first (committed ConfigMaps and Secrets count wherever they stand), then each Workspace
 * is expanded, checked and let go.
 */
export function checkObjects(source: ObjectSource, given: ExpandOptions): RenderCheck {
  const plain: SourceObject[] = [];
  const plainById = new Map<string, { index: number; src: SourceObject }>();
  const named = new Set<string>();
  let inputWorkspaces = 0;
  let index = 0;
  for (const src of source()) {
    if (looksLikeWorkspace(src.value)) {
      inputWorkspaces += 1;
      for (const key of namedConfigMaps(src.value, given.namespace)) named.add(key);
    } else {
      plain.push(src);
      const id = identity(src.value, given.namespace);
      // The last object of an identity is the one that overrides.
      if (id !== undefined) plainById.set(id, { index, src });
    }
    index += 1;
  }
  const options = withCommittedObjects(plain, given, named);

  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const overrides: Finding[] = [];
  const finding = (src: SourceObject, v: Violation): Finding => ({
    file: src.file,
    position: src.positionOf(v.path),
    object: describeObject(src.value, options.namespace),
    violation: v,
  });
  const workspaces = new Set<number>();
  const kept = new Map<number, { workspace: unknown; children: readonly KubeObject[] }>();
  // A small stream keeps its expansions for the output pass; a large one expands twice and
  // keeps its memory near the input's size.
  const keep = inputWorkspaces <= KEPT_EXPANSIONS;
  const overrideOf = new Map<string, { index: number; value: unknown }>();
  const seenWorkspaces = new Map<string, { file: string; line: number }>();
  index = -1;
  for (const src of source()) {
    index += 1;
    if (!looksLikeWorkspace(src.value)) continue;
    let result;
    try {
      result = expand(src.value, options);
    } catch (e) {
      if (!(e instanceof ExpansionError)) throw e;
      for (const v of e.violations) (v.severity === "error" ? errors : warnings).push(finding(src, v));
      continue;
    }
    for (const w of result.warnings) warnings.push(finding(src, w));
    if (result.plan.reconcileError !== undefined) {
      // KAITO would admit it and then never create the workload: a render that printed the
      // partial set would sync a Workspace that cannot run.
      // The warnings above say which field and what to do; this is KAITO's own error text.
      const message = `KAITO ${result.plan.kaitoVersion} admits this Workspace, but its controller would stop with: ${result.plan.reconcileError}`;
      errors.push(finding(src, violationError("reconcile", [], message)));
      continue;
    }
    const key = identity(result.workspace, options.namespace) ?? `#${index}`;
    const first = seenWorkspaces.get(key);
    if (first) {
      errors.push(finding(src, violationError("duplicate", ["metadata", "name"], `the same Workspace is also defined at ${first.file}:${first.line}`)));
      continue;
    }
    seenWorkspaces.set(key, { file: src.file, line: src.positionOf([]).line });
    workspaces.add(index);
    if (keep) kept.set(index, { workspace: result.workspace, children: result.children });
    // Inputs that override a generated child take its place in the output.
    for (const child of result.children) {
      const id = identity(child, options.namespace);
      const override = id === undefined ? undefined : plainById.get(id);
      if (id === undefined || override === undefined) continue;
      overrideOf.set(id, { index: override.index, value: override.src.value });
      if (!isDeepStrictEqual(override.src.value, child)) {
        overrides.push(
          finding(override.src, {
            rule: "override",
            path: [],
            severity: "warning",
            message: `replaces the ${describeObject(child)} generated for ${describeObject(result.workspace)}`,
          }),
        );
      }
    }
  }
  return { errors, warnings, overrides, workspaceCount: workspaces.size, hasObjects: workspaces.size > 0 || plain.length > 0, plan: { options, workspaces, overrideOf, kept } };
}

/**
 * The objects of a checked render in output order, one at a time: each Workspace defaulted and
 * its children (an override in a child's place), other objects as they came. The expansion is
 * deterministic, so expanding again here gives what the check saw.
 */
export function* emitObjects(source: ObjectSource, plan: RenderPlan): Generator<unknown> {
  const { options, workspaces, overrideOf, kept } = plan;
  let index = -1;
  for (const src of source()) {
    index += 1;
    if (workspaces.has(index)) {
      const result = kept.get(index) ?? expand(src.value, options);
      yield result.workspace;
      for (const child of result.children) {
        const id = identity(child, options.namespace);
        const override = id === undefined ? undefined : overrideOf.get(id);
        yield override ? override.value : child;
      }
      continue;
    }
    if (looksLikeWorkspace(src.value)) continue; // invalid: reported by the check
    const id = identity(src.value, options.namespace);
    if (id !== undefined && overrideOf.get(id)?.index === index) continue; // emitted in its child's place
    yield src.value;
  }
}

/** Check and output at once, for inputs already in memory. */
export function renderObjects(inputs: readonly SourceObject[], given: ExpandOptions): RenderResult {
  const source: ObjectSource = () => inputs;
  const { errors, warnings, overrides, workspaceCount, plan } = checkObjects(source, given);
  return { errors, warnings, overrides, workspaceCount, objects: [...emitObjects(source, plan)] };
}

export function formatFinding(f: Finding, severity: string = f.violation.severity): string {
  const what = f.violation.path.length === 0 ? f.violation.message : formatViolation(f.violation);
  return `${f.file}:${f.position.line}:${f.position.col}: ${severity}: ${f.object}: ${what}`;
}
