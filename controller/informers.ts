// Informers (client-node's list-then-watch caches) with what client-node 1.4 leaves to the
// caller: it re-lists by itself after 410 Gone and re-watches after a clean close, but on any
// other error it stops, so a restart with backoff is done here. A resource type the API server
// does not serve (Karpenter's CRDs not installed) reads as empty and is retried until it appears.
import { makeInformer } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { backoffDelay } from "./backoff.js";
import type { BackoffOptions } from "./backoff.js";
import { isNotFound } from "./kube.js";
import type { KubeClient, RequestObserver } from "./kube.js";
import type { Logger } from "./logger.js";
import { errorMessage } from "./logger.js";
import type { LiveObject } from "./objects.js";
import { apiVersionOf, collectionPath } from "./resources.js";
import type { ResourceType } from "./resources.js";

export type InformerEvent = "add" | "update" | "delete";

export interface ObjectCache {
  get(name: string, namespace?: string): LiveObject | undefined;
  list(namespace?: string): readonly LiveObject[];
}

export interface InformerHandle extends ObjectCache {
  readonly type: ResourceType;
  /** resolves after the first complete list (or the finding that the type is not served) */
  synced(): Promise<void>;
  hasSynced(): boolean;
  stop(): Promise<void>;
}

export interface InformerOptions {
  readonly config: KubeConfig;
  readonly client: KubeClient;
  readonly type: ResourceType;
  readonly labelSelector?: string;
  readonly onEvent: (event: InformerEvent, obj: LiveObject) => void;
  readonly logger: Logger;
  /** counts watch requests (list requests are counted by the client) */
  readonly observe?: RequestObserver;
  /** restart delays after errors (default 1 s doubling to 1 min) */
  readonly backoff?: BackoffOptions;
}

const RESTART_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, jitter: 0.2 };
const PAGE_SIZE = "500";

interface ListMeta {
  resourceVersion?: string;
  continue?: string;
}

export function startInformer(options: InformerOptions): InformerHandle {
  const { client, type, labelSelector, logger } = options;
  const path = collectionPath(type);
  let stopped = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let markSynced: () => void = () => undefined;
  let isSynced = false;
  const syncedPromise = new Promise<void>((resolve) => {
    markSynced = () => {
      isSynced = true;
      resolve();
    };
  });
  let reportedMissing = false;

  const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const items: LiveObject[] = [];
    let resourceVersion = "";
    let next: string | undefined;
    try {
      do {
        const query: Record<string, string> = { limit: PAGE_SIZE };
        if (labelSelector !== undefined) query["labelSelector"] = labelSelector;
        if (next !== undefined) query["continue"] = next;
        const page = await client.request<{ metadata?: ListMeta; items?: LiveObject[] }>({ verb: "list", type, query });
        if (next === undefined) resourceVersion = page.metadata?.resourceVersion ?? "";
        // List items of built-in kinds come without apiVersion and kind; watch events have them.
        for (const item of page.items ?? []) items.push({ ...item, apiVersion: item.apiVersion ?? apiVersionOf(type), kind: item.kind ?? type.kind });
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (!reportedMissing) {
        reportedMissing = true;
        logger.warn({ resource: `${type.plural}.${type.group}` }, `the API server does not serve ${type.kind} (${apiVersionOf(type)}); treating it as empty until it does`);
      }
      // Empty, and a resourceVersion of "" makes the next start list again rather than watch.
      markSynced();
      return { metadata: { resourceVersion: "" }, items: [] };
    }
    reportedMissing = false;
    failures = 0;
    markSynced();
    return { metadata: { resourceVersion }, items: items as unknown as KubernetesObject[] };
  };

  const informer = makeInformer<KubernetesObject>(options.config, path, list, labelSelector);
  const forward = (event: InformerEvent) => (obj: KubernetesObject) => {
    failures = 0;
    options.onEvent(event, obj as unknown as LiveObject);
  };
  informer.on("add", forward("add"));
  informer.on("update", forward("update"));
  informer.on("delete", forward("delete"));
  informer.on("connect", () => {
    options.observe?.({ verb: "watch", group: type.group, resource: type.plural, namespace: undefined, name: undefined, code: 200, durationMs: 0 });
  });
  informer.on("error", (err: unknown) => {
    // stop() aborts the watch, which reports an AbortError here: not a failure.
    if (stopped) return;
    failures++;
    const delay = backoffDelay(failures, options.backoff ?? RESTART_BACKOFF);
    logger.warn({ resource: type.plural, err: errorMessage(err), retryInMs: delay }, "informer stopped; restarting");
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!stopped) void informer.start();
    }, delay);
  });

  void informer.start();

  return {
    type,
    get: (name, namespace) => informer.get(name, namespace) as unknown as LiveObject | undefined,
    list: (namespace) => informer.list(namespace) as unknown as readonly LiveObject[],
    synced: () => syncedPromise,
    hasSynced: () => isSynced,
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
