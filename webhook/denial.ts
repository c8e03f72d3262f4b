// The Status of a refused Workspace: its violations (webhook/status.ts), and, when the webhook
// could not read the cluster, a line saying which named ConfigMaps it could not see, so "does not
// exist" is not taken for the cluster's answer.
import type { ExpandOptions, Violation } from "../workspace/index.js";
import type { Status, UntrustedObject } from "./admission-review.js";
import { unreadConfigMapsNote } from "./cluster-reads.js";
import type { AdmissionContext } from "./scope.js";
import { invalidWorkspace, MAX_MESSAGE_CHARS } from "./status.js";
import { clip } from "../workspace/index.js";

export function denialFor(object: UntrustedObject, violations: readonly Violation[], options: ExpandOptions, context: AdmissionContext): Status {
  const status = invalidWorkspace(object, violations);
  const note = context.cluster === undefined ? unreadConfigMapsNote(object, options) : undefined;
  return note === undefined ? status : { ...status, message: clip(`${status.message}\n${note}`, MAX_MESSAGE_CHARS) };
}
