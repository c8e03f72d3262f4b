// The inference workload: a Deployment with one model server per node, or, when the model is
// split across nodes, a StatefulSet whose pods find each other through the headless Service.
// A custom inference.template becomes the Deployment's pod, placed on the Workspace's nodes.
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IContainerPort } from "kubernetes-models/v1/ContainerPort";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { ANNOTATION_ROLLOUT_STEPS } from "../api/well-known.js";
import type { Workspace } from "../api/types.js";
import type { ExpandOptions } from "../options.js";
import { parseRolloutSteps } from "../rollout-steps.js";
import type { ImageSettings, ModelPreset } from "../catalog/types.js";
import { sortKeysDeep } from "../canonical.js";
import type { Plan } from "../plan.js";
import { adapterParts } from "./adapters.js";
import { CONFIG_DIR, INFERENCE_PORT, RAY_PORT, TORCH_PORT, WEIGHTS_DIR, inferenceCommand } from "./command.js";
import { modelImage } from "./image.js";
import type { KubeObject } from "./meta.js";
import { childLabels, namespacedMeta, selectorLabels } from "./meta.js";
import { headlessServiceName, inferenceConfigMapName, leaderAddress } from "./names.js";
import { DSHM_MOUNT, DSHM_VOLUME, gpuResources, gpuTolerations, nodeAffinity, pullSecrets } from "./pod.js";

const PROBE_PERIOD_SECONDS = 10;

export function inferenceWorkload(ws: Workspace, plan: Plan, images: ImageSettings, options: ExpandOptions): KubeObject {
  const template = plan.preset ? presetPod(ws, plan, plan.preset, images) : customPod(ws, plan);
  // Rollouts manage ReplicaSets only: a model split across nodes stays a StatefulSet.
  if (plan.distributed) return statefulSet(ws, plan, template);
  if (options.workloadKind === "Rollout") return rollout(ws, plan, template, options);
  return deployment(ws, plan, template);
}

/**
 * Seconds a rollout may take before it counts as failed: the model's whole loading budget plus
 * ten minutes, not Kubernetes' default 600 s, after which Argo CD would call a loading model Degraded.
 */
const progressDeadlineSeconds = (plan: Plan): number => (plan.preset?.readinessTimeoutMinutes ?? 30) * 60 + 600;

function deployment(ws: Workspace, plan: Plan, template: IPodTemplateSpec): IDeployment & KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: namespacedMeta(ws, plan, plan.name),
    spec: {
      replicas: plan.nodeCount,
      selector: { matchLabels: selectorLabels(plan) },
      // Each pod takes a whole GPU node: there is no spare node to surge onto.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      progressDeadlineSeconds: progressDeadlineSeconds(plan),
      template,
    },
  };
}

function rollout(ws: Workspace, plan: Plan, template: IPodTemplateSpec, options: ExpandOptions): IRollout & KubeObject {
  const annotated = ws.metadata.annotations?.[ANNOTATION_ROLLOUT_STEPS];
  const parsed = annotated === undefined ? undefined : parseRolloutSteps(annotated);
  const steps = parsed && "steps" in parsed ? parsed.steps : options.rolloutSteps;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Rollout",
    metadata: namespacedMeta(ws, plan, plan.name),
    spec: {
      replicas: plan.nodeCount,
      selector: { matchLabels: selectorLabels(plan) },
      progressDeadlineSeconds: progressDeadlineSeconds(plan),
      template,
      // Replica-weighted canary (no traffic routing); surge is impossible on whole GPU nodes.
      strategy: { canary: { maxSurge: 0, maxUnavailable: 1, steps: steps.map((s) => ({ ...s })) } },
    },
  } as IRollout & KubeObject;
}

function statefulSet(ws: Workspace, plan: Plan, template: IPodTemplateSpec): IStatefulSet & KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: namespacedMeta(ws, plan, plan.name),
    spec: {
      replicas: plan.nodeCount,
      // All parts of the model must start together; ordered start would deadlock the leader.
      podManagementPolicy: "Parallel",
      serviceName: headlessServiceName(plan),
      selector: { matchLabels: selectorLabels(plan) },
      template,
    },
  };
}

