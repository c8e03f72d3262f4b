// KAITO v0.12: vLLM (or transformers) on kaito-base with weights downloaded at start, a StatefulSet
// with a headless Service, karpenter.sh/v1 NodeClaims sized by KAITO's node estimator.
//
// admit: the Workspace as stored (CRD defaults), the webhook's checks common to every Workspace,
// then inference (here) or tuning (./tuning, another module) by what the spec holds; the children
// are built when the admission is expanded.
import type { Workspace } from "../../api/types.js";
import { errorsOf, warning } from "../../violation.js";
import type { Violation } from "../../violation.js";
import { generateByAdmission } from "../types.js";
import type { KaitoAdmission, KaitoContext, KaitoProfile } from "../types.js";
import { renderInference } from "./inference.js";
import { catalogV012 } from "./listing.js";
import { admitTuning } from "./tuning/generate.js";
import { isValidPresetName } from "./models/resolve.js";
import { adviseInference, resolveInferenceModel, validateCommon, validateInference, validateInferenceConfig } from "./validate.js";
import { validateCommonV1alpha1, validateInferenceV1alpha1 } from "./validate-v1alpha1.js";
import { storedWorkspace } from "./workspace.js";

/**
 * KAITO v0.12's v1alpha1 webhook looks presets up in its lazily filled model registry without
 * filling it first, and crashes (the API server then refuses the Workspace) unless the same KAITO
 * process already resolved this exact, lower-case id. We do not copy that bug: such a Workspace
 * is admitted, and what KAITO would have checked after the crash becomes warnings.
 */
function v1alpha1WebhookCrashes(input: Workspace, ctx: KaitoContext): boolean {
  const name = input.inference?.preset?.name;
  if (input.apiVersion !== "kaito.sh/v1alpha1" || name === undefined || !isValidPresetName(name)) return false;
  return !(name === name.toLowerCase() && ctx.settings.prewarmModels.includes(name));
}

const asWarnings = (vs: readonly Violation[]): Violation[] =>
  vs.map((v) => warning(v.rule, v.path, `KAITO's v1alpha1 webhook crashes before checking this; its v1beta1 webhook refuses: ${v.message}`));

export function admitV012(input: Workspace, ctx: KaitoContext): KaitoAdmission {
  const ws = storedWorkspace(input);
  const v1alpha1 = input.apiVersion === "kaito.sh/v1alpha1";
  const common = errorsOf(v1alpha1 ? validateCommonV1alpha1(ws) : validateCommon(ws, ctx));
  if (common.length > 0) return { verdict: "rejected", violations: common };
  if (ws.tuning) return admitTuning(ws, ctx);
  const model = resolveInferenceModel(ws, ctx);
  const crashes = v1alpha1WebhookCrashes(input, ctx);
  const violations = errorsOf(
    v1alpha1 && !crashes ? [...validateInferenceV1alpha1(ws, ctx, model), ...validateInferenceConfig(ws, ctx, model)] : validateInference(ws, ctx, model),
  );
  if (violations.length > 0 && !crashes) return { verdict: "rejected", violations };
  if (violations.length > 0 && !model?.ok) return { verdict: "rejected", violations };
  return {
    verdict: "accepted",
    workspace: ws as unknown as Record<string, unknown>,
    expand() {
      const outcome = renderInference(ws, ctx, model);
      return { ...outcome, warnings: [...outcome.warnings, ...asWarnings(violations), ...adviseInference(ws, ctx)] };
    },
  };
}

export const v0_12: KaitoProfile = {
  version: "v0.12",
  admit: (workspace, ctx) => admitV012(workspace as unknown as Workspace, ctx),
  generate: (workspace, ctx) => generateByAdmission(admitV012(workspace as unknown as Workspace, ctx)),
  catalog: (models) => catalogV012(models),
};
