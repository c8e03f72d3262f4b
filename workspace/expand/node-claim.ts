// The Karpenter objects that ask for GPU nodes: one per node to provision. Cluster-scoped, so
// they carry no owner reference (a namespaced owner cannot own them); the labels tie them to the
// Workspace instead. Tainted sku=gpu so only GPU workloads land there.
import type { INodeClaim } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodeClaim";
import { ANNOTATION_NODE_IMAGE_FAMILY, LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE } from "../api/well-known.js";
import type { Workspace } from "../api/types.js";
import type { Catalog } from "../catalog/types.js";
import { sortKeysDeep } from "../canonical.js";
import type { ExpandOptions } from "../options.js";
import type { Plan } from "../plan.js";
import type { KubeObject } from "./meta.js";
import { childLabels } from "./meta.js";
import { nodeClaimName } from "./names.js";

/** Disk to ask for when there is no preset to size it (a custom template), as KAITO does. */
const DEFAULT_DISK_GIB = 1024;
const GPU_TAINT = { key: "sku", value: "gpu", effect: "NoSchedule" } as const;

/** karpenter.sh/v1alpha5 Machine, the node claim of KAITO's first releases. */
export interface Machine extends KubeObject {
  apiVersion: "karpenter.sh/v1alpha5";
  kind: "Machine";
  spec: {
    machineTemplateRef: { name: string };
    requirements: { key: string; operator: string; values: string[] }[];
    resources: { requests: { storage: string } };
    taints: (typeof GPU_TAINT)[];
  };
}

export function nodeClaims(ws: Workspace, plan: Plan, catalog: Catalog, options: ExpandOptions): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < plan.nodesToProvision; i++) {
    out.push(options.nodeClaimKind === "Machine" ? machine(ws, plan, i) : nodeClaim(ws, plan, catalog, i));
  }
  return out;
}

function nodeLabels(ws: Workspace, plan: Plan, extra: Record<string, string>): Record<string, string> {
  return sortKeysDeep({
    ...childLabels(ws, plan),
    ...plan.nodeLabels,
    ...extra,
    [LABEL_WORKSPACE]: plan.name,
    [LABEL_WORKSPACE_NAMESPACE]: plan.namespace,
  });
}

const storage = (plan: Plan): string => `${Math.ceil(plan.preset?.diskGiB ?? DEFAULT_DISK_GIB)}Gi`;

function machine(ws: Workspace, plan: Plan, index: number): Machine {
  const name = nodeClaimName(plan, index);
  return {
    apiVersion: "karpenter.sh/v1alpha5",
    kind: "Machine",
    metadata: { name, labels: nodeLabels(ws, plan, { "karpenter.sh/provisioner-name": "default" }) },
    spec: {
      machineTemplateRef: { name },
      requirements: [
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [plan.instanceTypeName ?? ""] },
        { key: "karpenter.sh/provisioner-name", operator: "In", values: ["default"] },
        { key: "kaito.sh/machine-type", operator: "In", values: ["gpu"] },
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      ],
      resources: { requests: { storage: storage(plan) } },
      taints: [GPU_TAINT],
    },
  };
}

function nodeClaim(ws: Workspace, plan: Plan, catalog: Catalog, index: number): INodeClaim & KubeObject {
  const instanceType = plan.instanceTypeName ?? "";
  const profile = plan.instanceType ? catalog.clouds.get(plan.instanceType.cloud) : undefined;
  const cloudRequirements = (profile?.requirements ?? []).map((r) => ({
    key: r.key,
    operator: r.operator,
    ...(r.values ? { values: r.values.map((v) => v.replaceAll("{instanceType}", instanceType)) } : {}),
  }));
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodeClaim",
    metadata: {
      name: nodeClaimName(plan, index),
      labels: nodeLabels(ws, plan, { "karpenter.sh/nodepool": "kaito" }),
      annotations: {
        // KAITO owns the lifecycle of these nodes; Karpenter must not consolidate them away.
        "karpenter.sh/do-not-disrupt": "true",
        [ANNOTATION_NODE_IMAGE_FAMILY]: ws.metadata.annotations?.[ANNOTATION_NODE_IMAGE_FAMILY] ?? "ubuntu",
      },
    },
    spec: {
      nodeClassRef: profile?.nodeClassRef ?? { group: "kaito.sh", kind: "KaitoNodeClass", name: "default" },
      taints: [GPU_TAINT],
      requirements: [
        { key: "karpenter.sh/nodepool", operator: "In", values: ["kaito"] },
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [instanceType] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ...cloudRequirements,
      ],
      resources: { requests: { storage: storage(plan) } },
    },
  };
}
