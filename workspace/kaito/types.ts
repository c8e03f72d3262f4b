// What KAITO's own controller would do with a Workspace, for one KAITO version: the contract every
// version profile implements. Pure: the cluster facts and controller settings a KAITO controller
// would read at run time are passed in, so a render is reproducible offline.
import type { TuningMethod } from "../api/types.js";
import type { KubeObject } from "../expand/meta.js";
import type { ModelFacts } from "../models/facts.js";
import type { Violation } from "../violation.js";

export const KAITO_VERSIONS = ["v0.12", "v0.3"] as const;
export type KaitoVersion = (typeof KAITO_VERSIONS)[number];
/** What runs on a cluster today. */
export const DEFAULT_KAITO_VERSION: KaitoVersion = "v0.12";
/** A Workspace may pin the KAITO version it is rendered for. */
export const ANNOTATION_KAITO_VERSION = "kaito-gitops.io/kaito-version";

export type CloudProvider = "azure" | "aws";
/** gpu-provisioner: KAITO asks for nodes with NodeClaims (or Machines); byo: the nodes exist already. */
export type NodeProvisioner = "gpu-provisioner" | "byo";

/** The KAITO controller's settings (Helm values, feature gates) that change what it creates. */
export interface ControllerSettings {
  readonly cloudProvider: CloudProvider;
  readonly nodeProvisioner: NodeProvisioner;
  /** Feature gates that differ from the version's defaults, e.g. `{ enableMIG: true }`. */
  readonly featureGates: Readonly<Record<string, boolean>>;
  /**
   * Models the KAITO process resolved before this Workspace arrived (its lazy model registry);
   * KAITO v0.12's v1alpha1 webhook only knows those. Lower-case Hugging Face ids.
   */
  readonly prewarmModels: readonly string[];
}

export const defaultControllerSettings: ControllerSettings = {
  cloudProvider: "azure",
  nodeProvisioner: "gpu-provisioner",
  featureGates: {},
  prewarmModels: [],
};

/**
 * Objects that already exist in the cluster and that KAITO's controller reads: ConfigMaps named by
 * `inference.config` / `tuning.config`, Secrets named by `modelAccessSecret`, and (for bring-your-own
 * nodes) the GPU Nodes with their feature-discovery labels. Plain JSON as the API server returns it.
 */
export interface ClusterFacts {
  readonly configMaps: readonly KubeObject[];
  readonly secrets: readonly KubeObject[];
  readonly nodes: readonly KubeObject[];
}

export const emptyClusterFacts: ClusterFacts = { configMaps: [], secrets: [], nodes: [] };

/** Models outside a version's built-in catalog, as pinned in the model lock (`kaito-models.lock.yaml`). */
export interface ModelLock {
  readonly models: readonly ModelFacts[];
}

export const emptyModelLock: ModelLock = { models: [] };

export interface KaitoContext {
  readonly settings: ControllerSettings;
  readonly cluster: ClusterFacts;
  readonly models: ModelLock;
}

/**
 * KAITO's verdict and output for one Workspace.
 * - rejected: KAITO's admission webhook refuses it; `violations` say why (field paths, our words).
 * - accepted: `children` are the objects KAITO's controller creates, in KAITO's creation order,
 *   without KAITO's bookkeeping (ControllerRevision) and without what the API server fills later.
 *   `reconcileError` is set when KAITO's controller would get stuck (then `children` holds what it
 *   creates before that).
 */
export type KaitoOutcome =
  | { readonly verdict: "rejected"; readonly violations: readonly Violation[] }
  | {
      readonly verdict: "accepted";
      /** The Workspace as KAITO stores it: the CRD's defaults applied for its apiVersion. */
      readonly workspace: Record<string, unknown>;
      readonly children: readonly KubeObject[];
      /** status.targetNodeCount as KAITO v0.12 writes it (v0.3: resource.count). */
      readonly targetNodeCount: number;
      readonly reconcileError?: string;
      /** Checks of ours beyond KAITO's (see docs/conformance.md): never a reason to refuse. */
      readonly warnings: readonly Violation[];
    };

/** An accepted Workspace's outcome with its children still to build. */
export type AcceptedOutcome = Extract<KaitoOutcome, { verdict: "accepted" }>;

