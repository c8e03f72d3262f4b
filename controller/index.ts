// The controller of the kubectl road: informers on Workspaces and the child kinds, a work queue,
// the reconciler, and leader election so that of several replicas exactly one writes.
//
//   const controller = await startController({ namespace: "kaito-gitops-system" });
//   ...
//   await controller.stop();
//
// Every replica keeps its caches warm, so a new leader starts at once; only the leader runs
// workers. Losing the Lease stops the workers and every write immediately.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { defaultExpandOptions, LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE } from "../workspace/index.js";
import type { ExpandOptions } from "../workspace/index.js";
import type { BackoffOptions } from "./backoff.js";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { startInformer } from "./informers.js";
import type { InformerEvent, InformerHandle, ObjectCache } from "./informers.js";
import { createKubeClient, KubeApiError } from "./kube.js";
import type { RequestObserver } from "./kube.js";
import { DEFAULT_LEADER_ELECTION, kubeLeaseApi, startLeaderElection } from "./leader.js";
import type { LeaderElectionTimings, LeaderElector } from "./leader.js";
import type { Logger } from "./logger.js";
import { errorMessage, silentLogger } from "./logger.js";
import { createControllerMetrics } from "./metrics.js";
import type { ControllerMetrics, ReconcileResult } from "./metrics.js";
import { keyOf } from "./objects.js";
import type { LiveObject } from "./objects.js";
import { WorkQueue } from "./queue.js";
import { NotLeaderError, ReconcileError, Reconciler } from "./reconciler.js";
import { isClusterScopedChild, POD, WORKSPACE, watchedChildTypes } from "./resources.js";

export { FIELD_MANAGER } from "./reconciler.js";
export { RBAC_RULES } from "./rbac.js";
export type { RbacRule } from "./rbac.js";
export type { Logger } from "./logger.js";
export type { RequestRecord, RequestObserver } from "./kube.js";
export type { ReconcileResult } from "./metrics.js";
export type { LeaderElectionTimings } from "./leader.js";

/** The Lease leader election takes; one per install (replicas share it). */
export const LEASE_NAME = "kaito-gitops-controller";
export const DEFAULT_CONCURRENCY = 4;
/** Every Workspace is looked at again this often even without events; cheap when nothing changed. */
export const DEFAULT_RESYNC_MS = 10 * 60_000;

export interface LeaderElectionOptions extends Partial<LeaderElectionTimings> {
  /** default: POD_NAME or the host name, plus a random suffix */
  readonly identity?: string;
  readonly leaseName?: string;
}

export interface ControllerOptions {
  /** a kubeconfig file; without it (and without kubeConfig): $KUBECONFIG, ~/.kube/config, else the pod's service account */
  readonly kubeconfig?: string;
  /** an already loaded KubeConfig, which wins over `kubeconfig` */
  readonly kubeConfig?: KubeConfig;
  /** namespace of the leader-election Lease: the controller's own namespace */
  readonly namespace: string;
  /** KAITO version, controller settings, model lock, or their loading */
  readonly expandOptions?: ExpandOptions | Promise<ExpandOptions>;
  readonly logger?: Logger;
  /** true by default; false runs as the only writer (a single replica, tests) */
  readonly leaderElection?: boolean | LeaderElectionOptions;
  /** Workspaces reconciled in parallel (default 4) */
  readonly concurrency?: number;
  /** retry delays of a failing Workspace (default 1 s doubling to 5 min, 20 % jitter) */
  readonly backoff?: BackoffOptions;
  readonly resyncMs?: number;
  /** registry for the controller's Prometheus metrics (serve passes the webhook's) */
  readonly metricsRegistry?: Registry;
  /** sees every API request (benchmarks, tests) */
  readonly onRequest?: RequestObserver;
  /** sees every finished reconcile (benchmarks, tests) */
  readonly onReconcile?: (key: string, result: ReconcileResult, ms: number) => void;
}

export interface ControllerHandle {
  /** stops the workers, releases the Lease if held, stops the informers */
  stop(): Promise<void>;
  /** true while this replica holds the Lease (always, without leader election) */
  isLeader(): boolean;
  /** resolves once every informer has listed once */
  synced(): Promise<void>;
  readonly identity: string;
  readonly metrics: ControllerMetrics;
}

