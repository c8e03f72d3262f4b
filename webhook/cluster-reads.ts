// What the admission webhook reads from the cluster before it checks a Workspace: what KAITO's own
// webhook and controller read for it (controller/cluster-facts.ts), fetched afresh for each
// request, so a ConfigMap applied a moment before its Workspace is seen. Without cluster access
// (a laptop, in-memory certificates, no kubeconfig) nothing is read: named Secrets are assumed
// as `render` assumes them, and a denial for a ConfigMap says it could not be read.
import { ClusterReadError, readClusterFacts, wantedFacts, wantsNothing } from "../controller/cluster-facts.js";
import type { ReadLimits } from "../controller/cluster-facts.js";
import { KubeApiError } from "../controller/kube.js";
import type { KubeClient } from "../controller/kube.js";
import type { ClusterFacts, ExpandOptions } from "../workspace/index.js";
import type { Status, UntrustedObject } from "./admission-review.js";
import type { WebhookMetrics } from "./metrics.js";
import { internalError } from "./status.js";

/**
 * Well under the webhook configurations' timeoutSeconds (10): mutate and validate each read once,
 * in parallel, and still answer in time when the API server is slow.
 */
export const ADMISSION_READ_LIMITS: ReadLimits = {
  timeoutMs: 3_000,
  maxObjectBytes: 2 * 1024 * 1024,
  maxListBytes: 16 * 1024 * 1024,
};

/** How the webhook reaches the cluster: a client with the process's credentials, and its bounds. */
export interface ClusterAccess {
  readonly client: KubeClient;
  readonly limits: ReadLimits;
}

export type AdmissionOptions = { readonly ok: true; readonly options: ExpandOptions } | { readonly ok: false; readonly status: Status };

/** Facts given at start (serve --cluster) stay; what was read wins over them (it comes first). */
function merged(read: ClusterFacts, given: ClusterFacts): ClusterFacts {
  return {
    configMaps: [...read.configMaps, ...given.configMaps],
    secrets: [...read.secrets, ...given.secrets],
    nodes: read.nodes.length > 0 ? read.nodes : given.nodes,
  };
}

/**
 * The options to check this Workspace with: with cluster access, the live objects it names and
 * no assumed Secrets; a read that fails (other than 404, which is "absent") is a denial that
 * names the object and the field, never a guess.
 */
export async function admissionOptions(object: UntrustedObject, options: ExpandOptions, access: ClusterAccess | undefined): Promise<AdmissionOptions> {
  if (access === undefined) return { ok: true, options };
  const wanted = wantedFacts(object, options.namespace, options.settings.nodeProvisioner === "byo");
  if (wantsNothing(wanted)) return { ok: true, options: { ...options, assumeNamedSecrets: false } };
  try {
    const read = await readClusterFacts(wanted, { client: access.client, limits: access.limits });
    return { ok: true, options: { ...options, cluster: merged(read, options.cluster), assumeNamedSecrets: false } };
  } catch (err) {
    if (!(err instanceof ClusterReadError)) throw err;
    return {
      ok: false,
      status: internalError(`the kaito-gitops webhook ${err.message}; KAITO reads it to admit this Workspace, so it cannot be checked. Retry; if it persists, see the webhook's log and RBAC`),
    };
  }
}

/**
 * Without cluster access, the line a denial gets for each named ConfigMap the options do not hold:
 * the verdict "does not exist" is then only "could not be read".
 */
export function unreadConfigMapsNote(object: UntrustedObject, options: ExpandOptions): string | undefined {
  const wanted = wantedFacts(object, options.namespace, false);
  const unread = wanted.configMaps.filter(
    (c) => !options.cluster.configMaps.some((o) => o.metadata.name === c.name && (o.metadata.namespace ?? wanted.namespace) === wanted.namespace),
  );
  if (unread.length === 0) return undefined;
  const list = unread.map((c) => `ConfigMap ${wanted.namespace}/${c.name} (${c.field})`).join(", ");
  return `note: this webhook has no cluster access (no kubeconfig or service account), so ${list} could not be read; run serve with cluster credentials, or pass the ConfigMap with --cluster`;
}

/** The same access, each read counted and timed in the webhook's metrics. */
export function observedAccess(access: ClusterAccess, metrics: Pick<WebhookMetrics, "clusterRead">): ClusterAccess {
  const { client } = access;
  return {
    ...access,
    client: {
      server: client.server,
      close: () => client.close(),
      async request<T>(req: Parameters<KubeClient["request"]>[0]): Promise<T> {
        const started = performance.now();
        let code = 0;
        try {
          const answer = await client.request<T>(req);
          code = 200;
          return answer;
        } catch (err) {
          if (err instanceof KubeApiError) code = err.code;
          throw err;
        } finally {
          metrics.clusterRead(req.type.plural, code, (performance.now() - started) / 1000);
        }
      },
    },
  };
}
