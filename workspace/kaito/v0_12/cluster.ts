// What KAITO's controller and webhook read from the cluster, looked up in the facts the render
// was given (ConfigMaps, Secrets, Nodes): never a live API call.
import type { KubeObject } from "../../expand/meta.js";
import type { ClusterFacts } from "../types.js";

const inNamespace = (o: KubeObject, namespace: string) => (o.metadata.namespace ?? namespace) === namespace;

export function configMapData(cluster: ClusterFacts, namespace: string, name: string): Record<string, string> | undefined {
  const cm = cluster.configMaps.find((o) => o.metadata.name === name && inNamespace(o, namespace));
  if (!cm) return undefined;
  return (cm.data as Record<string, string> | undefined) ?? {};
}

/** Whether the Secret exists and carries the key HF_TOKEN (KAITO then sends a token to the hub). */
export function hasHfToken(cluster: ClusterFacts, namespace: string, name: string | undefined): boolean {
  if (!name) return false;
  const secret = cluster.secrets.find((o) => o.metadata.name === name && inNamespace(o, namespace));
  if (!secret) return false;
  const data = { ...((secret.data as Record<string, string> | undefined) ?? {}), ...((secret.stringData as Record<string, string> | undefined) ?? {}) };
  return "HF_TOKEN" in data;
}

/** The Nodes carrying every one of the labels (all Nodes when there are none). */
export function nodesMatching(cluster: ClusterFacts, labels: readonly [string, string][]): KubeObject[] {
  return cluster.nodes.filter((n) => labels.every(([k, v]) => n.metadata.labels?.[k] === v));
}

/** Ready and not being deleted, as KAITO's estimator requires of the nodes it sizes from. */
export function nodeIsReady(node: KubeObject): boolean {
  if (node.metadata.deletionTimestamp) return false;
  const conditions = ((node.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []);
  const ready = conditions.find((c) => c.type === "Ready");
  return ready?.status === "True";
}
