// Where KAITO v0.12.0 lets a Workspace's pods run: node affinity from the user's (non-reserved)
// matchLabels plus, with the gpu-provisioner, the labels of the nodes provisioned for this
// Workspace; tolerations for the GPU taints (and Azure spot nodes). Exported for tuning.
import type { Workspace } from "../../../api/types.js";
import type { ControllerSettings } from "../../types.js";
import { LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE, nodeAutoProvisioning, sanitizedMatchLabels } from "../workspace.js";
import { namespaceOf } from "./meta.js";

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export function nodeAffinity(ws: Workspace, settings: ControllerSettings): Record<string, unknown> | undefined {
  const expressions: NodeSelectorRequirement[] = (sanitizedMatchLabels(ws.resource?.labelSelector) ?? []).map(([key, value]) => ({ key, operator: "In", values: [value] }));
  if (nodeAutoProvisioning(settings)) {
    expressions.push({ key: LABEL_WORKSPACE, operator: "In", values: [ws.metadata.name ?? ""] });
    expressions.push({ key: LABEL_WORKSPACE_NAMESPACE, operator: "In", values: [namespaceOf(ws)] });
  }
  if (expressions.length === 0) return undefined;
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } };
}

export function gpuTolerations(settings: ControllerSettings): Record<string, string>[] {
  const out: Record<string, string>[] = [
    { effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Exists" },
    { effect: "NoSchedule", key: "sku", operator: "Equal", value: "gpu" },
  ];
  if (settings.cloudProvider === "azure") out.push({ effect: "NoSchedule", key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot" });
  return out;
}
