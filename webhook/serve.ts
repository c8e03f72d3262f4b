// Wiring the webhook together: certificates first (TLS cannot listen without one), then the
// server, then the catalog, each gating /readyz. Returns a handle so the CLI, tests (on port 0)
// and later components sharing the process (the controller) can start and stop it in-process.
import type { AddressInfo } from "node:net";
import { certValidity } from "../certs/index.js";
import type { ServingCerts } from "../certs/index.js";
import { defaultExpandOptions } from "../workspace/index.js";
import type { ExpandOptions } from "../workspace/index.js";
import { createApp } from "./app.js";
import { DEFAULT_MAX_BODY_BYTES } from "./http/json-body.js";
import type { CertificateEvents, CertificateProvider } from "./certificates.js";
import { observedAccess } from "./cluster-reads.js";
import type { ClusterAccess } from "./cluster-reads.js";
import type { JsonLimits } from "./json-guard.js";
import { createLogger } from "./logger.js";
import type { Logger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import type { WebhookMetrics } from "./metrics.js";
import { createReadiness } from "./readiness.js";
import type { Readiness } from "./readiness.js";
import type { AdmissionContext } from "./scope.js";
import { createWebhookServer } from "./server.js";
import type { BusyRefusal, ServerLimits, ServerTimeouts, ShutdownReport, WebhookServer } from "./server.js";
import { throttle } from "./log-throttle.js";
import { warmUp } from "./warm-up.js";

export const DEFAULT_PORT = 9443;
export const DEFAULT_HOST = "0.0.0.0";
/** At most one log line per interval for requests refused with 429; the rest are counted in it. */
const BUSY_LOG_INTERVAL_MS = 10_000;
/** Below the pod's default terminationGracePeriodSeconds (30 s), leaving time to exit. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

/** The certificate source could not give a first certificate (an unreadable --cert-dir, say). */
export class CertificateStartError extends Error {
  constructor(mode: CertificateProvider["mode"], cause: unknown) {
    super(`no serving certificate (${mode}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "CertificateStartError";
  }
}

export interface StartWebhookOptions {
  readonly certificates: CertificateProvider;
  /**
   * KAITO version, controller settings and model lock, or their loading; admission waits (503,
   * not ready) until they are there. The namespace comes from each request.
   */
  readonly expandOptions?: ExpandOptions | Promise<ExpandOptions>;
  /**
   * A client with the process's credentials, to read what KAITO reads for each Workspace (the
   * ConfigMaps and Secret it names, GPU Nodes). Without it, named Secrets are assumed and named
   * ConfigMaps are taken from the expansion options alone, as `render` does.
   */
  readonly cluster?: ClusterAccess;
  readonly port?: number;
  readonly host?: string;
  readonly maxBodyBytes?: number;
  readonly jsonLimits?: JsonLimits;
  /** bound on draining in-flight requests at close() */
  readonly shutdownTimeoutMs?: number;
  /**
   * Time between close() and the listener closing, spent not ready and answering with
   * `Connection: close`, so endpoints and the API server's pooled connections move away first.
   */
  readonly shutdownDelayMs?: number;
  readonly logger?: Logger;
  readonly metrics?: WebhookMetrics;
  /** connection and request timeouts (SERVER_TIMEOUTS by default); tests shorten them */
  readonly timeouts?: Partial<ServerTimeouts>;
  /** bodies in flight and connections (SERVER_LIMITS by default; the largest body is maxBodyBytes) */
  readonly limits?: Partial<Omit<ServerLimits, "maxBodyBytes">>;
}

export interface WebhookHandle {
  /** https://HOST:PORT, with localhost for a wildcard host */
  readonly url: string;
  readonly address: AddressInfo;
  /** base64 CA PEM for clientConfig.caBundle, when known (self-signed and directory with ca.crt) */
  readonly caBundle: string | undefined;
  readonly readiness: Readiness;
  readonly metrics: WebhookMetrics;
  readonly server: WebhookServer;
  /** resolves when every readiness gate is open; rejects if the expansion settings fail to load */
  ready(): Promise<void>;
  /** graceful shutdown (also what SIGTERM does); the same promise on every call */
  close(): Promise<ShutdownReport>;
}

export async function startWebhook(options: StartWebhookOptions): Promise<WebhookHandle> {
  const logger = options.logger ?? createLogger({ level: "info" });
  const metrics = options.metrics ?? createMetrics();
  const readiness = createReadiness();
  const { certificates } = options;
  readiness.gate("certificates", `starting (${certificates.mode})`);
  readiness.gate("settings", "loading");

  // Handled from the start: settings that fail to load while certificates are still being issued
  // must not become an unhandled rejection.
  let context: AdmissionContext | undefined;
  const settingsLoaded = Promise.resolve(options.expandOptions ?? defaultExpandOptions).then(
    async (expandOptions) => {
      const loaded: AdmissionContext = { options: expandOptions, ...(options.cluster !== undefined && { cluster: observedAccess(options.cluster, metrics) }) };
      const started = performance.now();
      try {
        const results = await warmUp(loaded);
        logger.info({ results, ms: Math.round(performance.now() - started) }, "admission paths warmed up");
      } catch (err) {
        // A sample the settings refuse in an unforeseen way must not keep the webhook down.
        logger.warn({ err }, "admission warm-up failed; serving without it");
      }
      context = loaded;
      readiness.set("settings", true, `KAITO ${expandOptions.kaitoVersion}, ${expandOptions.models.models.length} locked model(s)`);
    },
    (err: unknown) => {
      readiness.set("settings", false, `failed: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    },
  );
  // Observed here so a failure is never an unhandled rejection; ready() reports it.
  settingsLoaded.catch(() => undefined);

  let serving: ServingCerts | undefined;
  // A provider may hand over a set before the server exists; it is then served from the start.
  let toServer: (certs: ServingCerts) => void = () => undefined;
  const use = (certs: ServingCerts): void => {
    serving = certs;
    try {
      metrics.certificateLoaded(certValidity(certs.tlsCert).notAfter);
    } catch {
      // The providers only hand over sets that parse; an odd date is not worth refusing one.
    }
    toServer(certs);
  };
  const events: CertificateEvents = {
    onChange(certs) {
      use(certs);
      logger.info({ mode: certificates.mode, notAfter: certValidity(certs.tlsCert).notAfter.toISOString() }, "serving certificate updated");
    },
    onError(err) {
      metrics.certificateError();
      logger.warn({ err, mode: certificates.mode }, "certificate update not used; the previous certificate stays in service");
    },
    onReadiness(ready, detail) {
      readiness.set("certificates", ready, detail);
    },
  };
  let initial: ServingCerts;
  try {
    initial = await certificates.start(events);
  } catch (err) {
    throw new CertificateStartError(certificates.mode, err);
  }
  if (serving === undefined) use(initial);

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = createApp({
    context: () => context,
    readiness,
    metrics,
    logger,
    maxBodyBytes,
    ...(options.jsonLimits !== undefined && { jsonLimits: options.jsonLimits }),
  });
  const busyLog = throttle(BUSY_LOG_INTERVAL_MS, () => performance.now(), (refusal: BusyRefusal, suppressed: number) =>
    logger.warn({ ...refusal, alsoRefusedSinceLastLine: suppressed }, "request refused with 429: too many request bodies in flight"),
  );
  const server = createWebhookServer(app, serving ?? initial, {
    ...(options.timeouts !== undefined && { timeouts: options.timeouts }),
    limits: { ...options.limits, maxBodyBytes },
    onBusy(refusal) {
      metrics.busy();
      busyLog.hit(refusal);
    },
  });
  toServer = (certs) => server.setCertificates(certs);
  let address: AddressInfo;
  try {
    address = await server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  } catch (err) {
    certificates.stop();
    throw err;
  }
  const wildcard = address.address === "0.0.0.0" || address.address === "::";
  const host = wildcard ? "localhost" : address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `https://${host}:${address.port}`;
  logger.info({ url, address: address.address, port: address.port, certificates: certificates.mode }, "webhook listening");

  let closing: Promise<ShutdownReport> | undefined;
  const close = async (): Promise<ShutdownReport> => {
    // Unready at once, and every answer from here on asks the client to close its connection,
    // so the API server's pooled connections move to other replicas (kubernetes#127335).
    readiness.drain();
    server.startDraining();
    logger.info({ inFlight: server.inFlight }, "shutting down");
    const delay = options.shutdownDelayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const report = await server.shutdown(options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    certificates.stop();
    logger.info(report, report.drained ? "stopped" : "stopped; connections closed by force at the shutdown bound");
    return report;
  };

  return {
    url,
    address,
    get caBundle() {
      return certificates.caBundle;
    },
    readiness,
    metrics,
    server,
    ready: () => Promise.all([settingsLoaded, readiness.whenReady()]).then(() => undefined),
    close() {
      closing ??= close();
      return closing;
    },
  };
}
