// LoRA adapters on an inference pod, as KAITO v0.12.0 mounts them: image adapters are pulled by
// one init container each into a shared emptyDir at /mnt/adapter/<name>; volume adapters are
// mounted there directly. A strength becomes an environment variable named after the adapter.
import type { AdapterSpec, JsonObject } from "../../../api/types.js";
import type { Container, EnvVar, Volume, VolumeMount } from "./pod-types.js";
import { PULLER_IMAGE, pullerScript } from "./puller.js";

const ADAPTER_ROOT = "/mnt/adapter";

export interface AdapterParts {
  readonly initContainers: Container[];
  readonly volumes: Volume[];
  readonly mainMounts: VolumeMount[];
  readonly mainEnv: EnvVar[];
}

function pullSecretVolume(suffix: string, secrets: readonly string[]): { volume: Volume; mount: VolumeMount } {
  const name = `docker-config-${suffix}`;
  return {
    volume: {
      name,
      projected: { sources: secrets.map((s) => ({ secret: { items: [{ key: ".dockerconfigjson", path: `${s}.json` }], name: s } })) },
    },
    mount: { mountPath: `/root/.docker/config.d/${suffix}`, name },
  };
}

export function adapterParts(adapters: readonly AdapterSpec[]): AdapterParts {
  const parts: AdapterParts = { initContainers: [], volumes: [], mainMounts: [], mainEnv: [] };
  const fromImage = adapters.filter((a) => !a.source?.volumeSource);
  const fromVolume = adapters.filter((a) => a.source?.volumeSource);
  if (fromImage.length > 0) {
    const shared: VolumeMount = { mountPath: ADAPTER_ROOT, name: "adapter-volume" };
    parts.volumes.push({ emptyDir: {}, name: "adapter-volume" });
    parts.mainMounts.push(shared);
    for (const adapter of fromImage) {
      const name = adapter.source?.name ?? "";
      const mounts: VolumeMount[] = [{ ...shared }];
      const secrets = adapter.source?.imagePullSecrets ?? [];
      if (secrets.length > 0) {
        const { volume, mount } = pullSecretVolume(`${name}-inference-adapter`, secrets);
        parts.volumes.push(volume);
        mounts.push(mount);
      }
      if (adapter.strength !== undefined) parts.mainEnv.push({ name, value: adapter.strength });
      parts.initContainers.push({
        args: [pullerScript(adapter.source?.image ?? "", `${ADAPTER_ROOT}/${name}`)],
        command: ["/bin/sh", "-c"],
        image: PULLER_IMAGE,
        name: `puller-${name}`,
        resources: {},
        volumeMounts: mounts,
      });
    }
  }
  for (const adapter of fromVolume) {
    const name = adapter.source?.name ?? "";
    const volumeName = `adapter-volume-${name}`;
    parts.volumes.push({ name: volumeName, ...(adapter.source?.volumeSource as JsonObject) });
    parts.mainMounts.push({ mountPath: `${ADAPTER_ROOT}/${name}`, name: volumeName });
    if (adapter.strength !== undefined) parts.mainEnv.push({ name, value: adapter.strength });
  }
  return parts;
}

/** Pull secrets of image adapters, for the pod's imagePullSecrets. */
export const adapterPullSecrets = (adapters: readonly AdapterSpec[]): { name: string }[] =>
  adapters.flatMap((a) => (a.source?.imagePullSecrets ?? []).map((name) => ({ name })));
