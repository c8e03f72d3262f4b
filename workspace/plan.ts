// What checking a Workspace resolved: the facts the roads need besides the children (the
// controller's status, the CLI's summary), computed once.
import type { Workspace, WorkspaceVersion } from "./api/types.js";
import type { KubeObject } from "./expand/meta.js";
import type { KaitoVersion } from "./kaito/types.js";

export interface Plan {
  readonly version: WorkspaceVersion;
  /** The KAITO release the children are KAITO's output of. */
  readonly kaitoVersion: KaitoVersion;
  readonly name: string;
  readonly namespace: string;
  readonly mode: "inference" | "tuning";
  /** status.targetNodeCount: the nodes KAITO asks for (its node estimator's count for vLLM). */
  readonly nodeCount: number;
  /** KAITO's controller would stop here on every retry (a missing ConfigMap, say); children holds what it creates before. */
  readonly reconcileError?: string;
}

export interface Checked {
  /** The Workspace with defaults applied, when there were no errors. */
  readonly workspace: Workspace;
  readonly plan: Plan;
  /** What KAITO's controller creates for it, in KAITO's order. */
  readonly children: readonly KubeObject[];
}
