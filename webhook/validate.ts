// POST /validate: the validator. Checks the Workspace as it will be stored (after every mutating
// webhook ran), with UPDATE's immutable fields compared against oldObject, and with what KAITO
// reads from the cluster for it read afresh (webhook/cluster-reads.ts). Warnings (a deprecated
// preset or instance type, a GPU fit that was not checked) ride along on allowed and denied
// answers alike; /mutate sends none, so kubectl does not print each one twice.
import { checkWorkspace, errorsOf } from "../workspace/index.js";
import { allowed, denied } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import { admissionOptions } from "./cluster-reads.js";
import { denialFor } from "./denial.js";
import type { AdmissionOutcome } from "./outcome.js";
import { scopeOf } from "./scope.js";
import type { AdmissionContext } from "./scope.js";
import { warningsFor } from "./status.js";

export async function validate(request: AdmissionRequest, context: AdmissionContext): Promise<AdmissionOutcome> {
  const { uid } = request;
  const scope = scopeOf(request, context);
  if (scope.kind === "ignore") return { response: allowed(uid), result: "ignored", detail: scope.reason };
  if (scope.kind === "deny") return { response: denied(uid, scope.status), result: "denied", detail: scope.status.message };
  const read = await admissionOptions(scope.object, scope.options, context.cluster);
  if (!read.ok) return { response: denied(uid, read.status), result: "error", detail: read.status.message };

  const { violations, checked } = checkWorkspace(scope.object, read.options, scope.oldObject);
  const warnings = warningsFor(violations);
  if (checked === undefined || errorsOf(violations).length > 0) {
    const status = denialFor(scope.object, violations, read.options, context);
    return { response: denied(uid, status, warnings), result: "denied", detail: status.message };
  }
  return { response: allowed(uid, warnings.length > 0 ? { warnings } : {}), result: "allowed" };
}
