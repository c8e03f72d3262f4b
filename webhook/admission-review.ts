// The admission.k8s.io/v1 wire format, as kube-apiserver sends and expects it, and the one place
// a request body is trusted: parseAdmissionReview turns an untrusted JSON value into a typed
// AdmissionRequest, or says why not and whether the answer can still be a denial (a uid to echo).
import { scanJson } from "./json-guard.js";
import type { JsonLimits } from "./json-guard.js";

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";
/** Longest request.uid echoed in an answer. */
export const MAX_UID_CHARS = 128;
export const ADMISSION_REVIEW_KIND = "AdmissionReview";

export const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** A JSON object as it came off the wire; nothing about its shape is known yet. */
export type UntrustedObject = Readonly<Record<string, unknown>>;

export interface AdmissionRequest {
  readonly uid: string;
  /** the kind of `object`, after conversion to the version the webhook registered for */
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  /** what the client sent, before conversion (differs from kind with matchPolicy Equivalent) */
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: Operation;
  readonly userInfo: UserInfo;
  /** absent for DELETE (the API server sends null) */
  readonly object?: UntrustedObject;
  /** set for UPDATE and DELETE */
  readonly oldObject?: UntrustedObject;
  readonly dryRun: boolean;
  readonly options?: UntrustedObject;
}

/** metav1.StatusCause; Go names the cause type field `reason` on the wire. */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
}

/** metav1.Status, the shape of a denial (and of our HTTP 400 bodies). */
export interface Status {
  readonly status: "Success" | "Failure";
  readonly message: string;
  readonly reason: string;
  readonly code: number;
  readonly details?: StatusDetails;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: Status;
  /** base64 of a JSON array of RFC 6902 operations; always together with patchType */
  readonly patch?: string;
  readonly patchType?: "JSONPatch";
  readonly warnings?: readonly string[];
}

export interface AdmissionReview {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: typeof ADMISSION_REVIEW_KIND;
  readonly response: AdmissionResponse;
}

/**
 * - ok: a well-formed request;
 * - rejected with a uid: the envelope is an AdmissionReview v1 and names the request, so the
 *   answer is a denial the API server can show (HTTP 200, allowed: false, code 400);
 * - rejected without one: nothing to answer to; HTTP 400.
 */
export type ParsedReview =
  | { readonly ok: true; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly message: string; readonly uid?: string };

