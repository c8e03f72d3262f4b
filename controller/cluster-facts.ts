// The objects KAITO reads besides the Workspace, fetched for one Workspace: the ConfigMaps named by
// inference.config / tuning.config, the Secret named by modelAccessSecret, and, with
// bring-your-own nodes, the GPU Nodes. Shared by the controller (per reconcile, ConfigMaps from
// the informer it runs anyway for its children) and the admission webhook (per request, every
// object by GET, bounded in time and size, as KAITO's webhook GETs them).
//
// The Workspace may be an admission request's object that nothing has checked yet, so the names
// are read field by field; a name that cannot be an object's name is not asked for (it cannot
// exist, and the checks that follow refuse it with its field path).
import type { ClusterFacts, KubeObject } from "../workspace/index.js";
import type { KubeClient, KubeRequest } from "./kube.js";
import { isNotFound } from "./kube.js";
import type { ObjectCache } from "./informers.js";
import { CHILD_TYPES, NODE, SECRET } from "./resources.js";
import type { ResourceType } from "./resources.js";

/** One object the Workspace names, with the field that names it (for the error that names both). */
export interface NamedObject {
  readonly name: string;
  readonly field: string;
}

/** What KAITO would read for one Workspace. */
export interface WantedFacts {
  readonly namespace: string;
  readonly configMaps: readonly NamedObject[];
  readonly secrets: readonly NamedObject[];
  /** undefined: no Node is read; else the labels every Node listed must carry (may be empty) */
  readonly nodeLabels: Readonly<Record<string, string>> | undefined;
}

export interface ReadLimits {
  /** bound on each request, connect to last byte; the reads run in parallel */
  readonly timeoutMs: number;
  /** largest ConfigMap or Secret answer (the API server caps an object at about 1.5 MiB) */
  readonly maxObjectBytes: number;
  /** largest Node list answer */
  readonly maxListBytes: number;
}

export interface ClusterSources {
  readonly client: KubeClient;
  /** the controller's ConfigMap informer; without one each ConfigMap is one GET */
  readonly configMaps?: ObjectCache | undefined;
  /** unbounded (the client's idle timeout) without them */
  readonly limits?: ReadLimits;
}

