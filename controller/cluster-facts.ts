// The objects KAITO's controller reads besides the Workspace, fetched for one reconcile: the
// ConfigMaps named by inference.config / tuning.config (from the ConfigMap informer, which the
// controller runs anyway for its children), the Secret named by modelAccessSecret (one GET: the
// controller keeps no cache of Secrets), and, with bring-your-own nodes, the GPU Nodes.
import type { ClusterFacts, KubeObject, Workspace } from "../workspace/index.js";
import type { KubeClient } from "./kube.js";
import { isNotFound } from "./kube.js";
import type { ObjectCache } from "./informers.js";
import { NODE, SECRET } from "./resources.js";

export interface ClusterSources {
  readonly client: KubeClient;
  readonly configMaps: ObjectCache | undefined;
  /** true when KAITO's controller would run with bring-your-own nodes */
  readonly readNodes: boolean;
}

const named = (...names: (string | undefined)[]): string[] => [...new Set(names.filter((n): n is string => typeof n === "string" && n !== ""))];

export async function clusterFactsFor(ws: Workspace, sources: ClusterSources): Promise<ClusterFacts> {
  const namespace = ws.metadata.namespace ?? "default";
  const configMaps = named(ws.inference?.config, ws.tuning?.config)
    .map((name) => sources.configMaps?.get(name, namespace) as KubeObject | undefined)
    .filter((o): o is KubeObject => o !== undefined);
  const secrets: KubeObject[] = [];
  for (const name of named(ws.inference?.preset?.presetOptions?.modelAccessSecret, ws.tuning?.preset?.presetOptions?.modelAccessSecret)) {
    try {
      secrets.push(await sources.client.request<KubeObject>({ verb: "get", type: SECRET, namespace, name }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const nodes = sources.readNodes ? ((await sources.client.request<{ items?: KubeObject[] }>({ verb: "list", type: NODE })).items ?? []) : [];
  return { configMaps, secrets, nodes };
}
