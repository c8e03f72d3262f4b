// Reads KAITO's conformance corpus (shared/conformance, see its README): per case the user's
// Workspace (after the ConfigMaps it names), the controller settings and cluster objects it was run
// with, and KAITO's verdict and created objects. Read-only: the corpus is KAITO's output, never ours.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "../../workspace/expand/meta.js";
import type { ClusterFacts, ControllerSettings, KaitoVersion } from "../../workspace/kaito/types.js";
import { defaultControllerSettings } from "../../workspace/kaito/types.js";

/** The folder of each version in the corpus. */
export const CORPUS_FOLDERS: Readonly<Record<KaitoVersion, string>> = { "v0.12": "kaito-v0.12", "v0.3": "kaito-v0.3" };

export interface IndexEntry {
  readonly case: string;
  readonly category: string;
  readonly note?: string;
  readonly webhook: "accepted" | "rejected";
  readonly webhookRejectKind?: string;
  readonly workloadCreated?: boolean;
  readonly targetNodeCount?: number;
  readonly objects?: readonly string[];
}

export interface CorpusCase {
  readonly version: KaitoVersion;
  readonly name: string;
  readonly dir: string;
  readonly index: IndexEntry;
  readonly workspace: Record<string, unknown>;
  /** ConfigMaps committed beside the Workspace (before it in workspace.yaml). */
  readonly committed: readonly KubeObject[];
  readonly settings: ControllerSettings;
  readonly cluster: ClusterFacts;
  readonly expected?: readonly KubeObject[];
  readonly rejected?: string;
  readonly reconcileError?: string;
  /** The folder of canned Hugging Face answers, when KAITO asked the hub. */
  readonly hubAnswers?: string;
}

const readIf = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

function documents(text: string, file: string): Record<string, unknown>[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    return value && typeof value === "object" ? [value as Record<string, unknown>] : [];
  });
}

function settingsOf(text: string | undefined): ControllerSettings {
  if (!text) return defaultControllerSettings;
  const raw = (parse(text) ?? {}) as Partial<ControllerSettings>;
  return {
    cloudProvider: raw.cloudProvider ?? defaultControllerSettings.cloudProvider,
    nodeProvisioner: raw.nodeProvisioner ?? defaultControllerSettings.nodeProvisioner,
    featureGates: raw.featureGates ?? {},
    prewarmModels: raw.prewarmModels ?? [],
  };
}

/** Secrets as the API server stores them: stringData folded into base64 data. */
function stored(obj: Record<string, unknown>): KubeObject {
  const { stringData, ...rest } = obj as { stringData?: Record<string, string> } & Record<string, unknown>;
  if (!stringData) return rest as unknown as KubeObject;
  const data = { ...((rest.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v).toString("base64");
  return { ...rest, data } as unknown as KubeObject;
}

function clusterOf(text: string | undefined, file: string, namespace: string): ClusterFacts {
  const objects = text ? documents(text, file).map(stored) : [];
  const withNamespace = (o: KubeObject): KubeObject => ({ ...o, metadata: { namespace, ...o.metadata } });
  return {
    configMaps: objects.filter((o) => o.kind === "ConfigMap").map(withNamespace),
    secrets: objects.filter((o) => o.kind === "Secret").map(withNamespace),
    nodes: objects.filter((o) => o.kind === "Node"),
  };
}

export function loadVersion(corpus: string, version: KaitoVersion): CorpusCase[] {
  const root = join(corpus, CORPUS_FOLDERS[version]);
  const index = (parse(readFileSync(join(root, "index.yaml"), "utf8")) as { cases: IndexEntry[] }).cases;
  const known = new Set(index.map((e) => e.case));
  const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const strays = folders.filter((f) => !known.has(f));
  if (strays.length > 0) throw new Error(`${root}: case folders missing from index.yaml: ${strays.join(", ")}`);
  return index.map((entry) => loadCase(root, version, entry));
}

function loadCase(root: string, version: KaitoVersion, entry: IndexEntry): CorpusCase {
  const dir = join(root, entry.case);
  const file = join(dir, "workspace.yaml");
  const docs = documents(readFileSync(file, "utf8"), file);
  const workspace = docs.find((d) => d.kind === "Workspace");
  if (!workspace) throw new Error(`${file}: no Workspace`);
  const namespace = ((workspace.metadata as { namespace?: string } | undefined)?.namespace ?? "default") as string;
  const committed = docs
    .filter((d) => d !== workspace)
    .map((d) => ({ ...d, metadata: { namespace, ...(d.metadata as object) } }) as unknown as KubeObject);
  const expectedText = readIf(join(dir, "expected.yaml"));
  const rejected = readIf(join(dir, "rejected.txt"));
  const reconcileError = readIf(join(dir, "reconcile-error.txt"));
  const hub = join(dir, "hf");
  return {
    version,
    name: entry.case,
    dir,
    index: entry,
    workspace,
    committed,
    settings: settingsOf(readIf(join(dir, "settings.yaml"))),
    cluster: clusterOf(readIf(join(dir, "cluster.yaml")), join(dir, "cluster.yaml"), namespace),
    ...(expectedText !== undefined ? { expected: documents(expectedText, join(dir, "expected.yaml")) as unknown as KubeObject[] } : {}),
    ...(rejected !== undefined ? { rejected } : {}),
    ...(reconcileError !== undefined ? { reconcileError } : {}),
    ...(existsSync(hub) ? { hubAnswers: hub } : {}),
  };
}
