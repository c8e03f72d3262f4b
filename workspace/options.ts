// Choices that are not part of a Workspace: which Kubernetes kinds to render and what to assume
// where the Workspace is silent. Every road (webhook, controller, plugin, CLI) passes them in.

import { DEFAULT_CANARY_STEPS } from "./rollout-steps.js";
import type { CanaryStep } from "./rollout-steps.js";

export type NodeClaimKind = "Machine" | "NodeClaim";
export type WorkloadKind = "Deployment" | "Rollout";

export interface ExpandOptions {
  /** Karpenter object that asks for GPU nodes: v1alpha5 Machine (KAITO's first releases) or v1 NodeClaim. */
  readonly nodeClaimKind: NodeClaimKind;
  /** Kind of a single-node inference workload; multi-node models always get a StatefulSet. */
  readonly workloadKind: WorkloadKind;
  /** Namespace for Workspaces that name none. */
  readonly namespace: string;
  /** Accept instance types the catalog does not know (the GPU fit is then not checked). */
  readonly allowUnknownInstanceTypes: boolean;
  /** Canary steps of Rollouts, unless a Workspace's kaito-gitops.io/rollout-steps annotation says otherwise. */
  readonly rolloutSteps: readonly CanaryStep[];
}

export const defaultExpandOptions: ExpandOptions = {
  nodeClaimKind: "Machine",
  workloadKind: "Deployment",
  namespace: "default",
  allowUnknownInstanceTypes: false,
  rolloutSteps: DEFAULT_CANARY_STEPS,
};

export function expandOptions(partial: Partial<ExpandOptions> = {}): ExpandOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...defaultExpandOptions, ...defined };
}