/**
 * KAITO's webhook verdict alone, and the Workspace as it stores it: what admission needs. The
 * children (the costly part) are built only when `expand` is called, so the webhook's defaulter
 * does not build objects it would throw away; `generate` is `admit` then `expand`.
 */
export type KaitoAdmission =
  | { readonly verdict: "rejected"; readonly violations: readonly Violation[] }
  | {
      readonly verdict: "accepted";
      /** The Workspace as KAITO stores it: the same object `expand().workspace` holds. */
      readonly workspace: Record<string, unknown>;
      expand(): AcceptedOutcome;
    };

/** generate, for a profile that implements admit. */
export function generateByAdmission(admission: KaitoAdmission): KaitoOutcome {
  return admission.verdict === "rejected" ? admission : admission.expand();
}

/** One KAITO release's behaviour. Adding a release is a new profile (data plus small builders). */
export interface KaitoProfile {
  readonly version: KaitoVersion;
  /** The Workspace document as a user wrote it (apiVersion kaito.sh/v1alpha1 or v1beta1). */
  generate(workspace: Record<string, unknown>, ctx: KaitoContext): KaitoOutcome;
  /** The verdict and the stored Workspace of `generate`, without building the children. */
  admit(workspace: Record<string, unknown>, ctx: KaitoContext): KaitoAdmission;
  /**
   * What this release knows, for people choosing a model and an instance type: its built-in
   * models (plus the lock's, where the release reads a lock) and its GPU instance types.
   */
  catalog(models: ModelLock): KaitoCatalog;
}

/**
 * How a model is served. torchrun: KAITO v0.3's llama-2 presets run Meta's reference code under
 * torchrun rather than a Hugging Face runtime.
 */
export type ListedRuntime = "vllm" | "transformers" | "torchrun";

/** A model a Workspace may name in `preset.name`, as one release lists it. */
export interface ModelListing {
  /** What `preset.name` takes: a Hugging Face id (v0.12) or a preset name (v0.3). */
  readonly name: string;
  /** builtin: the release's own catalog; lock: pinned in the model lock by `models add`. */
  readonly source: "builtin" | "lock";
  /** Other names the release redirects to this model (KAITO v0.12's legacy short names). */
  readonly aliases: readonly string[];
  /** The runtimes that can serve it; the first is the release's default. */
  readonly runtimes: readonly ListedRuntime[];
  /** Tuning methods the release accepts for it; empty: not tunable. */
  readonly tuning: readonly TuningMethod[];
  /** Size of the weights, `7.15Gi`, where the release knows it. */
  readonly weightsSize?: string;
  /** Context length in tokens, where the release knows it. */
  readonly contextLength?: number;
  /** Needs a Hugging Face token (modelAccessSecret); absent: the release does not say. */
  readonly gated?: boolean;
  /** The image the weights ship in (v0.3 public presets), or `private` (the user supplies it). */
  readonly image?: string;
  /** GPUs, total and per-GPU memory and node disk the release requires (v0.3's preset table). */
  readonly gpuCount?: number;
  readonly gpuMemory?: string;
  readonly perGpuMemory?: string;
  readonly disk?: string;
  /** Spread over several nodes (torch elastic: a StatefulSet with a headless Service). */
  readonly multiNode?: boolean;
  /** The release names the model but no longer serves it. */
  readonly deprecated?: boolean;
}

/** A GPU instance type one release sizes Workspaces with. */
export interface InstanceTypeListing {
  readonly name: string;
  readonly cloud: CloudProvider;
  readonly gpuCount: number;
  /** GPU memory of the whole node, GiB. */
  readonly gpuMemoryGiB: number;
  /** Absent where the release's table does not name it (KAITO v0.3). */
  readonly gpuModel?: string;
  /** Local NVMe disks: KAITO v0.12 puts the weights there. Absent where the release does not say. */
  readonly nvme?: boolean;
  /** Where the release's own tables disagree or know the type only in part. */
  readonly note?: string;
}

/** Sorted: models by name, instance types by cloud then name. */
export interface KaitoCatalog {
  readonly models: readonly ModelListing[];
  readonly instanceTypes: readonly InstanceTypeListing[];
}
