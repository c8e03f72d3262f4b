// The v0.12 profile's tuning road: a tuning Workspace (stored, past the checks every Workspace
// gets) becomes KAITO's verdict and, when expanded, what its controller creates: one NodeClaim
// (tuning always runs on one node, with KAITO's default disk), then the training-config copy and
// the Job, or the reconcile error KAITO gets stuck on.
import type { Workspace } from "../../../api/types.js";
import { errorsOf } from "../../../violation.js";
import type { AcceptedOutcome, KaitoAdmission, KaitoContext } from "../../types.js";
import type { Violation } from "../../../violation.js";
import { DEFAULT_NODE_DISK, nodeClaims } from "../children/nodeclaim.js";
import { namespaceOf } from "../children/meta.js";
import { gpuConfigBySku } from "../gpu/config.js";
import { isValidPresetName, modelIdOf, resolveModel } from "../models/resolve.js";
import { nodeAutoProvisioning, sanitizedMatchLabels } from "../workspace.js";
import { tuningChildren } from "./index.js";
import { tuningViolations } from "./validate.js";

/** KAITO sets status.targetNodeCount to 1 for every Workspace without inference. */
const TUNING_NODES = 1;

export function admitTuning(ws: Workspace, ctx: KaitoContext): KaitoAdmission {
  const tuning = ws.tuning ?? {};
  const namespace = namespaceOf(ws);
  const violations = tuningViolations({
    apiVersion: ws.apiVersion === "kaito.sh/v1alpha1" ? "v1alpha1" : "v1beta1",
    namespace,
    count: ws.resource?.count ?? 1,
    partition: ws.resource?.partition,
    tuning,
    cluster: ctx.cluster,
    // KAITO also takes a name its process has already registered (exactly as written).
    isValidPresetName: (name) => isValidPresetName(name) || ctx.settings.prewarmModels.includes(name),
  });
  if (errorsOf(violations).length > 0) return { verdict: "rejected", violations: errorsOf(violations) };

  return {
    verdict: "accepted",
    workspace: ws as unknown as Record<string, unknown>,
    expand: () => tuningOutcome(ws, ctx, violations),
  };
}

function tuningOutcome(ws: Workspace, ctx: KaitoContext, violations: readonly Violation[]): AcceptedOutcome {
  const tuning = ws.tuning ?? {};
  const namespace = namespaceOf(ws);
  const claims = nodeAutoProvisioning(ctx.settings) ? nodeClaims(ws, { cloud: ctx.settings.cloudProvider, diskStorage: DEFAULT_NODE_DISK, count: TUNING_NODES }) : [];
  const presetName = tuning.preset?.name ?? "";
  // The controller resolves the tuning preset without a Hugging Face token.
  const resolution = resolveModel(presetName, ctx.models, { hasToken: false });
  const instanceType = ws.resource?.instanceType ?? "";
  const out = tuningChildren({
    name: ws.metadata.name ?? "",
    namespace,
    ...(ws.metadata.uid ? { uid: ws.metadata.uid } : {}),
    tuning,
    instanceType,
    cloudProvider: ctx.settings.cloudProvider,
    gpuCount: gpuConfigBySku(ctx.settings.cloudProvider, instanceType)?.gpuCount,
    model: resolution.ok ? { id: modelIdOf(presetName) } : { error: resolution.reason },
    affinityLabels: sanitizedMatchLabels(ws.resource?.labelSelector) ?? [],
    cluster: ctx.cluster,
  });
  return {
    verdict: "accepted",
    workspace: ws as unknown as Record<string, unknown>,
    children: [...claims, ...out.children],
    targetNodeCount: TUNING_NODES,
    ...(out.reconcileError !== undefined ? { reconcileError: out.reconcileError } : {}),
    warnings: [...violations, ...out.warnings],
  };
}
