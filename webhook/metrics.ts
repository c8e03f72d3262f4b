// Prometheus metrics of the webhook, in a registry of its own: prom-client's global registry
// would be shared with anything else in the process (the controller of a later issue, tests
// that start several servers) and throws on a second registration of a name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AdmissionResult } from "./outcome.js";

export type WebhookName = "mutate" | "validate";
/** A request's operation, or "unknown" for a body that never got as far as naming one. */
export type OperationLabel = "CREATE" | "UPDATE" | "DELETE" | "CONNECT" | "unknown";
/** "bad_request": answered with HTTP 400, there was no AdmissionReview to answer. */
export type ResultLabel = AdmissionResult | "bad_request";

/** Sub-millisecond resolution where the handler lives; the API server's own buckets start at 5 ms. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface WebhookMetrics {
  readonly registry: Registry;
  /** one finished admission request */
  observe(webhook: WebhookName, operation: OperationLabel, result: ResultLabel, seconds: number): void;
  requestStarted(): void;
  requestFinished(): void;
  /** one request refused with 429 before its body was read (too many bodies in flight) */
  busy(): void;
  /** the serving certificate in use now */
  certificateLoaded(notAfter: Date): void;
  /** a certificate update that could not be used */
  certificateError(): void;
  /** one read of the cluster for an admission (resource: configmaps, secrets, nodes; code 0: no answer) */
  clusterRead(resource: string, code: number, seconds: number): void;
}

export function createMetrics(options: { readonly processMetrics?: boolean } = {}): WebhookMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: "admission_requests_total",
    help: "Admission requests answered, by webhook, operation and result (patched, allowed, ignored, denied, error, bad_request).",
    labelNames: ["webhook", "operation", "result"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "admission_review_duration_seconds",
    help: "Time from the request's arrival at the handler (body parsed) to the response being written.",
    labelNames: ["webhook", "operation"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  // Counted in a plain number and read at scrape time: prom-client hashes the (empty) label set
  // on every inc and dec, two allocations per request for a value read every 30 s or so.
  let inFlightNow = 0;
  new Gauge({
    name: "admission_requests_in_flight",
    help: "Admission requests being handled now.",
    registers: [registry],
    collect() {
      this.set(inFlightNow);
    },
  });
  const refusedBusy = new Counter({
    name: "webhook_requests_refused_busy_total",
    help: "Requests refused with HTTP 429 before their body was read, because the bodies already in flight reached the limit.",
    registers: [registry],
  });
  const certificateExpiry = new Gauge({
    name: "webhook_certificate_expiry_timestamp_seconds",
    help: "notAfter of the serving certificate in use, as a Unix time; alert well before it.",
    registers: [registry],
  });
  const certificateReloads = new Counter({
    name: "webhook_certificate_loads_total",
    help: "Serving certificates taken into use (the first one and every rotation).",
    registers: [registry],
  });
  const certificateErrors = new Counter({
    name: "webhook_certificate_errors_total",
    help: "Certificate updates that could not be used; the previous certificate stayed in service.",
    registers: [registry],
  });
  const clusterReads = new Counter({
    name: "admission_cluster_reads_total",
    help: "Reads of what KAITO reads for a Workspace (ConfigMaps, Secrets, Nodes), by resource and HTTP code (0: no answer in time or cut off).",
    labelNames: ["resource", "code"] as const,
    registers: [registry],
  });
  const clusterReadDuration = new Histogram({
    name: "admission_cluster_read_duration_seconds",
    help: "Time of one cluster read made while admitting a Workspace.",
    labelNames: ["resource"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  // prom-client hashes the label object on every call; the children are cached by a plain key.
  const requestChildren = new Map<string, Counter.Internal>();
  const durationChildren = new Map<string, Histogram.Internal<"webhook" | "operation">>();

  return {
    registry,
    observe(webhook, operation, result, seconds) {
      const requestKey = `${webhook} ${operation} ${result}`;
      let counter = requestChildren.get(requestKey);
      if (counter === undefined) {
        counter = requests.labels({ webhook, operation, result });
        requestChildren.set(requestKey, counter);
      }
      counter.inc();
      const durationKey = `${webhook} ${operation}`;
      let histogram = durationChildren.get(durationKey);
      if (histogram === undefined) {
        histogram = duration.labels({ webhook, operation });
        durationChildren.set(durationKey, histogram);
      }
      histogram.observe(seconds);
    },
    requestStarted: () => {
      inFlightNow += 1;
    },
    requestFinished: () => {
      inFlightNow -= 1;
    },
    busy: () => refusedBusy.inc(),
    certificateLoaded(notAfter) {
      certificateExpiry.set(notAfter.getTime() / 1000);
      certificateReloads.inc();
    },
    certificateError: () => certificateErrors.inc(),
    clusterRead(resource, code, seconds) {
      clusterReads.labels({ resource, code: String(code) }).inc();
      clusterReadDuration.labels({ resource }).observe(seconds);
    },
  };
}
