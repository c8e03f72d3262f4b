// One Workspace, one reconcile: expand it, server-side apply the children that are missing or
// changed, delete the ones it no longer expands to, then write the status, once, and only if it
// changed. Everything is read from the informers' caches; the only requests are writes.
//
// Not writing what is already there is what keeps the controller quiet: a record of each
// child's last apply (what was sent, and the generation/resourceVersion it produced) tells a
// child that changed (someone edited it, the Workspace changed) from one whose status merely
// moved, and a record of the last status write covers the moments before the cache has caught
// up with it.
import type { ExpandOptions, KubeObject, Workspace, WorkspaceStatus } from "../workspace/index.js";
import { LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE } from "../workspace/index.js";
import { clusterFactsFor } from "./cluster-facts.js";
import { desiredState, hashOfChild, isStatusOnly, keyOfChild } from "./desired.js";
import { APPLY_PATCH, isConflict, isNotFound, isPermanent } from "./kube.js";
import type { KubeClient } from "./kube.js";
import type { Logger } from "./logger.js";
import { errorMessage } from "./logger.js";
import type { ReconcileResult } from "./metrics.js";
import { childKey, splitKey } from "./objects.js";
import type { LiveObject } from "./objects.js";
import type { ObjectCache } from "./informers.js";
import { childType, isClusterScopedChild, WORKSPACE, WORKSPACE_API_VERSION } from "./resources.js";
import type { ResourceType } from "./resources.js";
import { computeInvalidStatus, computeStatus, sameStatus, statusView } from "./status.js";
import type { ApplyFailure } from "./status.js";

/** The field manager of every write: children, status, deletions of what it applied. */
export const FIELD_MANAGER = "kaito-gitops-controller";

export interface ReconcilerOptions {
  readonly client: KubeClient;
  readonly expandOptions: ExpandOptions;
  readonly workspaces: ObjectCache;
  /** caches of the watched child kinds, by kind */
  readonly children: ReadonlyMap<string, ObjectCache>;
  /** cache of the inference pods (label kaito.sh/workspace), all namespaces */
  readonly pods: ObjectCache;
  /** checked before every write: a replica that lost the Lease must not write */
  readonly isLeader: () => boolean;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The reconcile must be retried with backoff; the status already says what went wrong. */
export class ReconcileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReconcileError";
  }
}

/** Leadership was lost mid-reconcile: stop, do not retry here. */
export class NotLeaderError extends Error {
  constructor() {
    super("not the leader");
    this.name = "NotLeaderError";
  }
}

interface AppliedChild {
  readonly hash: string;
  readonly uid: string | undefined;
  readonly generation: number | undefined;
  readonly resourceVersion: string | undefined;
  /** the object's resourceVersion in the cache when it was applied: a cache showing it is behind */
  readonly before: string | undefined;
  /** the apply's answer, the freshest view until the cache catches up */
  readonly object: LiveObject;
}

interface StatusWrite {
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly status: WorkspaceStatus;
}

export class Reconciler {
  private readonly applied = new Map<string, Map<string, AppliedChild>>();
  private readonly statusWrites = new Map<string, StatusWrite>();
  private readonly now: () => Date;

