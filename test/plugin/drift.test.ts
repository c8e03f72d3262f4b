// No drift: for every example, the webhook's JSON Patch applied to the Workspace exactly as
// committed gives exactly the Workspace the plugin rendered, and the webhook leaves the rendered
// Workspace alone. So an Argo CD app stays Synced with the webhook installed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { mutationFor } from "../../webhook/patch.js";
import { applyPatch } from "../helpers/patch.js";
import { expand, expandOptions, looksLikeWorkspace } from "../../workspace/index.js";
import type { KubeObject } from "../../workspace/index.js";
import { runCli } from "../helpers/cli.js";
import { repoPath, repoRoot } from "../helpers/repo.js";

const APP_NAMESPACE = "argo-models";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

interface Meta {
  metadata: { name: string; namespace?: string };
}

const rendered = await runCli(["generate", "examples"], { env: { ARGOCD_APP_NAMESPACE: APP_NAMESPACE } });
assert.equal(rendered.code, 0, rendered.stderr);
const renderedWorkspaces = parseAllDocuments(rendered.stdout)
  .map((d) => d.toJS() as unknown)
  .filter(looksLikeWorkspace) as Meta[];

interface Committed {
  readonly file: string;
  readonly ws: Meta;
  /** ConfigMaps committed beside it: Argo CD applies them before the Workspace, so they exist. */
  readonly configMaps: KubeObject[];
}

const committed: Committed[] = files(repoPath("examples")).flatMap((file) => {
  const objects = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as unknown);
  const configMaps = objects.filter((o): o is KubeObject => (o as { kind?: unknown }).kind === "ConfigMap");
  return objects.filter(looksLikeWorkspace).map((ws) => ({ file: relative(repoRoot, file), ws: ws as Meta, configMaps }));
});

/** What the webhook is given for a Workspace in that namespace: the request's namespace and the cluster's objects. */
const webhookOptions = ({ ws, configMaps }: Committed) => {
  const namespace = ws.metadata.namespace ?? APP_NAMESPACE;
  const inCluster = configMaps.map((c) => ({ ...c, metadata: { ...c.metadata, namespace: c.metadata.namespace ?? namespace } }));
  return expandOptions({ namespace, cluster: { configMaps: inCluster, secrets: [], nodes: [] } });
};

test("every example Workspace is covered", () => {
  assert.equal(committed.length, renderedWorkspaces.length);
  assert.ok(committed.length >= 9);
});

for (const c of committed) {
  const { file, ws } = c;
  test(`no drift: ${file} (${ws.metadata.name})`, () => {
    const namespace = ws.metadata.namespace ?? APP_NAMESPACE;
    const plugin = renderedWorkspaces.find((r) => r.metadata.name === ws.metadata.name && r.metadata.namespace === namespace);
    assert.ok(plugin, "the plugin rendered this Workspace");
    // The API server hands the webhook the object with the request's namespace filled in.
    const options = webhookOptions(c);
    const { patch } = mutationFor(ws, options);
    assert.ok(patch.length > 0, "a minimal Workspace gets defaults");
    assert.deepEqual(applyPatch(ws, patch), plugin);
    assert.deepEqual(mutationFor(plugin, options).patch, [], "the rendered Workspace needs no mutation");
  });
}

test("the patch never replaces metadata maps wholesale, nor touches status", () => {
  const first = committed[0]!;
  const withAnnotations = { ...first.ws, metadata: { ...first.ws.metadata, annotations: { "argocd.argoproj.io/tracking-id": "gpu-models:kaito.sh/Workspace:x/y" } } };
  const { patch } = mutationFor(withAnnotations, webhookOptions(first));
  for (const op of patch) {
    assert.ok(!["/metadata", "/metadata/annotations", "/metadata/labels"].includes(op.path), `${op.op} ${op.path}`);
    assert.ok(!op.path.startsWith("/status"), `${op.op} ${op.path}`);
  }
});

test("the webhook's Workspace is exactly expand()'s, though it skips building the children", () => {
  for (const c of committed) {
    const options = webhookOptions(c);
    assert.deepEqual(mutationFor(c.ws, options).workspace, expand(c.ws, options).workspace);
  }
});