export async function startController(options: ControllerOptions): Promise<ControllerHandle> {
  const logger = options.logger ?? silentLogger;
  const config = options.kubeConfig ?? loadKubeConfig(options.kubeconfig);
  const metrics = createControllerMetrics(options.metricsRegistry);
  const observe: RequestObserver = (r) => {
    metrics.request(r);
    options.onRequest?.(r);
  };
  const client = createKubeClient(config, observe);
  const expandOptions = (await options.expandOptions) ?? defaultExpandOptions;
  const election = options.leaderElection ?? true;
  const electionOptions: LeaderElectionOptions = typeof election === "object" ? election : {};
  const identity = electionOptions.identity ?? `${process.env["POD_NAME"] ?? hostname()}_${randomUUID().slice(0, 8)}`;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);

  let leading = false;
  let queue: WorkQueue | undefined;
  /** every worker ever started; those of an earlier term end when their queue shuts down */
  const workers: Promise<void>[] = [];
  let resyncTimer: NodeJS.Timeout | undefined;

  const childCaches = new Map<string, ObjectCache>();
  const reconciler = new Reconciler({
    client,
    expandOptions,
    workspaces: { get: (n, ns) => workspaceInformer.get(n, ns), list: (ns) => workspaceInformer.list(ns) },
    children: childCaches,
    pods: { get: (n, ns) => podInformer.get(n, ns), list: (ns) => podInformer.list(ns) },
    isLeader: () => leading,
    logger,
  });

  const enqueue = (key: string): void => {
    if (!leading || !queue) return;
    queue.add(key);
    metrics.queueDepth(queue.length);
  };

  const onWorkspace = (event: InformerEvent, obj: LiveObject): void => {
    const key = keyOf(obj.metadata?.namespace, obj.metadata?.name ?? "");
    if (event === "update" && !reconciler.wantsWorkspaceEvent(key, obj)) return;
    enqueue(key);
  };
  const onChild = (event: InformerEvent, obj: LiveObject): void => {
    const key = workspaceKeyOfChild(obj, (n, ns) => workspaceInformer.get(n, ns) !== undefined);
    if (key === undefined) return;
    if (event === "delete") reconciler.childDeleted(key, obj);
    else if (!reconciler.wantsChildEvent(key, obj)) return;
    enqueue(key);
  };

  // Pods are not children (nothing here applies them): every event of one may change the
  // Workspace's InferenceReady, so none is filtered against the reconciler's apply records.
  const onPod = (_event: InformerEvent, obj: LiveObject): void => {
    const key = workspaceKeyOfPod(obj);
    if (key !== undefined) enqueue(key);
  };

  const workspaceInformer = startInformer({ config, client, type: WORKSPACE, onEvent: onWorkspace, logger, observe });
  const podInformer = startInformer({ config, client, type: POD, labelSelector: LABEL_WORKSPACE, onEvent: onPod, logger, observe });
  const informers: InformerHandle[] = [workspaceInformer, podInformer];
  for (const type of watchedChildTypes(expandOptions.kaitoVersion)) {
    // KAITO labels its node claims (cluster-scoped, so they cannot be owned) but not its namespaced
    // children: those are known by their controller ownerReference, as controller-runtime's Owns()
    // does; onChild drops everything else.
    const labelSelector = type.namespaced ? undefined : LABEL_WORKSPACE;
    const informer = startInformer({ config, client, type, ...(labelSelector ? { labelSelector } : {}), onEvent: onChild, logger, observe });
    childCaches.set(type.kind, informer);
    informers.push(informer);
  }
  const synced = (): Promise<void> => Promise.all(informers.map((i) => i.synced())).then(() => undefined);

  const enqueueAll = (): void => {
    for (const ws of workspaceInformer.list()) enqueue(keyOf(ws.metadata?.namespace, ws.metadata?.name ?? ""));
    // Node claims of Workspaces deleted while no replica was leading.
    for (const [kind, cache] of childCaches) {
      if (!isClusterScopedChild(kind)) continue;
      for (const claim of cache.list()) {
        const key = workspaceKeyOfChild(claim);
        if (key !== undefined) enqueue(key);
      }
    }
  };

  const work = async (q: WorkQueue): Promise<void> => {
    for (;;) {
      const key = await q.get();
      if (key === undefined) return;
      const started = performance.now();
      let result: ReconcileResult;
      try {
        result = await reconciler.reconcile(key);
        q.forget(key);
      } catch (err) {
        if (err instanceof NotLeaderError) {
          result = "not_leader";
        } else {
          result = "error";
          const retryInMs = q.addRateLimited(key);
          const fields = { workspace: key, err: errorMessage(err), retryInMs, failures: q.failuresOf(key) };
          if (err instanceof ReconcileError || err instanceof KubeApiError) logger.warn(fields, "reconcile failed; retrying with backoff");
          else logger.error({ ...fields, stack: err instanceof Error ? err.stack : undefined }, "reconcile failed unexpectedly; retrying with backoff");
        }
      } finally {
        q.done(key);
        metrics.queueDepth(q.length);
      }
      const ms = performance.now() - started;
      metrics.reconciled(result, ms / 1000);
      options.onReconcile?.(key, result, ms);
      if (result !== "unchanged") logger.debug({ workspace: key, result, ms: Math.round(ms) }, "reconciled");
    }
  };

  const startLeading = (): void => {
    leading = true;
    metrics.leader(true);
    void synced().then(() => {
      if (!leading || queue) return;
      const q = new WorkQueue({ backoff: options.backoff ?? DEFAULT_BACKOFF });
      queue = q;
      enqueueAll();
      for (let i = 0; i < concurrency; i++) workers.push(work(q));
      resyncTimer = setInterval(enqueueAll, options.resyncMs ?? DEFAULT_RESYNC_MS);
      resyncTimer.unref();
      logger.info({ identity, workspaces: workspaceInformer.list().length, concurrency }, "controller: caches synced, reconciling");
    });
  };
  const stopLeading = (): void => {
    leading = false;
    metrics.leader(false);
    queue?.shutDown();
    queue = undefined;
    if (resyncTimer) clearInterval(resyncTimer);
    resyncTimer = undefined;
    reconciler.reset();
  };

  let elector: LeaderElector | undefined;
  if (election === false) {
    startLeading();
  } else {
    elector = startLeaderElection({
      api: kubeLeaseApi(client, options.namespace, electionOptions.leaseName ?? LEASE_NAME),
      identity,
      leaseDurationMs: electionOptions.leaseDurationMs ?? DEFAULT_LEADER_ELECTION.leaseDurationMs,
      renewDeadlineMs: electionOptions.renewDeadlineMs ?? DEFAULT_LEADER_ELECTION.renewDeadlineMs,
      retryPeriodMs: electionOptions.retryPeriodMs ?? DEFAULT_LEADER_ELECTION.retryPeriodMs,
      onStartedLeading: startLeading,
      onStoppedLeading: stopLeading,
      logger,
    });
  }
  logger.info(
    { identity, apiServer: client.server, leaseNamespace: options.namespace, leaderElection: election !== false, kaitoVersion: expandOptions.kaitoVersion },
    "controller started",
  );

  let stopping: Promise<void> | undefined;
  return {
    identity,
    metrics,
    isLeader: () => leading,
    synced,
    stop() {
      stopping ??= (async () => {
        if (elector) await elector.stop();
        stopLeading();
        await Promise.all(workers);
        await Promise.all(informers.map((i) => i.stop()));
        client.close();
        logger.info({ identity }, "controller stopped");
      })();
      return stopping;
    },
  };
}

