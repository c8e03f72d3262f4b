// Prometheus metrics of the controller. They go into the registry the caller passes (serve
// hands over the webhook's, so /metrics shows both) or one of their own.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RequestRecord } from "./kube.js";

export type ReconcileResult = "applied" | "unchanged" | "status_only" | "invalid" | "deleted" | "error" | "not_leader";

export interface ControllerMetrics {
  readonly registry: Registry;
  reconciled(result: ReconcileResult, seconds: number): void;
  request(record: RequestRecord): void;
  queueDepth(depth: number): void;
  leader(isLeader: boolean): void;
}

export function createControllerMetrics(registry: Registry = new Registry()): ControllerMetrics {
  const reconciles = new Counter({
    name: "kaito_gitops_controller_reconcile_total",
    help: "Workspace reconciles, by result.",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "kaito_gitops_controller_reconcile_duration_seconds",
    help: "Time of one Workspace reconcile, API requests included.",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requests = new Counter({
    name: "kaito_gitops_controller_api_requests_total",
    help: "Kubernetes API requests of the controller, by RBAC verb, resource and HTTP code (0: no answer).",
    labelNames: ["verb", "resource", "code"] as const,
    registers: [registry],
  });
  const depth = new Gauge({ name: "kaito_gitops_controller_queue_depth", help: "Workspace keys waiting to be reconciled.", registers: [registry] });
  const leading = new Gauge({ name: "kaito_gitops_controller_leader", help: "1 while this replica holds the controller Lease.", registers: [registry] });
  return {
    registry,
    reconciled(result, seconds) {
      reconciles.inc({ result });
      duration.observe(seconds);
    },
    request(r) {
      requests.inc({ verb: r.verb, resource: r.group === "" ? r.resource : `${r.resource}.${r.group}`, code: String(r.code) });
    },
    queueDepth: (n) => depth.set(n),
    leader: (is) => leading.set(is ? 1 : 0),
  };
}
