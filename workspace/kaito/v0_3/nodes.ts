// Nodes that already exist: KAITO v0.3.2 counts every Ready node that carries the Workspace's
// matchLabels and either is named in resource.preferredNodes or has the Workspace's instance type,
// and creates Machines only for the nodes still missing.
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import type { KaitoContext } from "../types.js";
import { matchLabelsOf } from "./meta.js";

const INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function ready(node: KubeObject): boolean {
  const status = node.status;
  const conditions = isRecord(status) && Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some((c) => isRecord(c) && c.type === "Ready" && c.status === "True");
}

/** The existing nodes KAITO v0.3.2 gives the Workspace, at most resource.count of them, in its order. */
export function qualifiedNodesV03(ws: Workspace, ctx: KaitoContext): KubeObject[] {
  const wanted = Object.entries(matchLabelsOf(ws));
  const preferred = new Set(ws.resource?.preferredNodes ?? []);
  const instanceType = ws.resource?.instanceType ?? "";
  const qualified = ctx.cluster.nodes.filter((node) => {
    const labels = node.metadata.labels ?? {};
    if (node.metadata.deletionTimestamp || !ready(node)) return false;
    if (!wanted.every(([k, v]) => labels[k] === v)) return false;
    return preferred.has(node.metadata.name ?? "") || labels[INSTANCE_TYPE_LABEL] === instanceType;
  });
  // Preferred nodes first, then nodes the gpu-provisioner made, then by name.
  const rank = (n: KubeObject) => [preferred.has(n.metadata.name ?? "") ? 0 : 1, "kaito.sh/machine-type" in (n.metadata.labels ?? {}) ? 0 : 1] as const;
  const sorted = [...qualified].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    const na = a.metadata.name ?? "";
    const nb = b.metadata.name ?? "";
    return ra[0] - rb[0] || ra[1] - rb[1] || (na < nb ? -1 : na > nb ? 1 : 0);
  });
  return sorted.slice(0, ws.resource?.count ?? 1);
}

/** nvidia.com/gpu capacity of the first of these nodes that reports one. */
export function nodeGpuCount(nodes: readonly KubeObject[]): string | undefined {
  for (const node of nodes) {
    const status = node.status;
    const capacity = isRecord(status) && isRecord(status.capacity) ? status.capacity : {};
    const gpus = capacity["nvidia.com/gpu"];
    if (typeof gpus === "string" && gpus !== "") return gpus;
    if (typeof gpus === "number") return String(gpus);
  }
  return undefined;
}
