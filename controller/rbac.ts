// Every Kubernetes permission `kaito-gitops serve` uses, in one list: the controller's, its
// leader election's and the self-managed webhook certificates' (--manage-certs). The install
// bundle's ClusterRoles and Roles must grant exactly these (test/kustomize checks the built
// overlays), and the real-cluster test runs the controller with nothing but them.
//
// Keep it honest: a request the code makes is listed here with its RBAC verb. The controller
// tags each request with its verb (kube.ts); the certificate code's client-node calls are
// mapped below through the very method lists its types allow, so adding a call there fails to
// compile until its verb is added here.
import type { KubeWebhookConfigApi, SecretsApi } from "../certs/index.js";
import type { Verb } from "./kube.js";
import { CHILD_TYPES, LEASE, NODE, POD, SECRET, WORKSPACE } from "./resources.js";

const CONFIG_MAP = CHILD_TYPES.ConfigMap;

/** The names the install bundle (kustomize/base) gives its objects. */
export const INSTALL_NAMES = {
  namespace: "kaito-gitops-system",
  serviceAccount: "kaito-gitops",
  lease: "kaito-gitops-controller",
  webhookSecret: "kaito-gitops-webhook-cert",
  mutatingWebhookConfiguration: "kaito-gitops-mutating",
  validatingWebhookConfiguration: "kaito-gitops-validating",
} as const;

/** The ClusterRole or Role a rule belongs to in the bundle. */
export type RbacRole = "controller" | "leader-election" | "webhook-certs";

export interface RbacRule {
  readonly role: RbacRole;
  /** cluster: a ClusterRole; namespace: a Role in the bundle's namespace */
  readonly scope: "cluster" | "namespace";
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly Verb[];
  /** restricts get/update/patch to the named objects (create cannot be restricted by name) */
  readonly resourceNames?: readonly string[];
  /** the code that makes these requests */
  readonly usedBy: string;
}

type AdmissionApi = ConstructorParameters<typeof KubeWebhookConfigApi>[0];

/** certs/secret-store.ts: the Secret holding the CA and serving certificate. */
const SECRET_CALLS: { readonly [call in keyof SecretsApi]: Verb } = {
  readNamespacedSecret: "get",
  createNamespacedSecret: "create",
  replaceNamespacedSecret: "update",
};

/** certs/ca-bundle.ts: caBundle injection into the two webhook configurations. */
const WEBHOOK_CONFIG_CALLS: { readonly [call in keyof AdmissionApi]: { resource: string; verb: Verb } } = {
  readMutatingWebhookConfiguration: { resource: "mutatingwebhookconfigurations", verb: "get" },
  readValidatingWebhookConfiguration: { resource: "validatingwebhookconfigurations", verb: "get" },
  patchMutatingWebhookConfiguration: { resource: "mutatingwebhookconfigurations", verb: "patch" },
  patchValidatingWebhookConfiguration: { resource: "validatingwebhookconfigurations", verb: "patch" },
};

const verbsOf = (verbs: Iterable<Verb>): Verb[] => [...new Set(verbs)];
const secretVerbs = verbsOf(Object.values(SECRET_CALLS));
const webhookConfigVerbs = (resource: string): Verb[] =>
  verbsOf(Object.values(WEBHOOK_CONFIG_CALLS).filter((c) => c.resource === resource).map((c) => c.verb));

/** Verbs that cannot be limited by resourceNames (the object's name is not known to RBAC yet). */
const UNNAMEABLE: ReadonlySet<Verb> = new Set(["create", "list", "watch"]);

function byName(rule: Omit<RbacRule, "verbs" | "resourceNames">, verbs: readonly Verb[], name: string): RbacRule[] {
  const named = verbs.filter((v) => !UNNAMEABLE.has(v));
  const unnamed = verbs.filter((v) => UNNAMEABLE.has(v));
  return [...(named.length ? [{ ...rule, verbs: named, resourceNames: [name] }] : []), ...(unnamed.length ? [{ ...rule, verbs: unnamed }] : [])];
}

