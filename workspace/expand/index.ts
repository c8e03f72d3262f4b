// expand(workspace, options) -> { workspace (defaulted), children }: the one expansion every road
// calls. Pure and deterministic: no clock, no randomness, no I/O; the same input gives the same
// objects in the same order, and expanding its own output changes nothing. The children are what
// KAITO's controller of the chosen release creates (workspace/kaito).
import type { Workspace } from "../api/types.js";
import type { ExpandOptions } from "../options.js";
import type { Plan } from "../plan.js";
import { checkWorkspace } from "../validate/check.js";
import { errorsOf, formatViolation, warningsOf } from "../violation.js";
import type { Violation } from "../violation.js";
import type { KubeObject } from "./meta.js";

export type { KubeObject } from "./meta.js";

export interface Expansion {
  readonly workspace: Workspace;
  readonly children: readonly KubeObject[];
  readonly plan: Plan;
  readonly warnings: readonly Violation[];
}

/** The Workspace is invalid; `violations` holds every error (and warning) with its field path. */
export class ExpansionError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(errorsOf(violations).map(formatViolation).join("; "));
    this.name = "ExpansionError";
  }
}

export function expand(input: unknown, options: ExpandOptions): Expansion {
  const { violations, checked } = checkWorkspace(input, options);
  if (!checked) throw new ExpansionError(violations);
  return { workspace: checked.workspace, plan: checked.plan, children: checked.children, warnings: warningsOf(violations) };
}
