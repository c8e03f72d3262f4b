// expand(workspace, catalog, options) -> { workspace (defaulted), children }: the one expansion
// every road calls. Pure and deterministic: no clock, no randomness, no I/O; the same input gives
// the same objects in the same order, and expanding its own output changes nothing.
import type { Workspace } from "../api/types.js";
import type { Catalog } from "../catalog/types.js";
import type { ExpandOptions } from "../options.js";
import type { Plan } from "../plan.js";
import { checkWorkspace } from "../validate/check.js";
import { errorsOf, formatViolation, warningsOf } from "../violation.js";
import type { Violation } from "../violation.js";
import { inferenceConfigMap } from "./inference-config.js";
import { inferenceWorkload } from "./inference-workload.js";
import type { KubeObject } from "./meta.js";
import { nodeClaims } from "./node-claim.js";
import { headlessService, inferenceService } from "./service.js";
import { tuningConfigMap } from "./tuning-config.js";
import { tuningJob } from "./tuning-job.js";

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

export function expand(input: unknown, catalog: Catalog, options: ExpandOptions): Expansion {
  const { violations, checked } = checkWorkspace(input, catalog, options);
  if (!checked) throw new ExpansionError(violations);
  const { workspace, plan } = checked;
  return { workspace, plan, children: children(workspace, plan, catalog, options), warnings: warningsOf(violations) };
}

function children(ws: Workspace, plan: Plan, catalog: Catalog, options: ExpandOptions): KubeObject[] {
  const out: KubeObject[] = [...nodeClaims(ws, plan, catalog, options)];
  if (plan.mode === "tuning") {
    const method = ws.tuning?.method;
    if (!ws.tuning?.config && method) out.push(tuningConfigMap(ws, plan, method));
    if (plan.preset) out.push(tuningJob(ws, plan, plan.preset, catalog.images));
    return out;
  }
  if (plan.preset && !ws.inference?.config) out.push(inferenceConfigMap(ws, plan));
  out.push(inferenceService(ws, plan));
  if (plan.distributed) out.push(headlessService(ws, plan));
  out.push(inferenceWorkload(ws, plan, catalog.images, options));
  return out;
}
