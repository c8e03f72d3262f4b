// The Services KAITO v0.3.2 creates for a preset: the model's (HTTP 80 -> 5000 and torch 29500),
// and for distributed presets a headless one for torchrun's rendezvous.
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import { nameOf, namespaceOf, ownedBy, workspaceSelector } from "./meta.js";

const ANNOTATION_ENABLE_LB = "kaito.sh/enablelb";
export const TORCH_PORT = 29500;
export const headlessName = (ws: Workspace): string => `${nameOf(ws)}-headless`;

export function serviceV03(ws: Workspace, distributed: boolean): KubeObject {
  const loadBalancer = ws.metadata.annotations?.[ANNOTATION_ENABLE_LB] === "True";
  // A distributed preset serves from its first pod only.
  const selector = distributed ? { ...workspaceSelector(ws), "statefulset.kubernetes.io/pod-name": `${nameOf(ws)}-0` } : workspaceSelector(ws);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: nameOf(ws), namespace: namespaceOf(ws), ...ownedBy(ws) },
    spec: {
      type: loadBalancer ? "LoadBalancer" : "ClusterIP",
      ports: [
        { name: "http", protocol: "TCP", port: 80, targetPort: 5000 },
        { name: "torch", protocol: "TCP", port: TORCH_PORT, targetPort: TORCH_PORT },
      ],
      selector,
      publishNotReadyAddresses: true,
    },
  };
}

export function headlessServiceV03(ws: Workspace): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: headlessName(ws), namespace: namespaceOf(ws), ...ownedBy(ws) },
    spec: {
      selector: workspaceSelector(ws),
      clusterIP: "None",
      ports: [{ name: "torchrun", protocol: "TCP", port: TORCH_PORT, targetPort: TORCH_PORT }],
      publishNotReadyAddresses: true,
    },
  };
}
