// metadata.name and metadata.namespace: children are named after the Workspace, so its name must
// make valid names for them. Everything else about the Workspace is KAITO's call (see workspace/kaito).
import type { Workspace } from "../api/types.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import { dns1035LabelProblem, dns1123LabelProblem } from "./formats.js";

export function checkMetadata(ws: Workspace): Violation[] {
  const out: Violation[] = [];
  const name = ws.metadata.name;
  if (name === undefined || name === "") {
    out.push(error("metadata.name", ["metadata", "name"], "required: a Workspace needs a name (generateName is not supported)"));
  } else {
    // The Service takes the Workspace's name, so it must be a DNS-1035 label: KAITO's DNS-1123
    // label rule, and a leading letter.
    const problem = dns1035LabelProblem(name, 63);
    if (problem) out.push(error("metadata.name", ["metadata", "name"], `${JSON.stringify(name)} ${problem}`));
  }
  const namespace = ws.metadata.namespace;
  if (namespace !== undefined) {
    const problem = dns1123LabelProblem(namespace, 63);
    if (problem) out.push(error("metadata.namespace", ["metadata", "namespace"], `${JSON.stringify(namespace)} ${problem}`));
  }
  return out;
}
