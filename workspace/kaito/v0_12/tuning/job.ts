// The tuning Job KAITO v0.12's controller creates (pkg/workspace/tuning, manifests.GenerateTuningJobManifest):
// the trainer on kaito-base with the preset's weights pulled by oras, the training data fetched
// (URLs, an image) or mounted (a volume), the training config mounted, and the adapter written to a
// volume or pushed as an image by a pusher sidecar. Every field and list order is KAITO's.
import type { JsonObject } from "../../../api/types.js";
import { sortKeysDeep } from "../../../canonical.js";
import type { KubeObject } from "../../../expand/meta.js";
import type { CloudProvider } from "../../types.js";
import {
  BASE_IMAGE,
  CURL_IMAGE,
  METRICS_PORT,
  ORAS_PULL_IMAGE,
  ORAS_PUSH_IMAGE,
  PATHS,
  PAUSE_IMAGE,
  PHI3_TARGET_MODULES,
  TUNING_COMMAND_BASE,
  TUNING_MAIN_FILE,
} from "./params.js";
import { PULLER_IMAGE, pullerScript } from "../children/puller.js";
import { DATA_DOWNLOADER_SCRIPT, adapterAnnotations, adapterPusherScript, sentinelPath } from "./scripts.js";
import { normalisedImage } from "./image-ref.js";

export const LABEL_WORKSPACE = "kaito.sh/workspace";

/** Where the training data comes from: exactly one (the webhook has checked). */
export type TuningInput =
  | { readonly kind: "urls"; readonly urls: readonly string[] }
  | { readonly kind: "image"; readonly image: string; readonly name: string; readonly pullSecrets: readonly string[] }
  | { readonly kind: "volume"; readonly volumeSource: JsonObject };

/** Where the adapter goes. */
export type TuningOutput = { readonly kind: "image"; readonly image: string; readonly pushSecret: string } | { readonly kind: "volume"; readonly volumeSource: JsonObject };

export interface TuningJobSpec {
  readonly name: string;
  readonly namespace: string;
  /** The Workspace's UID, when known: the Job is owned by (and deleted with) the Workspace. */
  readonly uid?: string;
  /** tuning.preset.name as written (the adapter image's annotation and the Phi-3 rule read it so). */
  readonly presetName: string;
  /** The oras reference of the preset's weights. */
  readonly weightsImage: string;
  /** GPUs of the instance type: all of them go to the trainer. */
  readonly gpuCount: number;
  /** The ConfigMap mounted at /mnt/config (the user's, or the copy of the chart's template). */
  readonly configMapName: string;
  /** The trainer's output directory: the results volume's mount path. */
  readonly resultsDir: string;
  readonly input: TuningInput;
  readonly output: TuningOutput;
  /** resource.labelSelector.matchLabels less KAITO's reserved keys, in the order to write them. */
  readonly affinityLabels: readonly (readonly [string, string])[];
  readonly cloudProvider: CloudProvider;
  /** KAITO's revision of the Workspace ("1" when new): the controller re-creates the Job when it changes. */
  readonly revision: string;
}

type Obj = Record<string, unknown>;

const mount = (name: string, mountPath: string): Obj => ({ mountPath, name });

function tolerations(cloud: CloudProvider): Obj[] {
  const out: Obj[] = [
    { effect: "NoSchedule", key: "gpu", operator: "Equal" },
    { effect: "NoSchedule", key: "sku", value: "gpu" },
  ];
  // KAITO lets tuning run on Azure spot nodes.
  if (cloud === "azure") out.push({ effect: "NoSchedule", key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot" });
  return out;
}

function affinity(labels: TuningJobSpec["affinityLabels"]): Obj | undefined {
  // An empty matchExpressions list is refused by the API server, so no affinity at all then.
  if (labels.length === 0) return undefined;
  const matchExpressions = labels.map(([key, value]) => ({ key, operator: "In", values: [value] }));
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } };
}

interface DataParts {
  readonly init?: Obj;
  readonly volumes: Obj[];
  /** Mounted into the trainer as well as the init container. */
  readonly mounts: Obj[];
}

