// The StatefulSet KAITO v0.12.0 runs a preset model in: one pod per node on kaito-base, weights
// downloaded from Hugging Face at start (into a volume claim on local NVMe when the instance type
// has it, else an emptyDir), probes sized to the model, adapters, the user's inference config,
// and for several nodes a Ray cluster with pod 0 as leader.
import type { KubeObject } from "../../../expand/meta.js";
import type { Workspace } from "../../../api/types.js";
import type { ControllerSettings } from "../../types.js";
import type { GpuConfig } from "../gpu/config.js";
import { migResourceName } from "../gpu/mig.js";
import type { Preset } from "../models/preset.js";
import type { RuntimeName } from "../workspace.js";
import { LABEL_WORKSPACE, benchmarkEnabled, localWeightsPath, performanceMode } from "../workspace.js";
import { adapterParts, adapterPullSecrets } from "./adapters.js";
import { shell } from "./command.js";
import { CONFIG_MOUNT_PATH, WEIGHTS_PATH, transformersCommand, vllmCommand } from "./inference-command.js";
import { namespaceOf, ownerReferences } from "./meta.js";
import type { Container, EnvVar, Json, Volume, VolumeMount } from "./pod-types.js";
import { gpuTolerations, nodeAffinity } from "./scheduling.js";
import { INFERENCE_PORT, KV_EVENTS_PORT, leaderHost } from "./service.js";

export const BASE_IMAGE = "mcr.microsoft.com/aks/kaito/kaito-base:0.5.0";
const NVME_STORAGE_CLASS = "kaito-local-nvme-disk";
const CUDA_HOME = "/opt/kaito/cuda/129";
const PROBE_PERIOD = 10;
const HEALTH_CHECK = "python3 /workspace/vllm/multi-node-health-check.py";

export interface InferenceInput {
  readonly preset: Preset;
  readonly gpu: GpuConfig;
  readonly nodes: number;
  readonly runtime: RuntimeName;
  readonly settings: ControllerSettings;
  /** Workspace revision KAITO's controller counted; "1" for a new Workspace. */
  readonly revision: string;
}

const httpProbe = (extra: { [key: string]: Json }) => ({ httpGet: { path: "/health", port: INFERENCE_PORT }, ...extra });
const failuresFor = (seconds: number) => Math.ceil(seconds / PROBE_PERIOD);

function healthCheck(ws: Workspace, kind: "liveness" | "readiness"): string[] {
  const flag = kind === "liveness" ? `--ray-port=6379` : `--vllm-port=${INFERENCE_PORT}`;
  return shell(`${HEALTH_CHECK} ${kind} --leader-address=${leaderHost(ws)} ${flag}`);
}

function mainContainer(ws: Workspace, input: InferenceInput, mounts: VolumeMount[]): Container {
  const { preset, gpu, runtime } = input;
  const inference = ws.inference ?? {};
  const local = localWeightsPath(ws);
  const command =
    runtime === "vllm"
      ? vllmCommand(preset, {
          gpu,
          nodes: input.nodes,
          adapters: (inference.adapters ?? []).length > 0,
          performanceMode: performanceMode(ws),
          configFile: Boolean(inference.config),
          ...(local ? { localWeightsPath: local } : {}),
          leaderHost: leaderHost(ws),
        })
      : transformersCommand(preset);
  const env: EnvVar[] = [];
  if (runtime === "vllm") {
    env.push({ name: "VLLM_USE_FLASHINFER_SAMPLER", value: "0" }, { name: "VLLM_USE_DEEP_GEMM", value: preset.requiresDeepGemm ? "1" : "0" });
  }
  if (preset.requiresCudaToolkit) env.push({ name: "CUDA_HOME", value: CUDA_HOME });
  if (local) env.push({ name: "KAITO_PROCESSOR", value: local });
  const partition = ws.resource?.partition;
  const gpuResource = partition?.mode === "mig" && partition.profile ? migResourceName(partition.profile) : "nvidia.com/gpu";
  const ports = [{ containerPort: INFERENCE_PORT, name: "http" }];
  if (runtime === "vllm") ports.push({ containerPort: KV_EVENTS_PORT, name: "kv-events" });
  return {
    command,
    ...(env.length > 0 ? { env } : {}),
    image: BASE_IMAGE,
    livenessProbe: httpProbe({ failureThreshold: 3, periodSeconds: PROBE_PERIOD }),
    name: ws.metadata.name ?? "",
    ports,
    readinessProbe: httpProbe({ initialDelaySeconds: 30, periodSeconds: PROBE_PERIOD }),
    resources: { limits: { [gpuResource]: String(gpu.gpuCount) }, requests: { [gpuResource]: String(gpu.gpuCount) } },
    startupProbe: httpProbe({ failureThreshold: failuresFor(preset.readinessTimeoutSeconds), periodSeconds: PROBE_PERIOD }),
    volumeMounts: mounts,
  };
}

