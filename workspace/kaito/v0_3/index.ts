// KAITO v0.3 (the seed documents' era, v0.3.2): preset images with the weights inside, the
// transformers runtime, karpenter.sh/v1alpha5 Machines, a Deployment (a StatefulSet for
// distributed presets). The children in the order KAITO's controller creates them: Machines,
// then the Services and the workload (inference), or the training ConfigMap and the Job (tuning).
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import { error } from "../../violation.js";
import { generateByAdmission } from "../types.js";
import type { KaitoAdmission, KaitoContext, KaitoProfile } from "../types.js";
import { storedWorkspaceV03 } from "./defaults.js";
import { inferenceWorkloadProblem, inferenceWorkloadV03 } from "./inference.js";
import { catalogV03 } from "./listing.js";
import { machineV03 } from "./machine.js";
import { qualifiedNodesV03 } from "./nodes.js";
import { presetV03 } from "./presets.js";
import { headlessServiceV03, serviceV03 } from "./service.js";
import { templateDeploymentV03 } from "./template.js";
import { tuningConfigMapForJob, tuningJobV03 } from "./tuning.js";
import { validateV03 } from "./validate.js";
import { warningsV03 } from "./warnings.js";

const SERVED_API_VERSION = "kaito.sh/v1alpha1";
/** The OS disk's default size: what a Machine asks for when no inference preset says more. */
const DEFAULT_STORAGE = "0";

interface Children {
  readonly children: KubeObject[];
  readonly reconcileError?: string;
}

/** A Machine for every node the existing ones do not cover. */
function machines(ws: Workspace, ctx: KaitoContext): KubeObject[] {
  const preset = ws.inference?.preset ? presetV03(ws.inference.preset.name) : undefined;
  const storage = preset?.diskStorage ?? DEFAULT_STORAGE;
  const missing = Math.max(0, (ws.resource?.count ?? 1) - qualifiedNodesV03(ws, ctx).length);
  return Array.from({ length: missing }, (_, i) => machineV03(ws, i, storage));
}

function inferenceChildren(ws: Workspace, ctx: KaitoContext): Children {
  if (ws.inference?.template) return { children: [templateDeploymentV03(ws)] };
  const preset = presetV03(ws.inference?.preset?.name ?? "");
  if (!preset) return { children: [], reconcileError: `the preset model name ${ws.inference?.preset?.name ?? ""} is not registered` };
  const services = preset.distributed ? [serviceV03(ws, true), headlessServiceV03(ws)] : [serviceV03(ws, false)];
  const problem = inferenceWorkloadProblem(ws, preset);
  if (problem) return { children: services, reconcileError: problem };
  return { children: [...services, inferenceWorkloadV03(ws, preset, ctx)] };
}

function tuningChildren(ws: Workspace, ctx: KaitoContext): Children {
  const config = tuningConfigMapForJob(ws, ctx);
  if ("problem" in config) return { children: [], reconcileError: config.problem };
  const created = config.copy ? [config.copy] : [];
  const preset = presetV03(ws.tuning?.preset?.name ?? "");
  if (!preset?.tuning) {
    return { children: created, reconcileError: `preset ${ws.tuning?.preset?.name ?? ""} has no tuning parameters in KAITO v0.3.2: its controller crashes building the Job` };
  }
  return { children: [...created, tuningJobV03(ws, preset, preset.tuning, config.configMap, ctx)] };
}

function admitV03(input: Record<string, unknown>, ctx: KaitoContext): KaitoAdmission {
  if (input.apiVersion !== SERVED_API_VERSION) {
    return {
      verdict: "rejected",
      violations: [error("kaito.v0.3.apiVersion", ["apiVersion"], `KAITO v0.3 serves ${SERVED_API_VERSION} only, not ${String(input.apiVersion)}`)],
    };
  }
  const written = input as unknown as Workspace;
  const ws = storedWorkspaceV03(written);
  const violations = validateV03(ws, ctx);
  if (violations.length > 0) return { verdict: "rejected", violations };
  const workspace = ws as unknown as Record<string, unknown>;
  return {
    verdict: "accepted",
    workspace,
    expand() {
      const rest = ws.tuning ? tuningChildren(ws, ctx) : inferenceChildren(ws, ctx);
      return {
        verdict: "accepted",
        workspace,
        children: [...machines(ws, ctx), ...rest.children],
        targetNodeCount: ws.resource?.count ?? 1,
        ...(rest.reconcileError !== undefined ? { reconcileError: rest.reconcileError } : {}),
        warnings: warningsV03(written, ctx),
      };
    },
  };
}

export const v0_3: KaitoProfile = {
  version: "v0.3",
  admit: admitV03,
  generate: (input, ctx) => generateByAdmission(admitV03(input, ctx)),
  catalog: () => catalogV03(),
};
