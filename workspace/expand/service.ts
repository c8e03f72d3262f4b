// The Service clients call (port 80 to the server's 5000; 29500 for torch distributed, as KAITO's)
// and, for a model split across nodes, the headless Service that gives each pod a stable DNS name.
import type { IService } from "kubernetes-models/v1/Service";
import { ANNOTATION_ENABLE_LB } from "../api/well-known.js";
import type { Workspace } from "../api/types.js";
import type { Plan } from "../plan.js";
import { INFERENCE_PORT, TORCH_PORT } from "./command.js";
import type { KubeObject } from "./meta.js";
import { namespacedMeta, selectorLabels } from "./meta.js";
import { headlessServiceName } from "./names.js";

export function inferenceService(ws: Workspace, plan: Plan): IService & KubeObject {
  // Only the leader of a multi-node model serves HTTP.
  const selector = plan.distributed
    ? { ...selectorLabels(plan), "statefulset.kubernetes.io/pod-name": `${plan.name}-0` }
    : selectorLabels(plan);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: namespacedMeta(ws, plan, plan.name),
    spec: {
      type: ws.metadata.annotations?.[ANNOTATION_ENABLE_LB] === "True" ? "LoadBalancer" : "ClusterIP",
      selector,
      ports: [
        { name: "http", port: 80, targetPort: INFERENCE_PORT, protocol: "TCP" },
        { name: "torch", port: TORCH_PORT, targetPort: TORCH_PORT, protocol: "TCP" },
      ],
    },
  };
}

export function headlessService(ws: Workspace, plan: Plan): IService & KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: namespacedMeta(ws, plan, headlessServiceName(plan)),
    spec: {
      clusterIP: "None",
      selector: selectorLabels(plan),
      ports: [{ name: "torchrun", port: TORCH_PORT, targetPort: TORCH_PORT, protocol: "TCP" }],
      // Workers must find the leader before any of them is ready.
      publishNotReadyAddresses: true,
    },
  };
}