export function presetStatefulSet(ws: Workspace, input: InferenceInput): KubeObject {
  const name = ws.metadata.name ?? "";
  const inference = ws.inference ?? {};
  const local = localWeightsPath(ws);
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  if (inference.config) {
    volumes.push({ configMap: { name: inference.config }, name: "config-volume" });
    mounts.push({ mountPath: CONFIG_MOUNT_PATH, name: "config-volume" });
  }
  if (local) {
    volumes.push({ hostPath: { path: local, type: "Directory" }, name: "model-weights-hostpath" });
    mounts.push({ mountPath: local, name: "model-weights-hostpath", readOnly: true });
  } else mounts.push({ mountPath: WEIGHTS_PATH, name: "model-weights-volume" });
  const initContainers: Container[] = [];
  if (input.preset.requiresCudaToolkit) {
    volumes.push({ hostPath: { path: CUDA_HOME, type: "DirectoryOrCreate" }, name: "cuda-toolkit-hostpath" });
    mounts.push({ mountPath: CUDA_HOME, name: "cuda-toolkit-hostpath", readOnly: true });
    initContainers.push({
      command: ["/bin/sh", "-c", 'flock "$1" /workspace/cuda-provision.sh "$1"', "sh", CUDA_HOME],
      image: BASE_IMAGE,
      name: "cuda-toolkit-provisioner",
      resources: {},
      volumeMounts: [{ mountPath: CUDA_HOME, name: "cuda-toolkit-hostpath" }],
    });
  }
  volumes.push({ emptyDir: { medium: "Memory" }, name: "dshm" });
  mounts.push({ mountPath: "/dev/shm", name: "dshm" });

  const main = mainContainer(ws, input, mounts);
  const secret = inference.preset?.presetOptions?.modelAccessSecret;
  if (secret) {
    main.env = [...(main.env ?? []), { name: "HF_TOKEN", valueFrom: { secretKeyRef: { key: "HF_TOKEN", name: secret, optional: true } } }];
  }
  const adapters = adapterParts(inference.adapters ?? []);
  initContainers.push(...adapters.initContainers);
  volumes.push(...adapters.volumes);
  main.volumeMounts = [...(main.volumeMounts ?? []), ...adapters.mainMounts];
  if (adapters.mainEnv.length > 0) main.env = [...(main.env ?? []), ...adapters.mainEnv];

  const distributed = input.runtime === "vllm" && input.nodes > 1;
  if (distributed) {
    main.startupProbe = { exec: { command: healthCheck(ws, "readiness") }, failureThreshold: failuresFor(input.preset.readinessTimeoutSeconds), periodSeconds: PROBE_PERIOD, timeoutSeconds: 1 };
    main.livenessProbe = { exec: { command: healthCheck(ws, "liveness") }, failureThreshold: 1, initialDelaySeconds: 60, periodSeconds: PROBE_PERIOD, terminationGracePeriodSeconds: 1, timeoutSeconds: 5 };
    main.readinessProbe = { exec: { command: healthCheck(ws, "readiness") }, failureThreshold: 1, periodSeconds: PROBE_PERIOD, timeoutSeconds: 1 };
    main.env = [...(main.env ?? []), { name: "POD_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } }];
  }
  if (benchmarkEnabled(ws, input.settings)) {
    const benchmark = "python3 /workspace/vllm/benchmark_entrypoint.py";
    main.startupProbe = {
      exec: { command: distributed ? shell(`if [ "$POD_INDEX" = "0" ]; then ${benchmark}; else true; fi`) : ["python3", "/workspace/vllm/benchmark_entrypoint.py"] },
      failureThreshold: failuresFor(input.preset.readinessTimeoutSeconds),
      periodSeconds: PROBE_PERIOD,
      timeoutSeconds: 600,
    };
  }
  const nvme = !local && input.gpu.nvme;
  if (!local && !nvme) volumes.push({ emptyDir: {}, name: "model-weights-volume" });

  const pullSecrets = adapterPullSecrets(inference.adapters ?? []);
  const affinity = nodeAffinity(ws, input.settings);
  const podSpec: { [key: string]: unknown } = {
    ...(affinity ? { affinity } : {}),
    containers: [main],
    ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets } : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    tolerations: [
      ...gpuTolerations(input.settings),
      ...(ws.resource?.partition?.mode === "mig" && ws.resource.partition.profile
        ? [{ effect: "NoSchedule", key: migResourceName(ws.resource.partition.profile), operator: "Exists" }]
        : []),
    ],
    volumes,
  };
  const selector = { [LABEL_WORKSPACE]: name };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { annotations: { "workspace.kaito.io/revision": input.revision }, name, namespace: namespaceOf(ws), ...ownerReferences(ws) },
    spec: {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
      podManagementPolicy: "Parallel",
      replicas: input.nodes,
      selector: { matchLabels: { ...selector } },
      serviceName: `${name}-headless`,
      template: { metadata: { labels: { ...selector } }, spec: podSpec },
      updateStrategy: {},
      ...(nvme
        ? {
            volumeClaimTemplates: [
              {
                metadata: { labels: { ...selector }, name: "model-weights-volume" },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: input.preset.diskStorage } }, storageClassName: NVME_STORAGE_CLASS },
                status: {},
              },
            ],
          }
        : {}),
    },
  };
}