function dataParts(input: TuningInput): DataParts {
  const dataMount = mount("data-volume", PATHS.data);
  switch (input.kind) {
    case "urls":
      return {
        init: {
          command: ["sh", "-c", DATA_DOWNLOADER_SCRIPT],
          env: [
            { name: "DATA_URLS", value: input.urls.join(" ") },
            { name: "DATA_VOLUME_PATH", value: PATHS.data },
          ],
          image: CURL_IMAGE,
          name: "data-downloader",
          resources: {},
          volumeMounts: [dataMount],
        },
        volumes: [{ emptyDir: {}, name: "data-volume" }],
        mounts: [dataMount],
      };
    case "image": {
      // One credentials file per pull secret, under a folder named after the input.
      const suffix = `${input.name}-tuning-input`;
      const secretsName = `docker-config-${suffix}`;
      const secretsMount = mount(secretsName, `${PATHS.pullSecrets}/${suffix}`);
      const sources = input.pullSecrets.map((secret) => ({ secret: { items: [{ key: ".dockerconfigjson", path: `${secret}.json` }], name: secret } }));
      return {
        init: {
          // The same puller as for inference adapters (KAITO uses one script for both).
          args: [pullerScript(normalisedImage(input.image), PATHS.data)],
          command: ["/bin/sh", "-c"],
          image: PULLER_IMAGE,
          name: "puller",
          resources: {},
          volumeMounts: [secretsMount, dataMount],
        },
        volumes: [{ name: secretsName, projected: { sources } }, { emptyDir: {}, name: "data-volume" }],
        mounts: [secretsMount, dataMount],
      };
    }
    case "volume":
      return { volumes: [{ ...input.volumeSource, name: "data-volume" }], mounts: [dataMount] };
  }
}

/** The Job. */
export function tuningJob(spec: TuningJobSpec): KubeObject {
  const labels = { [LABEL_WORKSPACE]: spec.name };
  const resultsMount = mount("results-volume", spec.resultsDir);
  const data = dataParts(spec.input);
  const gpus = String(spec.gpuCount);

  const env: Obj[] = [];
  if (spec.presetName.toLowerCase().startsWith("phi-3")) env.push({ name: "DEFAULT_TARGET_MODULES", value: PHI3_TARGET_MODULES });
  env.push({ name: "PYTORCH_CUDA_ALLOC_CONF", value: "expandable_segments:True" });

  const trainer: Obj = {
    command: ["/bin/sh", "-c", `${TUNING_COMMAND_BASE} --num_processes=${gpus} ${TUNING_MAIN_FILE}`],
    env,
    image: BASE_IMAGE,
    name: spec.name,
    ports: [{ containerPort: METRICS_PORT }],
    resources: { limits: { "nvidia.com/gpu": gpus }, requests: { "nvidia.com/gpu": gpus } },
    volumeMounts: [mount("dshm", PATHS.shm), mount("model-weights-volume", PATHS.weights), mount("config-volume", PATHS.config), resultsMount, ...data.mounts],
  };
  const initContainers: Obj[] = [
    {
      command: ["oras", "pull", spec.weightsImage, "-o", PATHS.weights],
      image: ORAS_PULL_IMAGE,
      name: "model-weights-downloader",
      resources: {},
      volumeMounts: [mount("model-weights-volume", PATHS.weights)],
    },
    ...(data.init ? [data.init] : []),
  ];
  const volumes: Obj[] = [
    { emptyDir: { medium: "Memory" }, name: "dshm" },
    { emptyDir: {}, name: "model-weights-volume" },
    { configMap: { name: spec.configMapName }, name: "config-volume" },
    spec.output.kind === "volume" ? { ...spec.output.volumeSource, name: "results-volume" } : { emptyDir: {}, name: "results-volume" },
    ...data.volumes,
  ];
  const containers: Obj[] = [trainer];
  const pod: Obj = {};
  if (spec.output.kind === "image") {
    const pusher: Obj = {
      args: [
        adapterPusherScript({
          results: spec.resultsDir,
          image: normalisedImage(spec.output.image),
          annotations: adapterAnnotations(spec.presetName),
          doneFile: sentinelPath(spec.resultsDir),
        }),
      ],
      command: ["/bin/sh", "-c"],
      image: ORAS_PUSH_IMAGE,
      name: "pusher",
      resources: {},
      volumeMounts: [mount("docker-config", PATHS.pushSecret), resultsMount],
    };
    containers.push(pusher, { image: PAUSE_IMAGE, imagePullPolicy: "Always", name: "pause", resources: {} });
    volumes.push({ name: "docker-config", projected: { sources: [{ secret: { items: [{ key: ".dockerconfigjson", path: "config.json" }], name: spec.output.pushSecret } }] } });
    pod.imagePullSecrets = [{ name: spec.output.pushSecret }];
  }
  const podAffinity = affinity(spec.affinityLabels);
  Object.assign(pod, {
    ...(podAffinity ? { affinity: podAffinity } : {}),
    containers,
    initContainers,
    restartPolicy: "Never",
    // The pusher signals the pause container when it is done.
    ...(containers.length > 1 ? { shareProcessNamespace: true } : {}),
    tolerations: tolerations(spec.cloudProvider),
    volumes,
  });
  // Metadata in the order every child of ours prints it; the spec's keys sorted as KAITO prints them.
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels,
      annotations: { "workspace.kaito.io/revision": spec.revision },
      ...(spec.uid ? { ownerReferences: [{ apiVersion: "kaito.sh/v1beta1", kind: "Workspace", name: spec.name, uid: spec.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: sortKeysDeep({ template: { metadata: { labels }, spec: pod } }),
  };
}
