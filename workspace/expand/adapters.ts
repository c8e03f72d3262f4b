// LoRA adapters: each image adapter is copied by an init container from the image's /data into
// /mnt/adapter/<name>; a volume adapter is mounted there directly. The strength of each goes to
// the model container as an environment variable named after the adapter.
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { AdapterSpec } from "../api/types.js";
import { sortKeysDeep } from "../canonical.js";
import { DEFAULT_ADAPTER_STRENGTH } from "../defaults.js";
import { ADAPTERS_DIR } from "./command.js";

/** Shared by the image adapters' copies; no volume adapter ("adapter-<name>") can take this name. */
const ADAPTER_VOLUME = "adapters";

export interface AdapterParts {
  initContainers: IContainer[];
  env: IEnvVar[];
  volumes: IVolume[];
  mounts: IVolumeMount[];
  pullSecrets: string[];
}

export function adapterParts(adapters: readonly AdapterSpec[]): AdapterParts {
  const parts: AdapterParts = { initContainers: [], env: [], volumes: [], mounts: [], pullSecrets: [] };
  if (adapters.length === 0) return parts;
  let copied = false;
  for (const adapter of adapters) {
    const source = adapter.source;
    const name = source?.name;
    if (!source || !name) continue;
    parts.env.push({ name, value: adapter.strength ?? DEFAULT_ADAPTER_STRENGTH });
    if (source.image) {
      copied = true;
      parts.initContainers.push({
        name: `adapter-${name}`,
        image: source.image,
        imagePullPolicy: "IfNotPresent",
        command: ["/bin/sh", "-c", `mkdir -p ${ADAPTERS_DIR}/${name} && cp -r /data/. ${ADAPTERS_DIR}/${name}/`],
        volumeMounts: [{ name: ADAPTER_VOLUME, mountPath: ADAPTERS_DIR }],
      });
      parts.pullSecrets.push(...(source.imagePullSecrets ?? []));
    } else if (source.volumeSource) {
      parts.volumes.push({ name: `adapter-${name}`, ...sortKeysDeep(source.volumeSource) } as IVolume);
      parts.mounts.push({ name: `adapter-${name}`, mountPath: `${ADAPTERS_DIR}/${name}`, readOnly: true });
    }
  }
  if (copied) {
    parts.volumes.unshift({ name: ADAPTER_VOLUME, emptyDir: {} });
    parts.mounts.unshift({ name: ADAPTER_VOLUME, mountPath: ADAPTERS_DIR });
  }
  return parts;
}
