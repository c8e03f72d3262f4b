// Which admission requests are the webhook's business, shared by /mutate and /validate.
//
// Anything that is not a kaito.sh Workspace (a configuration whose rules are too wide), a
// subresource such as status, DELETE and CONNECT are let through untouched: refusing them would
// turn a configuration mistake into a cluster-wide outage, and there is nothing to default or
// check in them. A Workspace already being deleted is let through too, so a finalizer can always
// be removed even if the model it names can no longer be resolved.
import { GROUP, KIND, VERSIONS, clip } from "../workspace/index.js";
import type { ExpandOptions, WorkspaceVersion } from "../workspace/index.js";
import type { AdmissionRequest, Status, UntrustedObject } from "./admission-review.js";
import type { ClusterAccess } from "./cluster-reads.js";
import { badRequest } from "./status.js";

export const RESOURCE = "workspaces";

/** What /mutate and /validate are given besides the request: loaded once at start. */
export interface AdmissionContext {
  /** KAITO version, controller settings, model lock; `namespace` is only the fallback for a request without one */
  readonly options: ExpandOptions;
  /** how to read what KAITO reads from the cluster; undefined without cluster access */
  readonly cluster?: ClusterAccess;
}

export type Scope =
  | { readonly kind: "ignore"; readonly reason: string }
  | { readonly kind: "deny"; readonly status: Status }
  | {
      readonly kind: "workspace";
      readonly version: WorkspaceVersion;
      readonly object: UntrustedObject;
      readonly oldObject?: UntrustedObject;
      readonly options: ExpandOptions;
    };

export function scopeOf(request: AdmissionRequest, context: AdmissionContext): Scope {
  const { kind, resource } = request;
  if (resource.group !== GROUP || resource.resource !== RESOURCE || kind.group !== GROUP || kind.kind !== KIND) {
    return { kind: "ignore", reason: `not a ${GROUP} ${KIND} (${resource.resource}.${resource.group || "core"})` };
  }
  if (request.subResource !== undefined && request.subResource !== "") {
    return { kind: "ignore", reason: `subresource ${request.subResource}` };
  }
  if (request.operation === "DELETE" || request.operation === "CONNECT") {
    return { kind: "ignore", reason: `operation ${request.operation}` };
  }
  if (!(VERSIONS as readonly string[]).includes(kind.version)) {
    const served = VERSIONS.map((v) => `${GROUP}/${v}`).join(", ");
    return { kind: "deny", status: badRequest(`${GROUP}/${kind.version} ${KIND} is not served by this webhook; it serves ${served}`) };
  }
  const version = kind.version as WorkspaceVersion;
  const { object } = request;
  if (object === undefined) return { kind: "deny", status: badRequest(`request.object: missing for ${request.operation}`) };
  // The API server converts the object to the version in request.kind; an object claiming
  // another version was not sent by it, and checking it by its own claim would be trusting it.
  const expected = `${GROUP}/${version}`;
  const apiVersion = object["apiVersion"];
  if (apiVersion !== expected || object["kind"] !== KIND) {
    return {
      kind: "deny",
      status: badRequest(`request.object is ${clip(String(object["kind"]))} of ${clip(String(apiVersion))}, but request.kind says ${KIND} of ${expected}`),
    };
  }
  if (request.operation === "UPDATE" && isBeingDeleted(object)) {
    return { kind: "ignore", reason: "being deleted" };
  }
  const namespace = request.namespace !== undefined && request.namespace !== "" ? request.namespace : context.options.namespace;
  return {
    kind: "workspace",
    version,
    object,
    ...(request.operation === "UPDATE" && request.oldObject !== undefined && { oldObject: request.oldObject }),
    options: namespace === context.options.namespace ? context.options : { ...context.options, namespace },
  };
}

function isBeingDeleted(object: UntrustedObject): boolean {
  const metadata = object["metadata"];
  if (typeof metadata !== "object" || metadata === null) return false;
  const { deletionTimestamp } = metadata as { deletionTimestamp?: unknown };
  return typeof deletionTimestamp === "string" && deletionTimestamp !== "";
}