const isObject = (v: unknown): v is UntrustedObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads an own property only: a body can carry a "__proto__" key, never a prototype. */
const own = (o: UntrustedObject, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

const describe = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? JSON.stringify(v.slice(0, 64)) : typeof v;

export function parseAdmissionReview(body: unknown, limits: JsonLimits): ParsedReview {
  if (!isObject(body)) return { ok: false, message: `expected an ${ADMISSION_REVIEW_KIND} object, got ${describe(body)}` };
  const apiVersion = own(body, "apiVersion");
  const kind = own(body, "kind");
  if (apiVersion !== ADMISSION_API_VERSION || kind !== ADMISSION_REVIEW_KIND) {
    return {
      ok: false,
      message:
        `expected apiVersion ${ADMISSION_API_VERSION} and kind ${ADMISSION_REVIEW_KIND}, got ${describe(apiVersion)} and ${describe(kind)}` +
        " (the webhook configuration must list admissionReviewVersions: [v1])",
    };
  }
  const request = own(body, "request");
  if (!isObject(request)) return { ok: false, message: `request: expected an object, got ${describe(request)}` };
  const uid = own(request, "uid");
  if (typeof uid !== "string" || uid === "") return { ok: false, message: `request.uid: expected a non-empty string, got ${describe(uid)}` };
  // The API server's uids are UUIDs; a longer one was not sent by it and is not echoed back.
  if (uid.length > MAX_UID_CHARS) return { ok: false, message: `request.uid: longer than ${MAX_UID_CHARS} characters (has ${uid.length})` };

  // From here on the review can be answered, so every problem becomes a denial carrying the uid.
  const deny = (message: string): ParsedReview => ({ ok: false, message, uid });
  const hostile = scanJson(request, limits);
  if (hostile !== undefined) return deny(`request${hostile}`);

  const operation = own(request, "operation");
  if (!(OPERATIONS as readonly unknown[]).includes(operation)) {
    return deny(`request.operation: expected one of ${OPERATIONS.join(", ")}, got ${describe(operation)}`);
  }
  const kindOf = gvk(own(request, "kind"));
  if (kindOf === undefined) return deny("request.kind: expected {group, version, kind} strings");
  const resource = gvr(own(request, "resource"));
  if (resource === undefined) return deny("request.resource: expected {group, version, resource} strings");

  const optionalStrings = ["subResource", "requestSubResource", "name", "namespace"] as const;
  for (const field of optionalStrings) {
    const value = own(request, field);
    if (value !== undefined && typeof value !== "string") return deny(`request.${field}: expected a string, got ${describe(value)}`);
  }
  const requestKind = optional(own(request, "requestKind"), gvk);
  if (requestKind === false) return deny("request.requestKind: expected {group, version, kind} strings");
  const requestResource = optional(own(request, "requestResource"), gvr);
  if (requestResource === false) return deny("request.requestResource: expected {group, version, resource} strings");

  const userInfo = own(request, "userInfo") ?? {};
  if (!isObject(userInfo)) return deny(`request.userInfo: expected an object, got ${describe(userInfo)}`);
  const dryRun = own(request, "dryRun") ?? false;
  if (typeof dryRun !== "boolean") return deny(`request.dryRun: expected a boolean, got ${describe(dryRun)}`);

  const objects: { object?: UntrustedObject; oldObject?: UntrustedObject; options?: UntrustedObject } = {};
  for (const field of ["object", "oldObject", "options"] as const) {
    // RawExtension fields the API server has nothing for arrive as null.
    const value = own(request, field) ?? undefined;
    if (value === undefined) continue;
    if (!isObject(value)) return deny(`request.${field}: expected an object, got ${describe(value)}`);
    objects[field] = value;
  }

  const parsed: { -readonly [K in keyof AdmissionRequest]: AdmissionRequest[K] } = {
    uid,
    kind: kindOf,
    resource,
    operation: operation as Operation,
    userInfo: userInfo as UserInfo,
    dryRun,
    ...objects,
  };
  for (const field of optionalStrings) {
    const value = own(request, field);
    if (typeof value === "string") parsed[field] = value;
  }
  if (requestKind !== undefined) parsed.requestKind = requestKind;
  if (requestResource !== undefined) parsed.requestResource = requestResource;
  return { ok: true, request: parsed };
}

function gvk(v: unknown): GroupVersionKind | undefined {
  if (!isObject(v)) return undefined;
  const [group, version, kind] = [own(v, "group"), own(v, "version"), own(v, "kind")];
  // The core group is "" and Go omits empty strings, so a missing group is the core group.
  const g = group ?? "";
  if (typeof g !== "string" || typeof version !== "string" || typeof kind !== "string") return undefined;
  return { group: g, version, kind };
}

function gvr(v: unknown): GroupVersionResource | undefined {
  if (!isObject(v)) return undefined;
  const [group, version, resource] = [own(v, "group"), own(v, "version"), own(v, "resource")];
  const g = group ?? "";
  if (typeof g !== "string" || typeof version !== "string" || typeof resource !== "string") return undefined;
  return { group: g, version, resource };
}

/** undefined when absent, false when present but malformed. */
function optional<T>(v: unknown, parse: (v: unknown) => T | undefined): T | undefined | false {
  if (v === undefined || v === null) return undefined;
  return parse(v) ?? false;
}

/** The envelope every answer goes out in. */
export function reviewOf(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_REVIEW_KIND, response };
}

export const allowed = (uid: string, extra: Pick<AdmissionResponse, "patch" | "patchType" | "warnings"> = {}): AdmissionResponse => ({
  uid,
  allowed: true,
  ...extra,
});

export const denied = (uid: string, status: Status, warnings?: readonly string[]): AdmissionResponse => ({
  uid,
  allowed: false,
  status,
  ...(warnings !== undefined && warnings.length > 0 && { warnings }),
});
