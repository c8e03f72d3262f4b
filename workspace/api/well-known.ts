// Labels and annotations that carry meaning: KAITO's own (kaito.sh/...) keep KAITO's names so
// existing files work; ours are under kaito-gitops.io/.

export const LABEL_WORKSPACE = "kaito.sh/workspace";
export const LABEL_WORKSPACE_NAMESPACE = "kaito.sh/workspacenamespace";

/** Selector keys KAITO sets itself; a labelSelector made only of these selects nothing of the user's. */
export const RESERVED_SELECTOR_KEYS: ReadonlySet<string> = new Set([
  "kaito.sh/workspace",
  "kaito.sh/ragengine",
  "kaito.sh/workspacenamespace",
  "kaito.sh/ragenginenamespace",
  "karpenter.kaito.sh/workspace-name",
  "karpenter.kaito.sh/workspace-namespace",
]);

/** Labels that tie an object to an Argo CD Application; children must not inherit them. */
export const ARGO_TRACKING_LABELS: ReadonlySet<string> = new Set(["app.kubernetes.io/instance", "argocd.argoproj.io/instance"]);

export const ANNOTATION_RUNTIME = "kaito.sh/runtime";
export const ANNOTATION_ENABLE_LB = "kaito.sh/enablelb";
export const ANNOTATION_BYPASS_RESOURCE_CHECKS = "kaito.sh/bypass-resource-checks";
export const ANNOTATION_NODE_IMAGE_FAMILY = "kaito.sh/node-image-family";
export const NODE_IMAGE_FAMILIES = ["ubuntu", "azurelinux"] as const;

/** GPUs per node for an instance type the catalog does not know (default 1). */
export const ANNOTATION_GPUS_PER_NODE = "kaito-gitops.io/gpus-per-node";
/** Set on Workspaces rendered by the Argo CD plugin: the controller then only reports status. */
export const ANNOTATION_RENDERED_BY = "kaito-gitops.io/rendered-by";
