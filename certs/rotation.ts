// Keeping the self-managed certificates fresh in a running webhook: check at start, then again
// at the next renewal time (and at least hourly, which also picks up a rotation another replica
// did and repairs a caBundle someone overwrote), handing every new set to the HTTPS server.
import { ensureCertificates } from "./ensure.js";
import type { EnsureOptions, EnsureResult } from "./ensure.js";
import { injectCABundle, isInjected } from "./ca-bundle.js";
import type { InjectResult, WebhookConfigApi, WebhookConfigNames } from "./ca-bundle.js";
import { nextRenewalAt } from "./renewal.js";
import type { SecretStore } from "./secret-store.js";
import type { CertBundle, WantedCert } from "./types.js";

export type TimerHandle = unknown;

/** Time as the manager sees it; injected so tests can move it by hand. */
export interface Clock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // The HTTPS server keeps the process alive; a pending check should not hold up exit.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const HOUR_MS = 60 * 60 * 1000;
/** setTimeout fires at once for delays beyond a signed 32-bit millisecond count. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RotationOptions {
  readonly store: SecretStore;
  readonly wanted: WantedCert;
  readonly clock: Clock;
  /** called with every new certificate set, first at start; e.g. server.setSecureContext */
  readonly onRotate: (bundle: CertBundle) => void | Promise<void>;
  /** where to inject the caBundle; without it nothing is injected */
  readonly injector?: { readonly api: WebhookConfigApi; readonly names: WebhookConfigNames };
  readonly issue?: EnsureOptions;
  /** longest wait between checks (default one hour) */
  readonly maxIntervalMs?: number;
  /** wait after a failed check or a caBundle that could not be injected yet (default 30 s) */
  readonly retryIntervalMs?: number;
  /** each completed check, for logs and metrics */
  readonly onCheck?: (report: CheckReport) => void;
  /** each failed check; the manager retries on its own */
  readonly onError?: (err: unknown) => void;
}

export interface CheckReport {
  readonly ensured: EnsureResult;
  readonly injected: InjectResult | undefined;
  readonly rotated: boolean;
  readonly nextCheckAt: Date;
}

export interface RotationManager {
  /** Resolves with the first valid set; failures are reported to onError and retried. */
  start(): Promise<CertBundle>;
  /** Runs a check now (joining one already running) and reschedules. */
  check(): Promise<CertBundle>;
  /** Clears the timer; a check in flight finishes but schedules nothing. */
  stop(): void;
  /** the set last handed to onRotate */
  readonly current: CertBundle | undefined;
  /** every configured webhook configuration carries the current caBundle (for /readyz) */
  readonly caInjected: boolean;
}

export function createRotationManager(options: RotationOptions): RotationManager {
  const maxInterval = options.maxIntervalMs ?? HOUR_MS;
  const retryInterval = options.retryIntervalMs ?? 30_000;
  const { clock } = options;

  let current: CertBundle | undefined;
  let caInjected = options.injector === undefined;
  let timer: TimerHandle | undefined;
  let running: Promise<CertBundle> | undefined;
  let stopped = false;
  let firstSuccess: { resolve: (b: CertBundle) => void; reject: (e: unknown) => void } | undefined;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = undefined;
      // Failures are already reported through onError and rescheduled by check itself.
      check().catch(() => undefined);
    }, delayMs);
  };

  /** One pass: converge the Secret, inject the caBundle, hand a changed set to the server. */
  const runCheck = async (): Promise<CheckReport> => {
    const ensured = await ensureCertificates(options.store, options.wanted, clock.now(), options.issue);
    const { bundle } = ensured;
    let injected: InjectResult | undefined;
    if (options.injector !== undefined) {
      // Inject before handing the set to the server: if the CA changed, the apiserver should
      // trust it before anyone presents a certificate from it.
      injected = await injectCABundle(options.injector.api, options.injector.names, bundle.caCert);
      caInjected = isInjected(injected);
    }
    const rotated = !sameBundle(current, bundle);
    if (rotated) {
      await options.onRotate(bundle);
      current = bundle;
    }
    const now = clock.now().getTime();
    const untilRenewal = Math.max(nextRenewalAt(bundle).getTime() - now, 1000);
    const delay = Math.min(untilRenewal, maxInterval, caInjected ? Infinity : retryInterval, MAX_TIMER_MS);
    return { ensured, injected, rotated, nextCheckAt: new Date(now + delay) };
  };

  const check = (): Promise<CertBundle> => {
    if (running !== undefined) return running;
    // Scheduling and reporting happen once `running` is cleared, so a timer or caller reacting
    // to the report starts a fresh check instead of joining the one that just finished.
    running = runCheck().then(
      (report) => {
        running = undefined;
        schedule(Math.max(0, report.nextCheckAt.getTime() - clock.now().getTime()));
        firstSuccess?.resolve(report.ensured.bundle);
        firstSuccess = undefined;
        options.onCheck?.(report);
        return report.ensured.bundle;
      },
      (err: unknown) => {
        running = undefined;
        schedule(retryInterval);
        options.onError?.(err);
        throw err;
      },
    );
    return running;
  };

  return {
    start() {
      const first = new Promise<CertBundle>((resolve, reject) => {
        firstSuccess = { resolve, reject };
      });
      check().catch(() => undefined);
      return first;
    },
    check,
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      firstSuccess?.reject(new Error("certificate rotation stopped before the first certificates were ready"));
      firstSuccess = undefined;
    },
    get current() {
      return current;
    },
    get caInjected() {
      return caInjected;
    },
  };
}

function sameBundle(a: CertBundle | undefined, b: CertBundle): boolean {
  return a !== undefined && a.tlsCert === b.tlsCert && a.tlsKey === b.tlsKey && a.caCert === b.caCert;
}
