// metadata.name and the annotations that act as API.
import {
  ANNOTATION_GPUS_PER_NODE,
  ANNOTATION_NODE_IMAGE_FAMILY,
  ANNOTATION_ROLLOUT_STEPS,
  ANNOTATION_RUNTIME,
  NODE_IMAGE_FAMILIES,
} from "../api/well-known.js";
import { parseRolloutSteps } from "../rollout-steps.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { annotation } from "./context.js";
import { dns1035LabelProblem, dns1123LabelProblem } from "./formats.js";

export function checkMetadata({ ws }: RuleContext): Violation[] {
  const out: Violation[] = [];
  const name = ws.metadata.name;
  if (name === undefined || name === "") {
    out.push(error("metadata.name", ["metadata", "name"], "required: a Workspace needs a name (generateName is not supported)"));
  } else {
    // Children are named after the Workspace, its Service among them, so the name must be a
    // DNS-1035 label: KAITO's DNS-1123 label rule, and a leading letter for the Service.
    const problem = dns1035LabelProblem(name, 63);
    if (problem) out.push(error("metadata.name", ["metadata", "name"], `${JSON.stringify(name)} ${problem}`));
  }
  const namespace = ws.metadata.namespace;
  if (namespace !== undefined) {
    const problem = dns1123LabelProblem(namespace, 63);
    if (problem) out.push(error("metadata.namespace", ["metadata", "namespace"], `${JSON.stringify(namespace)} ${problem}`));
  }

  const runtime = annotation(ws, ANNOTATION_RUNTIME);
  if (runtime !== undefined && runtime !== "vllm" && runtime !== "transformers") {
    out.push(
      error("annotation.runtime", ["metadata", "annotations", ANNOTATION_RUNTIME], `must be vllm or transformers; got ${JSON.stringify(runtime)}`),
    );
  }
  const family = annotation(ws, ANNOTATION_NODE_IMAGE_FAMILY);
  if (family !== undefined && !(NODE_IMAGE_FAMILIES as readonly string[]).includes(family)) {
    out.push(
      error(
        "annotation.nodeImageFamily",
        ["metadata", "annotations", ANNOTATION_NODE_IMAGE_FAMILY],
        `unsupported node image family ${JSON.stringify(family)}; supported values are ${NODE_IMAGE_FAMILIES.join(", ")}`,
      ),
    );
  }
  const gpus = annotation(ws, ANNOTATION_GPUS_PER_NODE);
  if (gpus !== undefined && !/^[1-9][0-9]{0,2}$/.test(gpus)) {
    out.push(
      error("annotation.gpusPerNode", ["metadata", "annotations", ANNOTATION_GPUS_PER_NODE], `must be a whole number from 1 to 999; got ${JSON.stringify(gpus)}`),
    );
  }
  const steps = annotation(ws, ANNOTATION_ROLLOUT_STEPS);
  if (steps !== undefined) {
    const parsed = parseRolloutSteps(steps);
    if ("error" in parsed) out.push(error("annotation.rolloutSteps", ["metadata", "annotations", ANNOTATION_ROLLOUT_STEPS], parsed.error));
  }
  return out;
}
