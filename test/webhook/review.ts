// AdmissionReview bodies shaped as kube-apiserver v1.34 sends them (apiserver
// pkg/admission/plugin/webhook/request/admissionreview.go, CreateV1AdmissionReview): every field
// of the request present, RawExtensions the server has nothing for as null (oldObject on
// CREATE, object on DELETE), dryRun always set, options the operation's *Options object, and an
// object as the create handler leaves it before mutating admission: namespace filled in,
// managedFields written, no uid or creationTimestamp yet.
import { randomUUID } from "node:crypto";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}
export interface Gvr {
  group: string;
  version: string;
  resource: string;
}

export interface ReviewOptions {
  operation?: Operation;
  /** the Workspace (or any object); null for DELETE */
  object?: Record<string, unknown> | null;
  oldObject?: Record<string, unknown> | null;
  uid?: string;
  dryRun?: boolean;
  /** defaults to the object's (or oldObject's) metadata.namespace */
  namespace?: string;
  name?: string;
  kind?: Gvk;
  resource?: Gvr;
  subResource?: string;
  fieldManager?: string;
}

export const ADMIN = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };

const OPTIONS_KIND: Record<Operation, string> = {
  CREATE: "CreateOptions",
  UPDATE: "UpdateOptions",
  DELETE: "DeleteOptions",
  CONNECT: "PodExecOptions",
};

function metaOf(o: Record<string, unknown> | null | undefined): { name?: string; namespace?: string } {
  return ((o?.["metadata"] as Record<string, unknown> | undefined) ?? {}) as { name?: string; namespace?: string };
}

function gvkOf(o: Record<string, unknown> | null | undefined): Gvk {
  const apiVersion = typeof o?.["apiVersion"] === "string" ? (o["apiVersion"] as string) : "kaito.sh/v1beta1";
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  return { group, version, kind: typeof o?.["kind"] === "string" ? (o["kind"] as string) : "Workspace" };
}

/** A whole AdmissionReview request body. */
export function admissionReview(options: ReviewOptions = {}): Record<string, unknown> {
  const operation = options.operation ?? "CREATE";
  const object = options.object === undefined ? null : options.object;
  const oldObject = options.oldObject === undefined ? null : options.oldObject;
  const source = object ?? oldObject;
  const kind = options.kind ?? gvkOf(source);
  const resource = options.resource ?? { group: kind.group, version: kind.version, resource: `${kind.kind.toLowerCase()}s` };
  const meta = metaOf(source);
  const namespace = options.namespace ?? meta.namespace;
  const name = options.name ?? meta.name;
  const dryRun = options.dryRun ?? false;
  const opts: Record<string, unknown> = { kind: OPTIONS_KIND[operation], apiVersion: "meta.k8s.io/v1" };
  if (operation === "CREATE" || operation === "UPDATE") {
    opts["fieldManager"] = options.fieldManager ?? "kubectl-client-side-apply";
    opts["fieldValidation"] = "Strict";
  }
  if (operation === "DELETE") opts["propagationPolicy"] = "Background";
  if (dryRun) opts["dryRun"] = ["All"];
  return {
    kind: "AdmissionReview",
    apiVersion: "admission.k8s.io/v1",
    request: {
      uid: options.uid ?? randomUUID(),
      kind,
      resource,
      ...(options.subResource !== undefined && { subResource: options.subResource }),
      requestKind: kind,
      requestResource: resource,
      ...(options.subResource !== undefined && { requestSubResource: options.subResource }),
      ...(name !== undefined && { name }),
      ...(namespace !== undefined && { namespace }),
      operation,
      userInfo: ADMIN,
      object,
      oldObject,
      dryRun,
      options: opts,
    },
  };
}

/** The request's uid, for comparing with response.uid. */
export const uidOf = (review: Record<string, unknown>): string => (review["request"] as { uid: string }).uid;

/** The minimal phi-3 Workspace of examples/inference/phi-3-mini.yaml on a current A100 SKU. */
export function phi3(overrides: { name?: string; namespace?: string | null; instanceType?: string; version?: "v1alpha1" | "v1beta1" } = {}): Record<string, unknown> {
  const namespace = overrides.namespace === undefined ? "default" : overrides.namespace;
  return {
    apiVersion: `kaito.sh/${overrides.version ?? "v1beta1"}`,
    kind: "Workspace",
    metadata: { name: overrides.name ?? "workspace-phi-3-mini", ...(namespace !== null && { namespace }) },
    resource: { instanceType: overrides.instanceType ?? "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: "phi-3" } } },
    inference: { preset: { name: "phi-3-mini-4k-instruct" } },
  };
}

/**
 * The object as `kubectl apply` (client-side) hands it to admission: the last-applied
 * annotation, one managedFields entry, namespace set by the API server.
 */
export function asKubectlApplied(workspace: Record<string, unknown>, namespace = "default"): Record<string, unknown> {
  const meta = { ...(workspace["metadata"] as Record<string, unknown>) };
  const lastApplied = JSON.stringify(workspace);
  return {
    ...workspace,
    metadata: {
      ...meta,
      namespace,
      annotations: { ...(meta["annotations"] as Record<string, string> | undefined), "kubectl.kubernetes.io/last-applied-configuration": `${lastApplied}\n` },
      managedFields: [
        {
          manager: "kubectl-client-side-apply",
          operation: "Update",
          apiVersion: String(workspace["apiVersion"]),
          time: "2026-11-24T12:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:metadata": { "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} } },
            "f:inference": { ".": {}, "f:preset": { ".": {}, "f:name": {} } },
            "f:resource": { ".": {}, "f:instanceType": {}, "f:labelSelector": {} },
          },
        },
      ],
    },
  };
}
