// The Workspace as KAITO v0.12.0 stores and reads it: the CRD's defaults applied, v1alpha1 objects
// stored as v1beta1 (the API server prunes what v1alpha1 lacks), and the annotations and settings
// that choose KAITO's behaviour (runtime, benchmark, performance mode, local weights).
import type { LabelSelector, Workspace } from "../../api/types.js";
import type { ControllerSettings } from "../types.js";

export const ANNOTATION_RUNTIME = "kaito.sh/runtime";
export const ANNOTATION_ENABLE_LB = "kaito.sh/enablelb";
export const ANNOTATION_BYPASS_RESOURCE_CHECKS = "kaito.sh/bypass-resource-checks";
export const ANNOTATION_NODE_IMAGE_FAMILY = "kaito.sh/node-image-family";
export const ANNOTATION_NODE_CLASS_NAME = "kaito.sh/node-class-name";
export const ANNOTATION_DISABLE_BENCHMARK = "kaito.sh/disable-benchmark";
export const ANNOTATION_PERFORMANCE_MODE = "kaito.sh/performance-mode";
export const ANNOTATION_USE_LOCAL_WEIGHTS = "kaito.sh/use-local-weights";
export const LABEL_WORKSPACE = "kaito.sh/workspace";
export const LABEL_WORKSPACE_NAMESPACE = "kaito.sh/workspacenamespace";
/** The instance type the v1alpha1 CRD fills in when a Workspace names none. */
export const V1ALPHA1_DEFAULT_INSTANCE_TYPE = "Standard_NC24ads_A100_v4";
export const PERFORMANCE_MODES = ["balanced", "interactivity", "throughput"] as const;
export const NODE_IMAGE_FAMILIES = ["ubuntu", "azurelinux"] as const;

export type RuntimeName = "vllm" | "transformers";

/** Labels KAITO sets itself; a selector naming them would match other Workspaces' nodes. */
const RESERVED_SELECTOR_LABELS: ReadonlySet<string> = new Set([
  LABEL_WORKSPACE,
  "kaito.sh/ragengine",
  LABEL_WORKSPACE_NAMESPACE,
  "kaito.sh/ragenginenamespace",
  "kaito.sh/karpenter-workspace",
  "kaito.sh/karpenter-workspacenamespace",
  "kaito.sh/karpenter-inferenceset",
  "kaito.sh/karpenter-inferencesetnamespace",
]);

export const isReservedSelectorLabel = (key: string): boolean => RESERVED_SELECTOR_LABELS.has(key);

/** matchLabels without KAITO's reserved keys, in key order; undefined when none remain. */
export function sanitizedMatchLabels(selector: LabelSelector | undefined): [string, string][] | undefined {
  const entries = Object.entries(selector?.matchLabels ?? {}).filter(([k]) => !isReservedSelectorLabel(k));
  if (entries.length === 0) return undefined;
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Why the selector cannot be a plain map of labels (KAITO accepts matchLabels and single-value `In`). */
export function selectorMapError(selector: LabelSelector | undefined): string | undefined {
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator !== "In" || (e.values ?? []).length !== 1) {
      return `matchExpressions: only the operator In with exactly one value can be turned into node labels (got ${e.operator} on ${e.key})`;
    }
  }
  return undefined;
}

const annotation = (ws: Workspace, key: string): string | undefined => ws.metadata.annotations?.[key];

export function runtimeOf(ws: Workspace, settings: ControllerSettings): RuntimeName {
  if (settings.featureGates.vLLM === false) return "transformers";
  return annotation(ws, ANNOTATION_RUNTIME) === "transformers" ? "transformers" : "vllm";
}

export const nodeAutoProvisioning = (settings: ControllerSettings): boolean => settings.nodeProvisioner !== "byo";

export const benchmarkEnabled = (ws: Workspace, settings: ControllerSettings): boolean =>
  annotation(ws, ANNOTATION_DISABLE_BENCHMARK) !== "true" && runtimeOf(ws, settings) === "vllm" && ws.inference?.preset !== undefined;

export const performanceMode = (ws: Workspace): string => annotation(ws, ANNOTATION_PERFORMANCE_MODE) || "balanced";

export const serviceTypeOf = (ws: Workspace): "ClusterIP" | "LoadBalancer" => (annotation(ws, ANNOTATION_ENABLE_LB) === "True" ? "LoadBalancer" : "ClusterIP");

/** The hostPath the node's pre-staged weights live in, when the Workspace asks to use them. */
export function localWeightsPath(ws: Workspace): string | undefined {
  if (annotation(ws, ANNOTATION_USE_LOCAL_WEIGHTS) !== "true") return undefined;
  const name = ws.inference?.preset?.name;
  if (name === undefined) return undefined;
  const segment = name.trim().toLowerCase().replaceAll("/", "-").replaceAll("\\", "-");
  if (segment === "" || segment === "." || segment === "..") return undefined;
  return `/opt/kaito/models/${segment}`;
}

/** The node image family KAITO's NodeClaims carry: the annotation when valid, else ubuntu. */
export function nodeImageFamily(ws: Workspace): string {
  const value = annotation(ws, ANNOTATION_NODE_IMAGE_FAMILY)?.trim().toLowerCase();
  return value !== undefined && (NODE_IMAGE_FAMILIES as readonly string[]).includes(value) ? value : "ubuntu";
}

/**
 * The Workspace as the API server stores it for KAITO: CRD defaults (resource.count 1, preset
 * accessMode public; v1alpha1 also instanceType) and, for v1alpha1, without the fields only
 * v1beta1 has (the API server prunes them: resource.partition, presetOptions.modelAccessSecret).
 */
export function storedWorkspace(ws: Workspace): Workspace {
  const v1alpha1 = ws.apiVersion === "kaito.sh/v1alpha1";
  const out: Workspace = { ...ws };
  if (ws.resource) {
    const resource = { ...ws.resource };
    if (resource.count === undefined) resource.count = 1;
    if (v1alpha1) {
      if (resource.instanceType === undefined) resource.instanceType = V1ALPHA1_DEFAULT_INSTANCE_TYPE;
      delete resource.partition;
    }
    out.resource = resource;
  }
  if (ws.inference?.preset) {
    const preset = { ...ws.inference.preset, accessMode: ws.inference.preset.accessMode ?? "public" };
    if (v1alpha1 && preset.presetOptions?.modelAccessSecret !== undefined) {
      const options = { ...preset.presetOptions };
      delete options.modelAccessSecret;
      preset.presetOptions = options;
    }
    out.inference = { ...ws.inference, preset };
  }
  if (ws.tuning?.preset) {
    out.tuning = { ...ws.tuning, preset: { ...ws.tuning.preset, accessMode: ws.tuning.preset.accessMode ?? "public" } };
  }
  return out;
}
