// A tuning Workspace under KAITO v0.3.2: the training ConfigMap copied into the Workspace's
// namespace when it is not there yet, and a Job running the preset image's trainer with the data
// fetched by an init container and the adapter pushed as an image by a docker-in-docker sidecar.
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import type { KaitoContext } from "../types.js";
import { findConfigMap } from "./cluster.js";
import { commandLine, flags, shellCommand } from "./command.js";
import { INSTALL_V03 } from "./defaults.js";
import { gpusPerNode } from "./inference.js";
import { LABEL_WORKSPACE, nameOf, namespaceOf, ownedBy, workspaceSelector } from "./meta.js";
import type { PresetV03 } from "./presets.js";
import { PHI3_TARGET_MODULES } from "./presets.js";
import { DATA_DOWNLOADER_SCRIPT, adapterPusherScript } from "./scripts.js";
import { WEBHOOK_SKUS_V03 } from "./skus.js";
import { TEMPLATE_NAMES_V03, outputDirV03 } from "./tuning-config.js";

const DATA_DIR = "/mnt/data";
const CONFIG_DIR = "/mnt/config";
const TUNING_SCRIPT = "fine_tuning.py";
export const DATA_DOWNLOADER = { name: "data-downloader", image: "curlimages/curl" } as const;
export const ADAPTER_PUSHER = { name: "docker-sidecar", image: "docker:dind" } as const;

const TOLERATIONS = [
  { effect: "NoSchedule", operator: "Equal", key: "gpu" },
  { effect: "NoSchedule", value: "gpu", key: "sku" },
];

export type TuningConfigMap =
  | { readonly configMap: KubeObject; readonly copy?: KubeObject }
  | { readonly problem: string };

/**
 * The ConfigMap the Job mounts: the one of that name in the Workspace's namespace, else a copy of
 * the one in KAITO's release namespace (which KAITO creates, Helm metadata and all).
 */
export function tuningConfigMapForJob(ws: Workspace, ctx: KaitoContext): TuningConfigMap {
  const method = ws.tuning?.method;
  // The controller, unlike the webhook, compares the method case-sensitively.
  const name = ws.tuning?.config || (method === "lora" || method === "qlora" ? TEMPLATE_NAMES_V03[method] : "");
  const local = findConfigMap(ctx, name, namespaceOf(ws));
  if (local) return { configMap: local };
  const template = findConfigMap(ctx, name, INSTALL_V03.releaseNamespace);
  if (!template) return { problem: `failed to get ConfigMap ${JSON.stringify(name)} from KAITO's namespace ${INSTALL_V03.releaseNamespace}` };
  const { labels, annotations } = template.metadata;
  const copy: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: namespaceOf(ws), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(template.data !== undefined ? { data: template.data } : {}),
    ...(template.binaryData !== undefined ? { binaryData: template.binaryData } : {}),
  };
  return { configMap: copy, copy };
}

interface Parts {
  initContainers: Record<string, unknown>[];
  sidecars: Record<string, unknown>[];
  volumes: Record<string, unknown>[];
  mounts: Record<string, unknown>[];
  pullSecrets: string[];
}

function dataSource(ws: Workspace, parts: Parts): void {
  const input = ws.tuning?.input ?? {};
  const dataMount = { name: "data-volume", mountPath: DATA_DIR };
  if (input.image) {
    parts.pullSecrets.push(...(input.imagePullSecrets ?? []));
    parts.initContainers.push({
      name: "data-extractor",
      image: input.image,
      command: ["sh", "-c", `ls -la /data && cp -r /data/* ${DATA_DIR} && ls -la ${DATA_DIR}`],
      volumeMounts: [dataMount],
      resources: {},
    });
  } else if ((input.urls ?? []).length > 0) {
    parts.initContainers.push({
      name: DATA_DOWNLOADER.name,
      image: DATA_DOWNLOADER.image,
      command: ["sh", "-c", DATA_DOWNLOADER_SCRIPT],
      volumeMounts: [dataMount],
      env: [
        { name: "DATA_URLS", value: (input.urls ?? []).join(" ") },
        { name: "DATA_VOLUME_PATH", value: DATA_DIR },
      ],
      resources: {},
    });
  } else return;
  parts.volumes.push({ name: "data-volume", emptyDir: {} });
  parts.mounts.push(dataMount);
}

