// What handling one admission request came to: the response for the API server, plus what the
// metrics and the log line need to know about it without re-reading the response.
import type { AdmissionRequest, AdmissionResponse } from "./admission-review.js";

/**
 * - patched: allowed with a non-empty patch (/mutate)
 * - allowed: allowed as is (an already expanded Workspace, a valid one on /validate)
 * - ignored: not ours to look at (another resource, a subresource, DELETE, being deleted)
 * - denied:  refused; status says why
 * - error:   refused because of a fault in the webhook itself (a bug), never the user's input
 */
export type AdmissionResult = "patched" | "allowed" | "ignored" | "denied" | "error";

export interface AdmissionOutcome {
  readonly response: AdmissionResponse;
  readonly result: AdmissionResult;
  /** why a request was ignored or denied, for the log */
  readonly detail?: string;
  /** number of JSON Patch operations in response.patch */
  readonly patchOperations?: number;
}

/** A webhook: given the request and what was loaded at start; it may read the cluster (bounded). */
export type AdmissionHandler<Context> = (request: AdmissionRequest, context: Context) => Promise<AdmissionOutcome>;
