// KAITO v0.12: vLLM (or transformers) on kaito-base with weights downloaded at start, a StatefulSet
// with a headless Service, karpenter.sh/v1 NodeClaims sized by KAITO's node estimator.
//
// generate: the Workspace as stored (CRD defaults), the webhook's checks common to every
// Workspace, then inference (here) or tuning (./tuning, another module) by what the spec holds.
import type { Workspace } from "../../api/types.js";
import { error, errorsOf, warning } from "../../violation.js";
import type { Violation } from "../../violation.js";
import type { KaitoContext, KaitoOutcome, KaitoProfile } from "../types.js";
import { renderInference } from "./inference.js";
import { isValidPresetName } from "./models/resolve.js";
import { adviseInference, resolveInferenceModel, validateCommon, validateInference, validateInferenceConfig } from "./validate.js";
import { validateCommonV1alpha1, validateInferenceV1alpha1 } from "./validate-v1alpha1.js";
import { storedWorkspace } from "./workspace.js";

/** How a tuning Workspace (already stored and past validateCommon) becomes KAITO's verdict and objects. */
export type TuningGenerator = (ws: Workspace, ctx: KaitoContext) => KaitoOutcome;

const tuningNotBuilt: TuningGenerator = () => ({
  verdict: "rejected",
  violations: [error("kaito.tuning", ["tuning"], "tuning not built yet: this release cannot render KAITO v0.12 tuning Workspaces")],
});

/** Replaced by ./tuning/index.js once the tuning generator lands. */
const generateTuning: TuningGenerator = tuningNotBuilt;

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

export function generateV012(input: Workspace, ctx: KaitoContext): KaitoOutcome {
  const ws = storedWorkspace(input);
  const v1alpha1 = input.apiVersion === "kaito.sh/v1alpha1";
  const common = errorsOf(v1alpha1 ? validateCommonV1alpha1(ws) : validateCommon(ws, ctx));
  if (common.length > 0) return { verdict: "rejected", violations: common };
  if (ws.tuning) return generateTuning(ws, ctx);
  const model = resolveInferenceModel(ws, ctx);
  const crashes = v1alpha1WebhookCrashes(input, ctx);
  const violations = errorsOf(
    v1alpha1 && !crashes ? [...validateInferenceV1alpha1(ws, ctx, model), ...validateInferenceConfig(ws, ctx, model)] : validateInference(ws, ctx, model),
  );
  if (violations.length > 0 && !crashes) return { verdict: "rejected", violations };
  if (violations.length > 0 && !model?.ok) return { verdict: "rejected", violations };
  const outcome = renderInference(ws, ctx, model);
  if (outcome.verdict !== "accepted") return outcome;
  return { ...outcome, warnings: [...outcome.warnings, ...asWarnings(violations), ...adviseInference(ws, ctx)] };
}

export const v0_12: KaitoProfile = {
  version: "v0.12",
  generate(workspace, ctx) {
    return generateV012(workspace as unknown as Workspace, ctx);
  },
};