function dataDestination(ws: Workspace, outputDir: string, parts: Parts): void {
  const output = ws.tuning?.output ?? {};
  if (!output.image) return;
  const secret = output.imagePushSecret ?? "";
  parts.pullSecrets.push(secret);
  parts.sidecars.push({
    name: ADAPTER_PUSHER.name,
    image: ADAPTER_PUSHER.image,
    securityContext: { privileged: true },
    command: ["/bin/sh", "-c"],
    args: [adapterPusherScript(outputDir, output.image)],
    resources: {},
  });
  parts.volumes.push({
    name: "docker-config",
    projected: { sources: [{ secret: { name: secret, items: [{ key: ".dockerconfigjson", path: "config.json" }] } }] },
  });
  parts.mounts.push({ name: "docker-config", mountPath: "/tmp/.docker/config" });
}

function tuningImage(ws: Workspace, preset: PresetV03): { image: string; pullSecrets: string[] } {
  const spec = ws.tuning?.preset;
  if (spec?.accessMode === "private") return { image: spec.presetOptions?.image ?? "", pullSecrets: spec.presetOptions?.imagePullSecrets ?? [] };
  return { image: `${INSTALL_V03.presetRegistry}/kaito-${spec?.name ?? preset.name}:${preset.tag ?? ""}`, pullSecrets: [] };
}

export function tuningJobV03(ws: Workspace, preset: PresetV03, tuning: NonNullable<PresetV03["tuning"]>, configMap: KubeObject, ctx: KaitoContext): KubeObject {
  const outputDir = outputDirV03(configMap);
  const parts: Parts = {
    initContainers: [],
    sidecars: [],
    volumes: [{ name: "config-volume", configMap: { name: configMap.metadata.name ?? "" } }, { name: "results-volume", emptyDir: {} }],
    mounts: [{ name: "config-volume", mountPath: CONFIG_DIR }, { name: "results-volume", mountPath: outputDir }],
    pullSecrets: [],
  };
  dataSource(ws, parts);
  dataDestination(ws, outputDir, parts);
  const image = tuningImage(ws, preset);
  parts.pullSecrets.push(...image.pullSecrets);

  const instanceType = ws.resource?.instanceType ?? "";
  // KAITO starts one training process per GPU of the webhook's table (1 for instance types it does not know).
  const processes = String(WEBHOOK_SKUS_V03.get(instanceType)?.gpuCount ?? 1);
  const launcher = { ...tuning.launcherParams, num_processes: processes };
  const gpus = gpusPerNode(ws, tuning.gpuCount, ctx);
  const env = [
    ...((ws.tuning?.preset?.name ?? "").toLowerCase().startsWith("phi-3") ? [{ name: "DEFAULT_TARGET_MODULES", value: PHI3_TARGET_MODULES }] : []),
    // Expandable segments lower the peak GPU memory of training.
    { name: "PYTORCH_CUDA_ALLOC_CONF", value: "expandable_segments:True" },
  ];
  const trainer = {
    name: nameOf(ws),
    image: image.image,
    command: shellCommand(commandLine(tuning.baseCommand, flags(launcher), TUNING_SCRIPT)),
    resources: { requests: { "nvidia.com/gpu": gpus }, limits: { "nvidia.com/gpu": gpus } },
    ports: [{ containerPort: 5000 }],
    volumeMounts: parts.mounts,
    env,
  };
  const sidecars = parts.sidecars.map((c) => ({ ...c, volumeMounts: parts.mounts }));
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: nameOf(ws), namespace: namespaceOf(ws), labels: { [LABEL_WORKSPACE]: nameOf(ws) }, ...ownedBy(ws) },
    spec: {
      // A failed training run does not heal by retrying.
      backoffLimit: 0,
      template: {
        metadata: { labels: workspaceSelector(ws) },
        spec: {
          ...(parts.initContainers.length > 0 ? { initContainers: parts.initContainers } : {}),
          containers: [trainer, ...sidecars],
          restartPolicy: "Never",
          volumes: parts.volumes,
          tolerations: TOLERATIONS,
          ...(parts.pullSecrets.length > 0 ? { imagePullSecrets: parts.pullSecrets.map((name) => ({ name })) } : {}),
        },
      },
    },
  };
}
