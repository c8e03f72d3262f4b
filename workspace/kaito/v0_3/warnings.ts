// Things a user should hear about that KAITO v0.3.2 passes over in silence: fields its schema
// lacks (the API server drops them) and controller settings it has no notion of. Never refusals.
import type { Workspace } from "../../api/types.js";
import type { FieldPath } from "../../source/yaml.js";
import { warning } from "../../violation.js";
import type { Violation } from "../../violation.js";
import type { KaitoContext } from "../types.js";

const RULE = "kaito.v0.3.ignored";

export function warningsV03(ws: Workspace, ctx: KaitoContext): Violation[] {
  const dropped: [FieldPath, unknown][] = [
    [["inference", "config"], ws.inference?.config],
    [["inference", "preset", "presetOptions", "modelAccessSecret"], ws.inference?.preset?.presetOptions?.modelAccessSecret],
    [["tuning", "preset", "presetOptions", "modelAccessSecret"], ws.tuning?.preset?.presetOptions?.modelAccessSecret],
    [["resource", "partition"], ws.resource?.partition],
  ];
  const out = dropped
    .filter(([, value]) => value !== undefined)
    .map(([path]) => warning(RULE, path, "KAITO v0.3.2's Workspace has no such field: the API server drops it and nothing uses it"));
  if (ctx.settings.nodeProvisioner === "byo") {
    out.push(warning(RULE, ["resource"], "KAITO v0.3.2 has no bring-your-own-nodes mode: it uses existing nodes with the Workspace's labels and instance type, and creates Machines for the rest"));
  }
  return out;
}
