// Names of the children. KAITO named node claims after a hash of the clock; ours hash the
// Workspace's identity and the node's index, so a render is reproducible and a re-render names
// the same nodes.
import { createHash } from "node:crypto";
import type { Plan } from "../plan.js";

export function nodeClaimName(plan: Plan, index: number): string {
  const digest = createHash("sha256").update(`${plan.namespace}/${plan.name}/${index}`).digest("hex");
  return `ws${digest.slice(0, 9)}`;
}

export const headlessServiceName = (plan: Plan): string => `${plan.name}-headless`;
export const inferenceConfigMapName = (plan: Plan): string => `${plan.name}-inference-params`;
export const tuningConfigMapName = (plan: Plan): string => `${plan.name}-tuning-params`;

/** The DNS name of the first pod of a StatefulSet, where distributed workers find their leader. */
export const leaderAddress = (plan: Plan): string =>
  `${plan.name}-0.${headlessServiceName(plan)}.${plan.namespace}.svc.cluster.local`;
