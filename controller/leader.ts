// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// every write is conditional on the resourceVersion read, a candidate takes over only after
// the holder has not renewed for a whole lease duration as measured on the candidate's own
// clock (no clock-skew trust), and a leader that cannot renew within the renew deadline stops
// leading before anyone else may start (10 s < 15 s). Releasing on stop() hands over at once.
import { isConflict, isNotFound } from "./kube.js";
import type { KubeClient } from "./kube.js";
import { LEASE } from "./resources.js";
import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** The three calls leader election makes; conflicts come back as "conflict", not thrown. */
export interface LeaseApi {
  get(): Promise<Lease | undefined>;
  create(spec: LeaseSpec): Promise<Lease | "conflict">;
  update(lease: Lease): Promise<Lease | "conflict">;
}

export function kubeLeaseApi(client: KubeClient, namespace: string, name: string): LeaseApi {
  const base = { type: LEASE, namespace } as const;
  return {
    async get() {
      try {
        return await client.request<Lease>({ ...base, verb: "get", name });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(spec) {
      try {
        return await client.request<Lease>({
          ...base,
          verb: "create",
          body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace }, spec },
        });
      } catch (err) {
        if (isConflict(err)) return "conflict";
        throw err;
      }
    },
    async update(lease) {
      try {
        return await client.request<Lease>({ ...base, verb: "update", name, body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", ...lease } });
      } catch (err) {
        if (isConflict(err)) return "conflict";
        throw err;
      }
    },
  };
}

export interface LeaderElectionTimings {
  /** how long a lease is good for without renewal (client-go's LeaseDuration) */
  readonly leaseDurationMs: number;
  /** a leader that has not renewed for this long stops leading (RenewDeadline) */
  readonly renewDeadlineMs: number;
  /** time between attempts to acquire or renew (RetryPeriod) */
  readonly retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export interface LeaderElectorOptions extends Partial<LeaderElectionTimings> {
  readonly api: LeaseApi;
  readonly identity: string;
  readonly onStartedLeading: () => void;
  /** called at once when leadership is lost or given up; the caller must stop writing */
  readonly onStoppedLeading: () => void;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** stops campaigning; a leader releases the Lease so another replica takes over at once */
  stop(): Promise<void>;
}

/** MicroTime wants exactly six fractional digits. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

export function startLeaderElection(options: LeaderElectorOptions): LeaderElector {
  const timings: LeaderElectionTimings = {
    leaseDurationMs: options.leaseDurationMs ?? DEFAULT_LEADER_ELECTION.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs ?? DEFAULT_LEADER_ELECTION.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs ?? DEFAULT_LEADER_ELECTION.retryPeriodMs,
  };
  if (timings.renewDeadlineMs >= timings.leaseDurationMs) throw new Error("the renew deadline must be shorter than the lease duration");
  const { api, identity } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const leaseSeconds = Math.ceil(timings.leaseDurationMs / 1000);

  let leading = false;
  let stopped = false;
  let lastRenew = 0;
  let observed: { fingerprint: string; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const becomeLeader = (): void => {
    if (leading) return;
    leading = true;
    logger.info({ identity }, "leader election: became the leader");
    options.onStartedLeading();
  };
  const stepDown = (why: string): void => {
    if (!leading) return;
    leading = false;
    logger.warn({ identity, why }, "leader election: stopped leading");
    options.onStoppedLeading();
  };

  /** One round: true when we hold the Lease afterwards. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const t = now();
    const lease = await api.get();
    if (!lease) {
      const created = await api.create({ holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: microTime(t), renewTime: microTime(t), leaseTransitions: 0 });
      return created !== "conflict";
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const fingerprint = `${holder}|${spec.renewTime ?? ""}|${lease.metadata.resourceVersion ?? ""}`;
    if (observed?.fingerprint !== fingerprint) observed = { fingerprint, at: t };
    if (holder !== "" && holder !== identity) {
      const duration = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
      if (observed.at + duration > t) {
        if (leading) stepDown(`the Lease is held by ${holder}`);
        return false;
      }
    }
    const mine = holder === identity;
    const updated = await api.update({
      ...lease,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(t),
        renewTime: microTime(t),
        leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    });
    if (updated === "conflict") return false;
    observed = { fingerprint: `${identity}|${updated.spec?.renewTime ?? ""}|${updated.metadata.resourceVersion ?? ""}`, at: t };
    return true;
  };

  const round = async (): Promise<void> => {
    let held = false;
    try {
      held = await tryAcquireOrRenew();
    } catch (err) {
      logger.warn({ identity, err: err instanceof Error ? err.message : String(err) }, "leader election: cannot reach the Lease");
    }
    if (stopped) return;
    if (held) {
      lastRenew = now();
      becomeLeader();
    } else if (leading && now() - lastRenew >= timings.renewDeadlineMs) {
      stepDown(`no renewal for ${timings.renewDeadlineMs} ms`);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    // Candidates spread their attempts a little (client-go's JitterFactor 1.2) so they do not collide.
    const delay = leading ? timings.retryPeriodMs : timings.retryPeriodMs * (1 + 0.2 * Math.random());
    timer = setTimeout(() => {
      attempt = round().finally(schedule);
    }, delay);
  };

  attempt = round().finally(schedule);

  return {
    isLeader: () => leading,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      await attempt.catch(() => undefined);
      if (!leading) return;
      leading = false;
      options.onStoppedLeading();
      try {
        const lease = await api.get();
        if (lease?.spec?.holderIdentity === identity) {
          const t = microTime(now());
          await api.update({ ...lease, spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: t, acquireTime: t } });
          logger.info({ identity }, "leader election: released the Lease");
        }
      } catch (err) {
        logger.warn({ identity, err: err instanceof Error ? err.message : String(err) }, "leader election: cannot release the Lease; it expires by itself");
      }
    },
  };
}