function loadKubeConfig(file: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (file !== undefined && file !== "") config.loadFromFile(file);
  else config.loadFromDefault();
  return config;
}

/**
 * The Workspace an inference pod belongs to: by its label alone, as its owner is a ReplicaSet or
 * StatefulSet, and a pod lives in its Workspace's namespace.
 */
export function workspaceKeyOfPod(obj: LiveObject): string | undefined {
  const name = obj.metadata?.labels?.[LABEL_WORKSPACE];
  const namespace = obj.metadata?.namespace;
  return name && namespace ? keyOf(namespace, name) : undefined;
}

/** The Workspace a child belongs to: its controller owner, else its labels. */
export function workspaceKeyOfChild(obj: LiveObject, workspaceExists?: (name: string, namespace: string) => boolean): string | undefined {
  const meta = obj.metadata ?? {};
  const labels = meta.labels ?? {};
  if (!meta.namespace) {
    const name = labels[LABEL_WORKSPACE];
    const namespace = labels[LABEL_WORKSPACE_NAMESPACE];
    return name && namespace ? keyOf(namespace, name) : undefined;
  }
  const owner = (meta.ownerReferences ?? []).find((o) => o.controller === true && o.kind === "Workspace");
  const name = owner?.name ?? labels[LABEL_WORKSPACE];
  if (name) return keyOf(meta.namespace, name);
  // KAITO v0.12's Services and StatefulSet carry no label, and rendered by the Argo CD plugin
  // they have no owner either: they are known by the names KAITO gives them (<name>,
  // <name>-headless), for a Workspace that exists. Without this, a StatefulSet's status
  // (readyReplicas) changing after its pods' events would never reach the Workspace's status.
  if (workspaceExists === undefined || (meta.ownerReferences ?? []).some((o) => o.controller === true)) return undefined;
  const own = meta.name ?? "";
  const namespace = meta.namespace;
  const candidates = obj.kind === "Service" && own.endsWith(HEADLESS_SUFFIX) ? [own, own.slice(0, -HEADLESS_SUFFIX.length)] : [own];
  const found = candidates.find((n) => n !== "" && workspaceExists(n, namespace));
  return found === undefined ? undefined : keyOf(namespace, found);
}

const HEADLESS_SUFFIX = "-headless";
