// The fine-tuning Job: an init container brings the training data to /mnt/data (from URLs, an
// image, or a volume mounted in place), the trainer writes the adapter to /mnt/results, and for an
// image output a pusher container waits for the trainer's completion marker and pushes the result.
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { JsonObject, Workspace } from "../api/types.js";
import type { ImageSettings, ModelPreset } from "../catalog/types.js";
import { sortKeysDeep } from "../canonical.js";
import type { Plan } from "../plan.js";
import { CONFIG_DIR, DATA_DIR, INFERENCE_PORT, RESULTS_DIR, tuningCommand } from "./command.js";
import { modelImage } from "./image.js";
import type { KubeObject } from "./meta.js";
import { childLabels, namespacedMeta } from "./meta.js";
import { tuningConfigMapName } from "./names.js";
import { DSHM_MOUNT, DSHM_VOLUME, gpuResources, gpuTolerations, nodeAffinity, pullSecrets } from "./pod.js";

const COMPLETION_MARKER = "fine_tuning_completed.txt";
const DATA_MOUNT: IVolumeMount = { name: "data-volume", mountPath: DATA_DIR };
const RESULTS_MOUNT: IVolumeMount = { name: "results-volume", mountPath: RESULTS_DIR };

const volumeFrom = (name: string, source: JsonObject | undefined): IVolume =>
  source ? ({ name, ...sortKeysDeep(source) } as IVolume) : { name, emptyDir: {} };

export function tuningJob(ws: Workspace, plan: Plan, preset: ModelPreset, images: ImageSettings): IJob & KubeObject {
  const tuning = ws.tuning ?? {};
  const input = tuning.input ?? {};
  const output = tuning.output ?? {};

  const initContainers: IContainer[] = [];
  if ((input.urls?.length ?? 0) > 0) {
    initContainers.push({
      name: "data-downloader",
      image: images.dataDownloader,
      command: [
        "/bin/sh",
        "-c",
        // Each URL to its own file, retried, failing the pod (and so the Job) if any download fails.
        'set -eu; for url in $DATA_URLS; do file=$(basename "${url%%\\?*}"); curl -sSfL --retry 3 --retry-delay 5 -o "$DATA_VOLUME_PATH/$file" "$url"; done',
      ],
      env: [
        { name: "DATA_URLS", value: (input.urls ?? []).join(" ") },
        { name: "DATA_VOLUME_PATH", value: DATA_DIR },
      ],
      volumeMounts: [DATA_MOUNT],
    });
  } else if (input.image) {
    initContainers.push({
      name: "data-extractor",
      image: input.image,
      imagePullPolicy: "IfNotPresent",
      command: ["/bin/sh", "-c", `cp -r /data/. ${DATA_DIR}/`],
      volumeMounts: [DATA_MOUNT],
    });
  }

  const trainer: IContainer = {
    name: plan.name,
    image: modelImage(preset, tuning.preset, images),
    command: tuningCommand(plan),
    env: [{ name: "PYTORCH_CUDA_ALLOC_CONF", value: "expandable_segments:True" }],
    ports: [{ name: "metrics", containerPort: INFERENCE_PORT, protocol: "TCP" }],
    resources: gpuResources(plan),
    volumeMounts: [DSHM_MOUNT, { name: "config-volume", mountPath: CONFIG_DIR }, DATA_MOUNT, RESULTS_MOUNT],
  };
  const containers: IContainer[] = [trainer];
  const volumes: IVolume[] = [
    DSHM_VOLUME,
    { name: "config-volume", configMap: { name: tuning.config ?? tuningConfigMapName(plan) } },
    volumeFrom("data-volume", input.volumeSource),
    volumeFrom("results-volume", output.volumeSource),
  ];
  if (output.image) {
    containers.push({
      name: "results-pusher",
      image: images.resultsPusher,
      command: [
        "/bin/sh",
        "-c",
        `until [ -f ${RESULTS_DIR}/${COMPLETION_MARKER} ]; do sleep 10; done; cd ${RESULTS_DIR} && oras push "$OUTPUT_IMAGE" --config /dev/null:application/vnd.oci.image.config.v1+json --annotation sh.kaito.model.name=${preset.name} adapter_config.json adapter_model.safetensors`,
      ],
      env: [
        { name: "OUTPUT_IMAGE", value: output.image },
        { name: "DOCKER_CONFIG", value: "/root/.docker" },
      ],
      volumeMounts: [RESULTS_MOUNT, { name: "push-secret", mountPath: "/root/.docker", readOnly: true }],
    });
    if (output.imagePushSecret) {
      volumes.push({
        name: "push-secret",
        secret: { secretName: output.imagePushSecret, items: [{ key: ".dockerconfigjson", path: "config.json" }] },
      });
    }
  }

  const affinity = nodeAffinity(plan);
  const secrets = pullSecrets(tuning.preset?.presetOptions?.imagePullSecrets, input.imagePullSecrets);
  const podSpec: IPodSpec = {
    restartPolicy: "Never",
    ...(affinity ? { affinity } : {}),
    tolerations: gpuTolerations(),
    ...(secrets ? { imagePullSecrets: secrets } : {}),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers,
    volumes,
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: namespacedMeta(ws, plan, plan.name),
    spec: {
      // A failed fine-tuning run on a GPU node is expensive to repeat blindly: retry once.
      backoffLimit: 1,
      template: { metadata: { labels: childLabels(ws, plan) }, spec: podSpec },
    },
  };
}
