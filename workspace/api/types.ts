// The kaito.sh Workspace API as KAITO defines it: `resource`, `inference` and `tuning` sit at the
// top level of the object (there is no `spec`), and the JSON keys match KAITO's so any KAITO
// Workspace file works unchanged. The JSON Schema in schema.ts describes the same shapes.

export const GROUP = "kaito.sh";
export const KIND = "Workspace";
export const VERSIONS = ["v1alpha1", "v1beta1"] as const;
export type WorkspaceVersion = (typeof VERSIONS)[number];
export type WorkspaceApiVersion = `${typeof GROUP}/${WorkspaceVersion}`;

/** A free-form Kubernetes object (PodTemplateSpec, VolumeSource) kept as the user wrote it. */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: JsonValue[];
}

/** v1beta1 only; BYO nodes. */
export interface PartitionSpec {
  mode: "mig" | "accelerator";
  profile?: string;
  count?: number;
}

export interface ResourceSpec {
  /** GPU instance type (SKU) of the nodes to provision. */
  instanceType?: string;
  /** Number of nodes; derived from the preset and instance type when absent. */
  count?: number;
  labelSelector?: LabelSelector;
  /** Existing nodes to use instead of provisioning (bring your own nodes). */
  preferredNodes?: string[];
  partition?: PartitionSpec;
}

export interface PresetOptions {
  image?: string;
  imagePullSecrets?: string[];
  /** v1beta1 only: Secret with key HF_TOKEN for gated models. */
  modelAccessSecret?: string;
}

export interface PresetSpec {
  name: string;
  accessMode?: "public" | "private";
  presetOptions?: PresetOptions;
}

export interface DataSource {
  name?: string;
  urls?: string[];
  volumeSource?: JsonObject;
  image?: string;
  imagePullSecrets?: string[];
}

export interface DataDestination {
  volumeSource?: JsonObject;
  image?: string;
  imagePushSecret?: string;
}

export interface AdapterSpec {
  source?: DataSource;
  /** A decimal string in [0, 1]; "1.0" when absent. */
  strength?: string;
}

export interface InferenceSpec {
  preset?: PresetSpec;
  /** A custom pod (corev1.PodTemplateSpec); exclusive with preset. */
  template?: JsonObject;
  adapters?: AdapterSpec[];
  /** Name of a ConfigMap in the Workspace's namespace with key inference_config.yaml. */
  config?: string;
}

export type TuningMethod = "lora" | "qlora";

export interface TuningSpec {
  preset?: PresetSpec;
  method?: TuningMethod;
  /** Name of a ConfigMap with key training_config.yaml. */
  config?: string;
  input?: DataSource;
  output?: DataDestination;
}

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export const CONDITION_TYPES = [
  "ResourceReady",
  "InferenceReady",
  "JobStarted",
  "WorkspaceSucceeded",
  "WorkspaceReady",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export type WorkspaceState = "Pending" | "Ready" | "NotReady" | "Running" | "Succeeded" | "Failed";

export interface WorkspaceStatus {
  workerNodes?: string[];
  conditions?: Condition[];
  /** v1beta1 only. */
  targetNodeCount?: number;
  /** v1beta1 only. */
  state?: WorkspaceState;
}

export interface Workspace {
  apiVersion: WorkspaceApiVersion;
  kind: typeof KIND;
  metadata: ObjectMeta;
  resource?: ResourceSpec;
  inference?: InferenceSpec;
  tuning?: TuningSpec;
  status?: WorkspaceStatus;
}

export function isWorkspaceApiVersion(value: unknown): value is WorkspaceApiVersion {
  return VERSIONS.some((v) => value === `${GROUP}/${v}`);
}

/** True for anything that claims to be a kaito.sh Workspace, whatever its version. */
export function looksLikeWorkspace(obj: unknown): boolean {
  if (typeof obj !== "object" || obj === null) return false;
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  return kind === KIND && typeof apiVersion === "string" && apiVersion.startsWith(`${GROUP}/`);
}