  constructor(private readonly options: ReconcilerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Forget every record (leadership changed hands: another replica may have written since). */
  reset(): void {
    this.applied.clear();
    this.statusWrites.clear();
  }

  /** False for the watch event of our own status write: it changes nothing to act on. */
  wantsWorkspaceEvent(key: string, ws: LiveObject): boolean {
    const write = this.statusWrites.get(key);
    return !(write && write.after !== undefined && write.after === ws.metadata?.resourceVersion);
  }

  /** False for a child event that shows exactly what our own apply produced. */
  wantsChildEvent(key: string, child: LiveObject): boolean {
    const record = this.applied.get(key)?.get(childKey(child.kind ?? "", child.metadata?.namespace, child.metadata?.name ?? ""));
    return !(record && record.resourceVersion !== undefined && record.resourceVersion === child.metadata?.resourceVersion);
  }

  /** A child is gone: the next reconcile must not take it for up to date. */
  childDeleted(key: string, child: LiveObject): void {
    this.applied.get(key)?.delete(childKey(child.kind ?? "", child.metadata?.namespace, child.metadata?.name ?? ""));
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const live = this.options.workspaces.get(name, namespace) as Workspace | undefined;
    if (!live || live.metadata.deletionTimestamp) {
      // Owner references take the namespaced children; node claims are cluster-scoped and can
      // have no namespaced owner, so they are deleted here (also for Workspaces deleted while
      // the controller was down: their claims' events bring their keys here at start).
      await this.deleteNodeClaims(namespace ?? "", name);
      if (!live) {
        this.applied.delete(key);
        this.statusWrites.delete(key);
      }
      return "deleted";
    }
    const ws = this.withLatestStatus(key, live);
    const cluster = await clusterFactsFor(ws, {
      client: this.options.client,
      configMaps: this.options.children.get("ConfigMap"),
      readNodes: this.options.expandOptions.settings.nodeProvisioner === "byo",
    });
    const desired = desiredState(ws, { ...this.options.expandOptions, cluster, assumeNamedSecrets: false });
    if (!desired.ok) {
      // Deterministic: retrying cannot help; a change to the Workspace brings it back.
      await this.writeStatus(key, ws, computeInvalidStatus(statusView(ws), desired.error, this.now()));
      return "invalid";
    }
    const { children, plan } = desired.expansion;
    const existing = children.map((c) => this.cached(c)).filter((c): c is LiveObject => c !== undefined);
    const mode = isStatusOnly(ws, existing);

    const observed = new Map<string, LiveObject>();
    const failures = new Map<string, ApplyFailure>();
    let reconcileError: string | undefined;
    let applies = 0;
    if (mode.statusOnly) {
      for (const child of children) {
        const found = this.cached(child);
        if (found) observed.set(keyOfChild(child), found);
      }
    } else {
      const records = this.recordsOf(key);
      await Promise.all(
        children.map(async (child) => {
          const k = keyOfChild(child);
          const cached = this.cached(child);
          const hash = hashOfChild(child);
          const record = records.get(k);
          if (record && upToDate(record, cached, hash)) {
            observed.set(k, freshest(record, cached));
            return;
          }
          try {
            applies++;
            const result = await this.apply(child);
            records.set(k, {
              hash,
              uid: result.metadata?.uid,
              generation: result.metadata?.generation,
              resourceVersion: result.metadata?.resourceVersion,
              before: cached?.metadata?.resourceVersion,
              object: result,
            });
            observed.set(k, result);
          } catch (err) {
            if (err instanceof NotLeaderError) throw err;
            failures.set(k, { message: errorMessage(err), permanent: isPermanent(err) });
            if (cached) observed.set(k, cached);
          }
        }),
      );
      try {
        await this.prune(ws, new Set(children.map(keyOfChild)));
      } catch (err) {
        if (err instanceof NotLeaderError) throw err;
        reconcileError = errorMessage(err);
      }
    }

    const status = computeStatus({
      workspace: statusView(ws),
      plan,
      desired: children,
      observed,
      pods: this.podsOf(namespace ?? "", name),
      failures,
      now: this.now(),
      ...(reconcileError ? { reconcileError } : {}),
    });
    const wrote = await this.writeStatus(key, ws, status);
    if (failures.size > 0 || reconcileError !== undefined) {
      const first = [...failures.entries()][0];
      throw new ReconcileError(first ? `${first[0]}: ${first[1].message}` : (reconcileError ?? "reconcile failed"));
    }
    if (mode.statusOnly) {
      if (wrote) this.options.logger.debug({ workspace: key, why: mode.why }, "status only");
      return "status_only";
    }
    return applies > 0 || wrote ? "applied" : "unchanged";
  }

  // ---- children ----------------------------------------------------------------------------

  private recordsOf(key: string): Map<string, AppliedChild> {
    let records = this.applied.get(key);
    if (!records) {
      records = new Map();
      this.applied.set(key, records);
    }
    return records;
  }

  private cached(child: KubeObject): LiveObject | undefined {
    // KAITO renders node claims with the Workspace's namespace; the live (cluster-scoped) one has none.
    const namespace = isClusterScopedChild(child.kind) ? undefined : child.metadata.namespace;
    return this.options.children.get(child.kind)?.get(child.metadata.name ?? "", namespace);
  }

  private podsOf(namespace: string, name: string): LiveObject[] {
    return this.options.pods.list(namespace).filter((p) => p.metadata?.labels?.[LABEL_WORKSPACE] === name);
  }

  private typeOf(kind: string): ResourceType {
    const type = childType(kind);
    if (!type) throw new Error(`expand emitted a ${kind}, which the controller does not know how to apply`);
    return type;
  }

  private async apply(child: KubeObject): Promise<LiveObject> {
    if (!this.options.isLeader()) throw new NotLeaderError();
    return this.options.client.request<LiveObject>({
      verb: "patch",
      type: this.typeOf(child.kind),
      ...(child.metadata.namespace && !isClusterScopedChild(child.kind) ? { namespace: child.metadata.namespace } : {}),
      name: child.metadata.name ?? "",
      // force: the fields sent are the ones the Workspace defines; an edit of one of them by
      // someone else (kubectl scale, an Argo CD sync of a stale copy) is drift to undo.
      query: { fieldManager: FIELD_MANAGER, force: "true" },
      contentType: APPLY_PATCH,
      body: child,
    });
  }

  /** Children this controller applied for the Workspace that its expansion no longer has. */
  private async prune(ws: Workspace, wanted: ReadonlySet<string>): Promise<void> {
    const namespace = ws.metadata.namespace ?? "";
    const name = ws.metadata.name ?? "";
    const stale: LiveObject[] = [];
    for (const [kind, cache] of this.options.children) {
      const clusterScoped = isClusterScopedChild(kind);
      for (const obj of cache.list(clusterScoped ? undefined : namespace)) {
        if (wanted.has(childKey(kind, obj.metadata?.namespace, obj.metadata?.name ?? ""))) continue;
        if (!appliedByUs(obj)) continue;
        const labels = obj.metadata?.labels ?? {};
        if (labels[LABEL_WORKSPACE] !== name) continue;
        if (clusterScoped ? labels[LABEL_WORKSPACE_NAMESPACE] !== namespace : !ownedBy(obj, ws.metadata.uid)) continue;
        stale.push(obj);
      }
    }
    for (const obj of stale) await this.deleteChild(obj, `${namespace}/${name}`);
  }

  private async deleteNodeClaims(namespace: string, name: string): Promise<void> {
    for (const [kind, cache] of this.options.children) {
      if (!isClusterScopedChild(kind)) continue;
      for (const claim of cache.list()) {
        const labels = claim.metadata?.labels ?? {};
        if (labels[LABEL_WORKSPACE] === name && labels[LABEL_WORKSPACE_NAMESPACE] === namespace && appliedByUs(claim) && !claim.metadata?.deletionTimestamp) {
          await this.deleteChild(claim, `${namespace}/${name}`);
        }
      }
    }
  }

  private async deleteChild(obj: LiveObject, workspaceKey: string): Promise<void> {
    if (!this.options.isLeader()) throw new NotLeaderError();
    const type = this.typeOf(obj.kind ?? "");
    try {
      await this.options.client.request({
        verb: "delete",
        type,
        ...(type.namespaced && obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata?.name ?? "",
        // The uid precondition: never delete a same-named object someone created meanwhile.
        body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", preconditions: { uid: obj.metadata?.uid } },
      });
      this.options.logger.info({ workspace: workspaceKey, kind: obj.kind, name: obj.metadata?.name }, "deleted a child the Workspace no longer expands to");
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    this.applied.get(workspaceKey)?.delete(childKey(obj.kind ?? "", obj.metadata?.namespace, obj.metadata?.name ?? ""));
  }

  // ---- status ----------------------------------------------------------------------------------

  /**
   * The Workspace with the status as it really is: right after a status write the cache may
   * still show the one before, and computing from that would write the same status again.
   */
  private withLatestStatus(key: string, live: Workspace): Workspace {
    const write = this.statusWrites.get(key);
    if (write && write.before === live.metadata.resourceVersion) return { ...live, status: write.status };
    return live;
  }

  /** Applies the status if it differs from what the Workspace shows; true when it wrote. */
  private async writeStatus(key: string, ws: Workspace, status: WorkspaceStatus): Promise<boolean> {
    if (sameStatus(status, ws.status)) return false;
    if (!this.options.isLeader()) throw new NotLeaderError();
    const result = await this.options.client.request<LiveObject>({
      verb: "patch",
      type: WORKSPACE,
      namespace: ws.metadata.namespace ?? "",
      name: ws.metadata.name ?? "",
      subresource: "status",
      query: { fieldManager: FIELD_MANAGER, force: "true" },
      contentType: APPLY_PATCH,
      body: { apiVersion: WORKSPACE_API_VERSION, kind: "Workspace", metadata: { name: ws.metadata.name, namespace: ws.metadata.namespace }, status },
    });
    this.statusWrites.set(key, { before: ws.metadata.resourceVersion, after: result.metadata?.resourceVersion, status });
    return true;
  }
}

function upToDate(record: AppliedChild, cached: LiveObject | undefined, hash: string): boolean {
  if (record.hash !== hash) return false;
  // Not in the cache yet: the watch event of our apply has not arrived (a deletion would have
  // removed the record).
  if (!cached) return true;
  const meta = cached.metadata ?? {};
  if (meta.uid !== record.uid) return false;
  if (meta.resourceVersion === record.resourceVersion || meta.resourceVersion === record.before) return true;
  // Status updates (replicas becoming ready) do not move the generation; spec edits do.
  if (meta.generation !== undefined && record.generation !== undefined) return meta.generation <= record.generation;
  return false;
}

function freshest(record: AppliedChild, cached: LiveObject | undefined): LiveObject {
  if (!cached || cached.metadata?.resourceVersion === record.before) return record.object;
  return cached;
}

function appliedByUs(obj: LiveObject): boolean {
  return (obj.metadata?.managedFields ?? []).some((f) => f.manager === FIELD_MANAGER && f.operation === "Apply" && !f.subresource);
}

function ownedBy(obj: LiveObject, uid: string | undefined): boolean {
  return uid !== undefined && (obj.metadata?.ownerReferences ?? []).some((o) => o.uid === uid && o.controller === true);
}
