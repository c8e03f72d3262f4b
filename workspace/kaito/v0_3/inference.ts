// The workload KAITO v0.3.2 runs a preset in: a Deployment, or for presets that run under torch
// elastic over several nodes (llama-2 13b/70b) a StatefulSet behind the headless Service. The image
// holds the weights: KAITO's registry image for public presets, presetOptions.image for private ones.
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import type { KaitoContext } from "../types.js";
import { commandLine, flags, shellCommand } from "./command.js";
import { INSTALL_V03 } from "./defaults.js";
import { nameOf, namespaceOf, nodeAffinity, ownedBy, workspaceSelector } from "./meta.js";
import { nodeGpuCount, qualifiedNodesV03 } from "./nodes.js";
import type { PresetV03 } from "./presets.js";
import { TORCH_PORT, headlessName } from "./service.js";
import { controllerSkusV03 } from "./skus.js";

const PORT = 5000;
const INFERENCE_SCRIPT = "inference_api.py";
const ADAPTER_DIR = "/mnt/adapter";

const probe = (initialDelaySeconds: number) => ({ httpGet: { path: "/healthz", port: PORT }, initialDelaySeconds, periodSeconds: 10 });

export const INFERENCE_TOLERATIONS_V03 = [
  { effect: "NoSchedule", operator: "Exists", key: "nvidia.com/gpu" },
  { effect: "NoSchedule", value: "gpu", key: "sku", operator: "Equal" },
];

/**
 * GPUs per pod: the controller's SKU table, else the GPU capacity of the existing nodes the
 * Workspace gets, else the preset's own requirement.
 */
export function gpusPerNode(ws: Workspace, fallback: number, ctx: KaitoContext): string {
  const known = controllerSkusV03(ctx.settings.cloudProvider).get(ws.resource?.instanceType ?? "");
  if (known) return String(known.gpuCount);
  return nodeGpuCount(qualifiedNodesV03(ws, ctx)) ?? String(fallback);
}

/** Where workers find torchrun's master: the Workspace's Service (KAITO writes its cluster IP). */
export const masterAddress = (ws: Workspace): string => `${nameOf(ws)}.${namespaceOf(ws)}.svc.cluster.local`;

function launcherParams(ws: Workspace, preset: PresetV03): { launcher: Record<string, string>; rendezvous: Record<string, string> } {
  const launcher = { ...preset.inference.launcherParams };
  if (!preset.inference.rendezvous) return { launcher, rendezvous: {} };
  if (!preset.distributed) {
    return { launcher, rendezvous: { max_restarts: "3", rdzv_id: "rdzv_id", rdzv_backend: "c10d", rdzv_endpoint: `localhost:${TORCH_PORT}` } };
  }
  const nodes = ws.resource?.count ?? 1;
  launcher.nnodes = String(nodes);
  launcher.nproc_per_node = String(Math.floor((preset.worldSize ?? 1) / nodes));
  if (nodes > 1) {
    launcher.node_rank = "$(echo $HOSTNAME | grep -o '[^-]*$')";
    launcher.master_addr = masterAddress(ws);
    launcher.master_port = String(TORCH_PORT);
  }
  const endpoint = `${nameOf(ws)}-0.${headlessName(ws)}.${namespaceOf(ws)}.svc.cluster.local:${TORCH_PORT}`;
  return { launcher, rendezvous: { max_restarts: "3", rdzv_id: "job", rdzv_backend: "c10d", rdzv_endpoint: endpoint } };
}

export function inferenceCommandV03(ws: Workspace, preset: PresetV03): string[] {
  const { launcher, rendezvous } = launcherParams(ws, preset);
  return shellCommand(commandLine(preset.inference.baseCommand, flags(launcher), flags(rendezvous), INFERENCE_SCRIPT, flags(preset.inference.modelParams)));
}

