// POST /validate: the validator. Checks the Workspace as it will be stored (after every mutating
// webhook ran), with UPDATE's immutable fields compared against oldObject. Warnings (a deprecated
// preset or instance type, a GPU fit that was not checked) ride along on allowed and denied
// answers alike; /mutate sends none, so kubectl does not print each one twice.
import { checkWorkspace, errorsOf } from "../workspace/index.js";
import { allowed, denied } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import type { AdmissionOutcome } from "./outcome.js";
import { scopeOf } from "./scope.js";
import type { AdmissionContext } from "./scope.js";
import { invalidWorkspace, warningsFor } from "./status.js";

export function validate(request: AdmissionRequest, context: AdmissionContext): AdmissionOutcome {
  const { uid } = request;
  const scope = scopeOf(request, context);
  if (scope.kind === "ignore") return { response: allowed(uid), result: "ignored", detail: scope.reason };
  if (scope.kind === "deny") return { response: denied(uid, scope.status), result: "denied", detail: scope.status.message };

  const { violations, checked } = checkWorkspace(scope.object, scope.options, scope.oldObject);
  const warnings = warningsFor(violations);
  if (checked === undefined || errorsOf(violations).length > 0) {
    const status = invalidWorkspace(scope.object, violations);
    return { response: denied(uid, status, warnings), result: "denied", detail: status.message };
  }
  return { response: allowed(uid, warnings.length > 0 ? { warnings } : {}), result: "allowed" };
}
