// KAITO v0.12: vLLM (or transformers) on kaito-base with weights downloaded at start, a StatefulSet
// with a headless Service, karpenter.sh/v1 NodeClaims sized by KAITO's node estimator.
//
// generate: the Workspace as stored (CRD defaults), the webhook's checks common to every
// Workspace, then inference (here) or tuning (./tuning, another module) by what the spec holds.
import type { Workspace } from "../../api/types.js";
import { errorsOf } from "../../violation.js";
import type { KaitoContext, KaitoOutcome, KaitoProfile } from "../types.js";
import { renderInference } from "./inference.js";
import { generateTuning } from "./tuning/generate.js";
import { resolveInferenceModel, validateCommon, validateInference } from "./validate.js";
import { storedWorkspace } from "./workspace.js";

export function generateV012(input: Workspace, ctx: KaitoContext): KaitoOutcome {
  const ws = storedWorkspace(input);
  const common = errorsOf(validateCommon(ws, ctx));
  if (common.length > 0) return { verdict: "rejected", violations: common };
  if (ws.tuning) return generateTuning(ws, ctx);
  const model = resolveInferenceModel(ws, ctx);
  const violations = errorsOf(validateInference(ws, ctx, model));
  if (violations.length > 0) return { verdict: "rejected", violations };
  return renderInference(ws, ctx, model);
}

export const v0_12: KaitoProfile = {
  version: "v0.12",
  generate(workspace, ctx) {
    return generateV012(workspace as unknown as Workspace, ctx);
  },
};
