// The options render, validate, serve and the controller share: the KAITO release to render for,
// the KAITO controller's settings, objects that exist in the cluster, the default namespace.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { expandOptions, isKaitoVersion, KAITO_VERSIONS } from "../workspace/index.js";
import type { ClusterFacts, ControllerSettings, ExpandOptions, KubeObject } from "../workspace/index.js";
import { parseControllerSettings, SettingsError } from "../workspace/kaito/settings.js";
import { InputError, readDocuments } from "./inputs.js";
import { modelsLockFrom } from "./models-lock.js";
import type { Readable } from "node:stream";

export const expandFlags = {
  "kaito-version": { type: "string" },
  settings: { type: "string" },
  cluster: { type: "string", multiple: true },
  namespace: { type: "string", short: "n" },
  "models-lock": { type: "string" },
} as const;

export const expandFlagsUsage = `  --kaito-version v0.12|v0.3       the KAITO release whose output to render (default v0.12;
                                   a Workspace's kaito-gitops.io/kaito-version annotation wins)
  --settings FILE                  KAITO controller settings: cloudProvider, nodeProvisioner,
                                   featureGates, prewarmModels (docs/cli.md)
  --cluster PATH                   objects that exist in the cluster (Secrets, GPU Nodes,
                                   ConfigMaps) as KAITO's controller would read them (repeatable)
  -n, --namespace NS               namespace for objects that name none (default "default")
  --models-lock FILE               the model lock, for models outside KAITO's catalog (render and
                                   validate also find kaito-models.lock.yaml beside their inputs)
`;

export interface ExpandFlagValues {
  "kaito-version"?: string;
  settings?: string;
  cluster?: string[];
  namespace?: string;
  "models-lock"?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function kaitoVersionFlag(value: string | undefined): ExpandOptions["kaitoVersion"] | undefined {
  if (value === undefined) return undefined;
  const v = value.startsWith("v") ? value : `v${value}`;
  if (!isKaitoVersion(v)) throw new UsageError(`--kaito-version must be one of ${KAITO_VERSIONS.join(", ")}; got ${JSON.stringify(value)}`);
  return v;
}

export async function settingsFrom(file: string | undefined, cwd: string): Promise<ControllerSettings | undefined> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch {
    throw new InputError(`${file}: cannot read the settings file`);
  }
  try {
    return parseControllerSettings(text, file);
  } catch (e) {
    if (e instanceof SettingsError) throw new InputError(e.message);
    throw e;
  }
}

const CLUSTER_KINDS = new Set(["ConfigMap", "Secret", "Node"]);

/** Cluster objects from files or folders; anything but ConfigMaps, Secrets and Nodes is refused. */
export async function clusterFrom(paths: readonly string[] | undefined, cwd: string, stdin: Readable): Promise<ClusterFacts | undefined> {
  if (!paths || paths.length === 0) return undefined;
  const { docs } = await readDocuments(paths, cwd, stdin);
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    const value = doc.value as Partial<KubeObject> | null;
    if (value === null || typeof value !== "object") continue;
    if (!CLUSTER_KINDS.has(String(value.kind))) {
      const at = doc.positionOf([]);
      throw new InputError(`${doc.file}:${at.line}:${at.col}: --cluster takes ConfigMaps, Secrets and Nodes; got ${String(value.kind).slice(0, 64)}`);
    }
    objects.push(value as KubeObject);
  }
  return clusterFacts(objects);
}

export function clusterFacts(objects: readonly KubeObject[]): ClusterFacts {
  return {
    configMaps: objects.filter((o) => o.kind === "ConfigMap"),
    secrets: objects.filter((o) => o.kind === "Secret"),
    nodes: objects.filter((o) => o.kind === "Node"),
  };
}

/**
 * `inputs`: the files and folders being rendered, beside which a model lock is looked for; servers
 * pass none and read only the lock --models-lock names.
 */
export async function toExpandOptions(values: ExpandFlagValues, cwd: string, stdin: Readable, inputs?: readonly string[]): Promise<ExpandOptions> {
  return expandOptions({
    models: await modelsLockFrom(values["models-lock"], inputs, cwd),
    kaitoVersion: kaitoVersionFlag(values["kaito-version"]),
    namespace: values.namespace,
    settings: await settingsFrom(values.settings, cwd),
    cluster: await clusterFrom(values.cluster, cwd, stdin),
    // --cluster says what exists: a Secret it does not show is missing, as KAITO would find it.
    assumeNamedSecrets: values.cluster === undefined || values.cluster.length === 0,
  });
}
