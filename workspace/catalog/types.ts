// The catalogs are data (presets.yaml, instance-types.yaml); these types and catalogSchema are
// the contract those files are checked against when they are loaded.

export type Runtime = "vllm" | "transformers";
export type Cloud = "azure" | "aws" | "gcp" | "arc";

/** Where the model weights come from at run time. */
export type WeightsSource =
  /** the weights are baked into the preset image `<registry>/kaito-<name>:<tag>` */
  | "image"
  /** the kaito-base image downloads the weights from Hugging Face when the pod starts */
  | "download"
  /** the user supplies the image through `inference.preset.presetOptions.image` (accessMode private) */
  | "private";

export interface PresetTuning {
  /** GPU memory the fine-tuning job needs on one node, in GiB. */
  gpuMemoryGiB: number;
  methods: ("lora" | "qlora")[];
}

export interface ModelPreset {
  /** The name used in `inference.preset.name` / `tuning.preset.name`. */
  name: string;
  family: string;
  /** Hugging Face repository, `org/name`. */
  huggingFace: string;
  /** Pinned repository revision (commit) where KAITO pins one. */
  revision?: string;
  /** Runtimes this preset can run on; the first is the default. */
  runtimes: Runtime[];
  /** Total GPU memory the model needs across all GPUs, in GiB (the fit check). */
  gpuMemoryGiB: number;
  /** Minimum memory of each GPU, in GiB; 0 means no per-GPU minimum. */
  perGPUMemoryGiB: number;
  /** GPUs the preset asks for at least (KAITO's GPUCountRequirement). */
  gpuCount: number;
  /** Size of the weights on disk, in GiB, where known. */
  weightsGiB?: number;
  /** Node disk to request for the weights and the image, in GiB. */
  diskGiB: number;
  weights: WeightsSource;
  /** The preset image tag (KAITO's `tag`), for weights "image"; the base image tag otherwise. */
  tag: string;
  /** A Hugging Face token is needed (gated model): presetOptions.modelAccessSecret. */
  authRequired: boolean;
  /** Context window in tokens, where known. */
  contextWindow?: number;
  /** The model can be split across several nodes (StatefulSet + headless Service). */
  multiNode: boolean;
  /** Minutes the model may take to become ready (startup probe budget). */
  readinessTimeoutMinutes: number;
  /** Default command-line flags for each runtime, `--key=value` or `--flag`. */
  args: Partial<Record<Runtime, string[]>>;
  tuning?: PresetTuning;
  /** Set when KAITO deprecated or removed the preset: the reason shown to the user. */
  deprecated?: string;
  /** KAITO release that introduced the preset, e.g. "v0.3.0". */
  since?: string;
}

export interface InstanceType {
  /** The cloud's instance type (SKU) name, e.g. Standard_NC6s_v3. Matched case-insensitively. */
  name: string;
  cloud: Cloud;
  gpuCount: number;
  /** Total GPU memory of the node (all GPUs), in GiB. */
  gpuMemoryGiB: number;
  gpuModel: string;
  /** CUDA compute capability, e.g. "7.0"; absent for non-NVIDIA accelerators. */
  computeCapability?: string;
  /** The node has local NVMe disks. */
  nvme?: boolean;
  /** Set when KAITO dropped the SKU from its table: the reason shown as a warning. */
  deprecated?: string;
}

/** Per-cloud settings for the node claim a Workspace gets. */
export interface CloudProfile {
  cloud: Cloud;
  /** NodeClaim (karpenter.sh/v1) spec.nodeClassRef. */
  nodeClassRef: { group: string; kind: string; name: string };
  /** Extra requirements added to the node claim for this cloud. */
  requirements: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt"; values?: string[] }[];
}

/** Images the expansion refers to; a user catalog may point them at a mirror. */
export interface ImageSettings {
  /** Registry of the preset images, `<registry>/kaito-<preset>:<tag>`. */
  presetRegistry: string;
  /** Repository of the image that runs download-at-runtime presets; the preset's tag is appended. */
  baseImage: string;
  /** Image that downloads tuning data from URLs. */
  dataDownloader: string;
  /** Image that pushes tuning results to a registry. */
  resultsPusher: string;
}

export interface CatalogFile {
  presets?: ModelPreset[];
  instanceTypes?: InstanceType[];
  clouds?: CloudProfile[];
  images?: Partial<ImageSettings>;
}

/** The merged catalog the expansion reads. Lookups are by exact preset name, case-insensitive instance type. */
export interface Catalog {
  readonly presets: ReadonlyMap<string, ModelPreset>;
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
  readonly clouds: ReadonlyMap<Cloud, CloudProfile>;
  readonly images: ImageSettings;
}
