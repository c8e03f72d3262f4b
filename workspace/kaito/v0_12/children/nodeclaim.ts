// The karpenter.sh/v1 NodeClaims KAITO v0.12.0 creates with the gpu-provisioner: one per node the
// Workspace needs, each asking for the instance type with room on disk for the weights, tainted
// so only GPU pods land there, and never expiring. Exported for the tuning generator.
import { createHash } from "node:crypto";
import type { KubeObject } from "../../../expand/meta.js";
import type { Workspace } from "../../../api/types.js";
import type { CloudProvider } from "../../types.js";
import { LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE, nodeImageFamily, sanitizedMatchLabels } from "../workspace.js";
import { gibString } from "../quantity.js";
import { namespaceOf } from "./meta.js";

/** A fake node pool name: keeps Karpenter itself from scaling these nodes. */
const KAITO_NODE_POOL = "kaito";
/** The disk KAITO asks for when the Workspace runs no preset. */
export const DEFAULT_NODE_DISK = gibString(1024);

const NODE_CLASS: Readonly<Record<CloudProvider, { group: string; kind: string }>> = {
  azure: { group: "kaito.sh", kind: "KaitoNodeClass" },
  aws: { group: "karpenter.k8s.aws", kind: "EC2NodeClass" },
};

/**
 * KAITO names node claims `ws` + 9 hex digits of a hash over namespace, name and the clock; ours
 * hash namespace, name and the claim's index instead, so a render is reproducible.
 */
export function nodeClaimName(namespace: string, name: string, index: number): string {
  return `ws${createHash("sha256").update(`${namespace}\0${name}\0${index}`).digest("hex").slice(0, 9)}`;
}

export interface NodeClaimOptions {
  readonly cloud: CloudProvider;
  /** `87Gi`: weights plus room for the system. */
  readonly diskStorage: string;
  readonly count: number;
}

export function nodeClaims(ws: Workspace, options: NodeClaimOptions): KubeObject[] {
  const namespace = namespaceOf(ws);
  const name = ws.metadata.name ?? "";
  const instanceType = ws.resource?.instanceType ?? "";
  const labels: Record<string, string> = {
    [LABEL_WORKSPACE]: name,
    [LABEL_WORKSPACE_NAMESPACE]: namespace,
    "karpenter.sh/nodepool": KAITO_NODE_POOL,
    ...Object.fromEntries(sanitizedMatchLabels(ws.resource?.labelSelector) ?? []),
  };
  const requirements = [
    { key: "karpenter.sh/nodepool", operator: "In", values: [KAITO_NODE_POOL] },
    { key: "node.kubernetes.io/instance-type", operator: "In", values: [instanceType] },
    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    options.cloud === "azure"
      ? { key: "karpenter.azure.com/sku-name", operator: "In", values: [instanceType] }
      : { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
  ];
  return Array.from({ length: options.count }, (_, i) => ({
    apiVersion: "karpenter.sh/v1",
    kind: "NodeClaim",
    metadata: {
      name: nodeClaimName(namespace, name, i),
      namespace,
      labels: { ...labels },
      annotations: { "kaito.sh/node-image-family": nodeImageFamily(ws), "karpenter.sh/do-not-disrupt": "true" },
    },
    spec: {
      expireAfter: "Never",
      nodeClassRef: { ...NODE_CLASS[options.cloud], name: "default" },
      requirements: requirements.map((r) => ({ ...r, values: [...r.values] })),
      resources: { requests: { storage: options.diskStorage } },
      taints: [{ effect: "NoSchedule", key: "sku", value: "gpu" }],
    },
  }));
}