export function presetPod(ws: Workspace, plan: Plan, preset: ModelPreset, images: ImageSettings): IPodTemplateSpec {
  const spec = ws.inference?.preset;
  const adapters = adapterParts(ws.inference?.adapters ?? []);
  const configMap = ws.inference?.config ?? inferenceConfigMapName(plan);
  const downloads = preset.weights === "download";

  const env: IEnvVar[] = [];
  if (plan.distributed) {
    env.push({ name: "POD_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } });
  }
  const secret = spec?.presetOptions?.modelAccessSecret;
  if (secret) env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: secret, key: "HF_TOKEN" } } });
  env.push(...adapters.env);

  const volumes: IVolume[] = [DSHM_VOLUME, { name: "config-volume", configMap: { name: configMap } }];
  const mounts: IVolumeMount[] = [DSHM_MOUNT, { name: "config-volume", mountPath: CONFIG_DIR }];
  if (downloads) {
    volumes.push({ name: "model-weights-volume", emptyDir: {} });
    mounts.push({ name: "model-weights-volume", mountPath: WEIGHTS_DIR });
  }
  volumes.push(...adapters.volumes);
  mounts.push(...adapters.mounts);

  const ports: IContainerPort[] = [{ name: "http", containerPort: INFERENCE_PORT, protocol: "TCP" }];
  if (plan.distributed) {
    ports.push(
      plan.runtime === "vllm"
        ? { name: "ray", containerPort: RAY_PORT, protocol: "TCP" }
        : { name: "torch", containerPort: TORCH_PORT, protocol: "TCP" },
    );
  }

  const container: IContainer = {
    name: plan.name,
    image: modelImage(preset, spec, images),
    command: inferenceCommand(plan, preset, adapters.initContainers.length + adapters.volumes.length > 0),
    ...(env.length > 0 ? { env } : {}),
    ports,
    resources: gpuResources(plan),
    ...probes(plan, preset),
    volumeMounts: mounts,
  };
  const affinity = nodeAffinity(plan);
  const secrets = pullSecrets(spec?.presetOptions?.imagePullSecrets, adapters.pullSecrets);
  const podSpec: IPodSpec = {
    ...(affinity ? { affinity } : {}),
    tolerations: gpuTolerations(),
    ...(secrets ? { imagePullSecrets: secrets } : {}),
    ...(adapters.initContainers.length > 0 ? { initContainers: adapters.initContainers } : {}),
    containers: [container],
    volumes,
  };
  return { metadata: { labels: childLabels(ws, plan) }, spec: podSpec };
}

function probes(plan: Plan, preset: ModelPreset): Pick<IContainer, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  // Loading weights can take many minutes: the startup probe gives the preset's whole budget,
  // after which liveness and readiness use short periods.
  const startupFailures = Math.ceil((preset.readinessTimeoutMinutes * 60) / PROBE_PERIOD_SECONDS);
  if (plan.distributed && plan.runtime === "vllm") {
    const check = (kind: string): IProbe => ({
      exec: {
        command: [
          "python3",
          "/workspace/vllm/multi-node-health-check.py",
          kind,
          `--leader-address=${leaderAddress(plan)}`,
          `--ray-port=${RAY_PORT}`,
          ...(kind === "readiness" ? [`--vllm-port=${INFERENCE_PORT}`] : []),
        ],
      },
      periodSeconds: PROBE_PERIOD_SECONDS,
      timeoutSeconds: 5,
    });
    return {
      startupProbe: { ...check("liveness"), failureThreshold: startupFailures },
      livenessProbe: { ...check("liveness"), failureThreshold: 3 },
      readinessProbe: { ...check("readiness"), failureThreshold: 3 },
    };
  }
  if (plan.distributed) {
    // torchrun workers serve no HTTP; only the job as a whole can tell, so no per-pod probes.
    return {};
  }
  const http = { httpGet: { path: "/health", port: INFERENCE_PORT }, periodSeconds: PROBE_PERIOD_SECONDS };
  return {
    startupProbe: { ...http, failureThreshold: startupFailures },
    livenessProbe: { ...http, failureThreshold: 3 },
    readinessProbe: { ...http, failureThreshold: 1 },
  };
}

/** The user's pod, placed on the Workspace's GPU nodes: node affinity set, GPU tolerations added. */
function customPod(ws: Workspace, plan: Plan): IPodTemplateSpec {
  const template = sortKeysDeep(structuredClone(ws.inference?.template ?? {})) as IPodTemplateSpec;
  const spec: IPodSpec = template.spec ?? { containers: [] };
  const affinity = nodeAffinity(plan);
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of gpuTolerations()) {
    if (!tolerations.some((existing) => existing.key === t.key && existing.effect === t.effect)) tolerations.push(t);
  }
  return {
    ...template,
    metadata: {
      ...template.metadata,
      labels: sortKeysDeep({ ...template.metadata?.labels, ...childLabels(ws, plan) }),
    },
    spec: { ...spec, ...(affinity ? { affinity: { ...spec.affinity, ...affinity } } : {}), tolerations },
  };
}
