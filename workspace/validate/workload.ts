// The overall shape: inference or tuning, preset or template.
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { dns1123SubdomainProblem } from "./formats.js";

export function checkWorkloadShape({ ws }: RuleContext): Violation[] {
  const out: Violation[] = [];
  if (!ws.inference && !ws.tuning) {
    out.push(error("workspace.inferenceOrTuning", ["inference"], "either inference or tuning must be specified, not neither"));
  }
  if (ws.inference && ws.tuning) {
    out.push(error("workspace.inferenceOrTuning", ["tuning"], "either inference or tuning must be specified, but not both"));
  }
  const inference = ws.inference;
  if (inference) {
    if (!inference.preset && !inference.template) {
      out.push(error("inference.presetOrTemplate", ["inference", "preset"], "either inference.preset or inference.template must be specified"));
    }
    if (inference.preset && inference.template) {
      out.push(error("inference.presetOrTemplate", ["inference", "template"], "inference.preset and inference.template cannot be set at the same time"));
    }
    if (inference.template && (inference.adapters?.length ?? 0) > 0) {
      out.push(error("inference.adapters", ["inference", "adapters"], "adapters need a preset; a custom template loads its own"));
    }
  }
  for (const [path, value] of [
    [["inference", "config"], inference?.config],
    [["tuning", "config"], ws.tuning?.config],
  ] as const) {
    if (value === undefined) continue;
    const problem = dns1123SubdomainProblem(value);
    if (problem) out.push(error("configMapName", path, `ConfigMap name ${JSON.stringify(value)} ${problem}`));
  }
  return out;
}
