// What validation resolved about a Workspace: the facts every child builder needs, computed once.
import type { InstanceType, ModelPreset, Runtime } from "./catalog/types.js";
import type { Workspace, WorkspaceVersion } from "./api/types.js";

/** The nodes a Workspace runs on, as resolved from `resource` and the catalog. */
export interface NodePlan {
  /** Absent when the nodes exist already (preferredNodes, no instance type) or the type is unknown. */
  readonly instanceType?: InstanceType;
  readonly instanceTypeName?: string;
  readonly gpusPerNode: number;
  /** resource.count, resolved. */
  readonly nodeCount: number;
  /** The model is split across nodes: StatefulSet and headless Service. */
  readonly distributed: boolean;
  /** Nodes to ask Karpenter for: nodeCount less the preferred (existing) nodes. */
  readonly nodesToProvision: number;
  /** The node labels the labelSelector asks for (KAITO-reserved keys left out). */
  readonly nodeLabels: Readonly<Record<string, string>>;
}

export interface Plan extends NodePlan {
  readonly version: WorkspaceVersion;
  readonly name: string;
  readonly namespace: string;
  readonly mode: "inference" | "tuning";
  /** Absent for a custom pod template. */
  readonly preset?: ModelPreset;
  /** Absent for a custom pod template and for tuning (always the transformers stack). */
  readonly runtime?: Runtime;
}

export interface Checked {
  /** The Workspace with defaults applied, when there were no errors. */
  readonly workspace: Workspace;
  readonly plan: Plan;
}