const childRules: RbacRule[] = Object.values(CHILD_TYPES).map((type) => ({
  role: "controller",
  scope: "cluster",
  apiGroup: type.group,
  resource: type.plural,
  // list+watch: informers; patch: server-side apply; create: an apply that creates the object is
  // also authorized as create; delete: children the Workspace no longer expands to, and node
  // claims of deleted Workspaces.
  verbs: ["list", "watch", "create", "patch", "delete"],
  usedBy: "controller/informers.ts, controller/reconciler.ts",
}));

export const RBAC_RULES: readonly RbacRule[] = [
  { role: "controller", scope: "cluster", apiGroup: WORKSPACE.group, resource: WORKSPACE.plural, verbs: ["list", "watch"], usedBy: "controller/informers.ts" },
  {
    role: "controller",
    scope: "cluster",
    apiGroup: WORKSPACE.group,
    resource: `${WORKSPACE.plural}/status`,
    verbs: ["patch"],
    usedBy: "controller/reconciler.ts (status server-side apply)",
  },
  {
    role: "controller",
    scope: "cluster",
    apiGroup: WORKSPACE.group,
    resource: `${WORKSPACE.plural}/finalizers`,
    verbs: ["update"],
    // Children carry blockOwnerDeletion: true; the OwnerReferencesPermissionEnforcement admission
    // plugin (on in OpenShift and hardened clusters) demands this of whoever sets it.
    usedBy: "controller/reconciler.ts (ownerReferences with blockOwnerDeletion)",
  },
  ...childRules,
  {
    role: "controller",
    scope: "cluster",
    apiGroup: SECRET.group,
    resource: SECRET.plural,
    verbs: ["get"],
    usedBy: "controller/cluster-facts.ts (the Secret a modelAccessSecret names, as KAITO's controller reads it; the controller and admission)",
  },
  {
    role: "controller",
    scope: "cluster",
    apiGroup: CONFIG_MAP.group,
    resource: CONFIG_MAP.plural,
    verbs: ["get"],
    // The controller reads them from its informer; admission GETs them, as KAITO's webhook does,
    // so one applied a moment before its Workspace is seen. Any namespace: the Workspace's own.
    usedBy: "controller/cluster-facts.ts via webhook/cluster-reads.ts (the ConfigMaps inference.config / tuning.config name, at admission)",
  },
  {
    role: "controller",
    scope: "cluster",
    apiGroup: NODE.group,
    resource: NODE.plural,
    verbs: ["list"],
    usedBy: "controller/cluster-facts.ts (GPU Nodes, with bring-your-own nodes; the controller and admission)",
  },
  {
    role: "controller",
    scope: "cluster",
    apiGroup: POD.group,
    resource: POD.plural,
    verbs: ["list", "watch"],
    usedBy: "controller/informers.ts (inference pods, for InferenceReady's failure reasons)",
  },
  ...byName(
    { role: "leader-election", scope: "namespace", apiGroup: LEASE.group, resource: LEASE.plural, usedBy: "controller/leader.ts" },
    ["get", "create", "update"],
    INSTALL_NAMES.lease,
  ),
  ...byName({ role: "webhook-certs", scope: "namespace", apiGroup: "", resource: "secrets", usedBy: "certs/secret-store.ts" }, secretVerbs, INSTALL_NAMES.webhookSecret),
  ...byName(
    { role: "webhook-certs", scope: "cluster", apiGroup: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations", usedBy: "certs/ca-bundle.ts" },
    webhookConfigVerbs("mutatingwebhookconfigurations"),
    INSTALL_NAMES.mutatingWebhookConfiguration,
  ),
  ...byName(
    { role: "webhook-certs", scope: "cluster", apiGroup: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations", usedBy: "certs/ca-bundle.ts" },
    webhookConfigVerbs("validatingwebhookconfigurations"),
    INSTALL_NAMES.validatingWebhookConfiguration,
  ),
];

/** True when some rule lets `verb` on group/resource (with the object's name, if it has one). */
export function permits(rules: readonly RbacRule[], verb: Verb, apiGroup: string, resource: string, name?: string): boolean {
  return rules.some(
    (r) =>
      r.apiGroup === apiGroup &&
      r.resource === resource &&
      r.verbs.includes(verb) &&
      (r.resourceNames === undefined || (name !== undefined && r.resourceNames.includes(name))),
  );
}
