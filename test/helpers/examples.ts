// The bundled examples as render reads them: each Workspace with the ConfigMaps committed beside it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import type { ClusterFacts, KubeObject } from "../../workspace/index.js";
import { looksLikeWorkspace } from "../../workspace/index.js";
import { repoPath } from "./repo.js";

export interface ExampleWorkspace {
  readonly file: string;
  readonly workspace: Record<string, unknown>;
  readonly cluster: ClusterFacts;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : []));
}

export function exampleWorkspaces(): ExampleWorkspace[] {
  const all = files(repoPath("examples")).map((path) => ({
    file: relative(repoPath(), path),
    docs: parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as Record<string, unknown>),
  }));
  const configMaps = all.flatMap((f) => f.docs.filter((d) => d.kind === "ConfigMap")) as unknown as KubeObject[];
  const withNamespace = configMaps.map((c) => ({ ...c, metadata: { namespace: "default", ...c.metadata } }));
  return all.flatMap((f) =>
    f.docs.filter(looksLikeWorkspace).map((workspace) => ({ file: f.file, workspace, cluster: { configMaps: withNamespace, secrets: [], nodes: [] } })),
  );
}
