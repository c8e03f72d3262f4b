// POST /mutate: the defaulter. Answers with the RFC 6902 patch from the Workspace as received to
// the Workspace as the shared expansion defaults it (webhook/patch.ts), so what the API server
// stores is byte for byte what the Argo CD plugin and the CLI render. A Workspace that cannot be
// defaulted is refused here with every violation, rather than let through untouched to fail
// later with less to go on. What KAITO reads from the cluster for it is read first
// (webhook/cluster-reads.ts): the defaults can depend on it (max-model-len, GPU Nodes).
import { ExpansionError } from "../workspace/index.js";
import { allowed, denied } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import { admissionOptions } from "./cluster-reads.js";
import { denialFor } from "./denial.js";
import type { AdmissionOutcome } from "./outcome.js";
import { mutationFor } from "./patch.js";
import { scopeOf } from "./scope.js";
import type { AdmissionContext } from "./scope.js";

export async function mutate(request: AdmissionRequest, context: AdmissionContext): Promise<AdmissionOutcome> {
  const { uid } = request;
  const scope = scopeOf(request, context);
  if (scope.kind === "ignore") return { response: allowed(uid), result: "ignored", detail: scope.reason };
  if (scope.kind === "deny") return { response: denied(uid, scope.status), result: "denied", detail: scope.status.message };
  const read = await admissionOptions(scope.object, scope.options, context.cluster);
  if (!read.ok) return { response: denied(uid, read.status), result: "error", detail: read.status.message };

  let patch;
  try {
    ({ patch } = mutationFor(scope.object, read.options));
  } catch (err) {
    if (!(err instanceof ExpansionError)) throw err;
    const status = denialFor(scope.object, err.violations, read.options, context);
    return { response: denied(uid, status), result: "denied", detail: status.message };
  }
  // Nothing to change (a reinvocation, an object synced from the plugin's output): no patch at
  // all, as controller-runtime does, so the API server records the object as not mutated.
  if (patch.length === 0) return { response: allowed(uid), result: "allowed", patchOperations: 0 };
  return {
    response: allowed(uid, { patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") }),
    result: "patched",
    patchOperations: patch.length,
  };
}