function imageOf(ws: Workspace, preset: PresetV03): { image: string; pullSecrets: string[] } {
  const spec = ws.inference?.preset;
  if (spec?.accessMode === "private") return { image: spec.presetOptions?.image ?? "", pullSecrets: spec.presetOptions?.imagePullSecrets ?? [] };
  const adapterSecrets = (ws.inference?.adapters ?? []).flatMap((a) => a.source?.imagePullSecrets ?? []);
  return { image: `${INSTALL_V03.presetRegistry}/kaito-${spec?.name ?? preset.name}:${preset.tag ?? ""}`, pullSecrets: adapterSecrets };
}

interface Volumes {
  readonly volumes: Record<string, unknown>[];
  readonly mounts: Record<string, unknown>[];
}

function volumesOf(ws: Workspace): Volumes {
  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  // Several nodes: NCCL wants a larger /dev/shm than the container default.
  if ((ws.resource?.count ?? 1) > 1) {
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory" } });
    mounts.push({ name: "dshm", mountPath: "/dev/shm" });
  }
  if ((ws.inference?.adapters ?? []).length > 0) {
    volumes.push({ name: "adapter-volume", emptyDir: {} });
    mounts.push({ name: "adapter-volume", mountPath: ADAPTER_DIR });
  }
  return { volumes, mounts };
}

/** Why KAITO's controller cannot build the workload (it crashes), if it cannot. */
export function inferenceWorkloadProblem(ws: Workspace, preset: PresetV03): string | undefined {
  if (preset.distributed) return undefined;
  const unset = (ws.inference?.adapters ?? []).find((a) => a.strength === undefined);
  if (!unset) return undefined;
  return `adapter ${unset.source?.name ?? ""} has no strength: KAITO v0.3.2's controller crashes building the Deployment (it sets the default strength only when a Workspace is updated)`;
}

export function inferenceWorkloadV03(ws: Workspace, preset: PresetV03, ctx: KaitoContext): KubeObject {
  const { image, pullSecrets } = imageOf(ws, preset);
  const { volumes, mounts } = volumesOf(ws);
  const gpus = gpusPerNode(ws, preset.gpuCount, ctx);
  const adapters = preset.distributed ? [] : (ws.inference?.adapters ?? []);
  const container = {
    name: nameOf(ws),
    image,
    command: inferenceCommandV03(ws, preset),
    resources: { requests: { "nvidia.com/gpu": gpus }, limits: { "nvidia.com/gpu": gpus } },
    livenessProbe: probe(600),
    readinessProbe: probe(30),
    ports: [{ containerPort: PORT }],
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    ...(adapters.length > 0 ? { env: adapters.map((a) => ({ name: a.source?.name ?? "", value: a.strength ?? "" })) } : {}),
  };
  const initContainers = adapters.map((a) => {
    const name = a.source?.name ?? "";
    return {
      name,
      image: a.source?.image ?? "",
      command: shellCommand(`mkdir -p ${ADAPTER_DIR}/${name} && cp -r /data/* ${ADAPTER_DIR}/${name}`),
      volumeMounts: mounts,
      imagePullPolicy: "Always",
      resources: {},
    };
  });
  const podSpec = {
    ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
    affinity: nodeAffinity(ws),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [container],
    tolerations: INFERENCE_TOLERATIONS_V03,
    ...(volumes.length > 0 ? { volumes } : {}),
  };
  const template = { metadata: { labels: workspaceSelector(ws) }, spec: podSpec };
  const replicas = ws.resource?.count ?? 1;
  const metadata = { name: nameOf(ws), namespace: namespaceOf(ws), ...ownedBy(ws) };
  if (preset.distributed) {
    return {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata,
      spec: {
        replicas,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: workspaceSelector(ws) },
        template,
        serviceName: headlessName(ws),
        updateStrategy: {},
      },
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      replicas,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      selector: { matchLabels: workspaceSelector(ws) },
      template,
    },
  };
}
