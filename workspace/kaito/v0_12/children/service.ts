// The two Services KAITO v0.12.0 creates for an inference Workspace: one in front of pod 0 (the
// vLLM leader), ClusterIP or LoadBalancer (annotation kaito.sh/enablelb: "True"), and a headless
// one that gives the StatefulSet's pods their DNS names.
import type { KubeObject } from "../../../expand/meta.js";
import type { Workspace } from "../../../api/types.js";
import type { RuntimeName } from "../workspace.js";
import { LABEL_WORKSPACE, serviceTypeOf } from "../workspace.js";
import { namespaceOf, ownerReferences } from "./meta.js";

export const INFERENCE_PORT = 5000;
export const KV_EVENTS_PORT = 5557;
const RAY_PORT = 6379;
const RAY_DASHBOARD_PORT = 8265;

export function service(ws: Workspace, runtime: RuntimeName): KubeObject {
  const name = ws.metadata.name ?? "";
  const type = serviceTypeOf(ws);
  const port = (portName: string, p: number, target: number) => ({ name: portName, port: p, protocol: "TCP", targetPort: target });
  const ports = [port("http", 80, INFERENCE_PORT), port("ray", RAY_PORT, RAY_PORT), port("dashboard", RAY_DASHBOARD_PORT, RAY_DASHBOARD_PORT)];
  // KV-cache events are for in-cluster routers only: not exposed on a load balancer.
  if (type === "ClusterIP" && runtime === "vllm") ports.push(port("kv-events", KV_EVENTS_PORT, KV_EVENTS_PORT));
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: namespaceOf(ws), ...ownerReferences(ws) },
    spec: {
      ports,
      publishNotReadyAddresses: true,
      selector: { [LABEL_WORKSPACE]: name, "statefulset.kubernetes.io/pod-name": `${name}-0` },
      type,
    },
  };
}

export function headlessService(ws: Workspace): KubeObject {
  const name = ws.metadata.name ?? "";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `${name}-headless`, namespace: namespaceOf(ws), ...ownerReferences(ws) },
    spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { [LABEL_WORKSPACE]: name } },
  };
}

/** The DNS name of pod 0 (the Ray leader) through the headless Service. */
export const leaderHost = (ws: Workspace): string => `${ws.metadata.name ?? ""}-0.${ws.metadata.name ?? ""}-headless.${namespaceOf(ws)}.svc.cluster.local`;