/** A read that failed other than with 404 (forbidden, a timeout, an answer too large). */
export class ClusterReadError extends Error {
  constructor(
    /** "ConfigMap ns/name", "Nodes" */
    readonly object: string,
    /** the Workspace field that made it read, e.g. inference.config */
    readonly field: string,
    cause: unknown,
  ) {
    super(`could not read ${object} (named by ${field}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "ClusterReadError";
  }
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** KAITO sets and strips labels of its own domain in Node selectors; they never narrow a list here. */
const KAITO_LABEL_PREFIX = "kaito.sh/";

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function at(object: unknown, path: readonly string[]): unknown {
  let here: unknown = object;
  for (const key of path) here = record(here)?.[key];
  return here;
}

function namedAt(object: unknown, paths: readonly (readonly string[])[]): NamedObject[] {
  const out: NamedObject[] = [];
  for (const path of paths) {
    const name = at(object, path);
    if (typeof name !== "string" || !DNS_SUBDOMAIN.test(name) || out.some((o) => o.name === name)) continue;
    out.push({ name, field: path.join(".") });
  }
  return out;
}

/**
 * What to read for a Workspace (checked or not). `namespace` is where it lives when its metadata
 * names none; `readNodes` is true when KAITO runs with bring-your-own nodes.
 */
export function wantedFacts(workspace: unknown, namespace: string, readNodes: boolean): WantedFacts {
  const own = at(workspace, ["metadata", "namespace"]);
  const ns = typeof own === "string" && own !== "" ? own : namespace;
  const matchLabels = record(at(workspace, ["resource", "labelSelector", "matchLabels"])) ?? {};
  // A server-side selector only of labels every version's own filter also applies, so the list
  // holds every Node any profile would pick (they filter again).
  const nodeLabels = Object.fromEntries(
    Object.entries(matchLabels).filter(
      (e): e is [string, string] => typeof e[1] === "string" && !e[0].startsWith(KAITO_LABEL_PREFIX) && LABEL_KEY.test(e[0]) && LABEL_VALUE.test(e[1]),
    ),
  );
  return {
    namespace: DNS_SUBDOMAIN.test(ns) ? ns : "",
    configMaps: namedAt(workspace, [
      ["inference", "config"],
      ["tuning", "config"],
    ]),
    secrets: namedAt(workspace, [
      ["inference", "preset", "presetOptions", "modelAccessSecret"],
      ["tuning", "preset", "presetOptions", "modelAccessSecret"],
    ]),
    nodeLabels: readNodes ? nodeLabels : undefined,
  };
}

/** True when there is nothing to read: no request at all is made then. */
export const wantsNothing = (wanted: WantedFacts): boolean =>
  wanted.namespace === "" || (wanted.configMaps.length === 0 && wanted.secrets.length === 0 && wanted.nodeLabels === undefined);

/**
 * A Secret as far as KAITO's choices go: which keys it has. The values (tokens) are dropped at
 * once, so they are never held, rendered or logged.
 */
export function secretKeysOnly(secret: KubeObject): KubeObject {
  const keys = [...Object.keys(record(secret["data"]) ?? {}), ...Object.keys(record(secret["stringData"]) ?? {})];
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secret.metadata.name ?? "", ...(secret.metadata.namespace !== undefined && { namespace: secret.metadata.namespace }) },
    ...(typeof secret["type"] === "string" && { type: secret["type"] }),
    data: Object.fromEntries(keys.map((k) => [k, ""])),
  };
}

export async function readClusterFacts(wanted: WantedFacts, sources: ClusterSources): Promise<ClusterFacts> {
  if (wantsNothing(wanted)) return { configMaps: [], secrets: [], nodes: [] };
  const { namespace } = wanted;
  const { client, limits } = sources;
  const bounded = (req: KubeRequest, maxBytes: number | undefined): KubeRequest => ({
    ...req,
    ...(limits && { timeoutMs: limits.timeoutMs, maxResponseBytes: maxBytes }),
  });

  const getObject = async (type: ResourceType, named: NamedObject): Promise<KubeObject | undefined> => {
    try {
      return await client.request<KubeObject>(bounded({ verb: "get", type, namespace, name: named.name }, limits?.maxObjectBytes));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new ClusterReadError(`${type.kind} ${namespace}/${named.name}`, named.field, err);
    }
  };
  const configMap = (named: NamedObject): Promise<KubeObject | undefined> =>
    sources.configMaps ? Promise.resolve(sources.configMaps.get(named.name, namespace) as KubeObject | undefined) : getObject(CHILD_TYPES.ConfigMap, named);

  const listNodes = async (labels: Readonly<Record<string, string>>): Promise<KubeObject[]> => {
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    try {
      const list = await client.request<{ items?: KubeObject[] }>(
        bounded({ verb: "list", type: NODE, ...(selector !== "" && { query: { labelSelector: selector } }) }, limits?.maxListBytes),
      );
      return list.items ?? [];
    } catch (err) {
      throw new ClusterReadError(selector === "" ? "Nodes" : `Nodes with labels ${selector}`, "resource.labelSelector", err);
    }
  };

  const [configMaps, secrets, nodes] = await Promise.all([
    Promise.all(wanted.configMaps.map(configMap)),
    Promise.all(wanted.secrets.map((s) => getObject(SECRET, s))),
    wanted.nodeLabels === undefined ? Promise.resolve([]) : listNodes(wanted.nodeLabels),
  ]);
  const present = (o: KubeObject | undefined): o is KubeObject => o !== undefined;
  return { configMaps: configMaps.filter(present), secrets: secrets.filter(present).map(secretKeysOnly), nodes };
}

/** The controller's road: a stored (checked) Workspace, ConfigMaps from its informer. */
export function clusterFactsFor(
  ws: { readonly metadata: { readonly namespace?: string | undefined } },
  sources: ClusterSources & { readonly readNodes: boolean },
): Promise<ClusterFacts> {
  return readClusterFacts(wantedFacts(ws, ws.metadata.namespace ?? "default", sources.readNodes), sources);
}
