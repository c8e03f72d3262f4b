// No drift: for every example, the webhook's JSON Patch applied to the Workspace exactly as
// committed gives exactly the Workspace the plugin rendered, and the webhook leaves the rendered
// Workspace alone. So an Argo CD app stays Synced with the webhook installed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { applyPatch, mutationFor } from "../../webhook/patch.js";
import { expand, expandOptions, looksLikeWorkspace } from "../../workspace/index.js";
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

const committed = files(repoPath("examples")).flatMap((file) =>
  parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as unknown)
    .filter(looksLikeWorkspace)
    .map((ws) => ({ file: relative(repoRoot, file), ws: ws as Meta })),
);

test("every example Workspace is covered", () => {
  assert.equal(committed.length, renderedWorkspaces.length);
  assert.ok(committed.length >= 9);
});

for (const { file, ws } of committed) {
  test(`no drift: ${file} (${ws.metadata.name})`, () => {
    const namespace = ws.metadata.namespace ?? APP_NAMESPACE;
    const plugin = renderedWorkspaces.find((r) => r.metadata.name === ws.metadata.name && r.metadata.namespace === namespace);
    assert.ok(plugin, "the plugin rendered this Workspace");
    // The API server hands the webhook the object with the request's namespace filled in.
    const options = expandOptions({ namespace });
    const { patch } = mutationFor(ws, options);
    assert.ok(patch.length > 0, "a minimal Workspace gets defaults");
    assert.deepEqual(applyPatch(ws, patch), plugin);
    assert.deepEqual(mutationFor(plugin, options).patch, [], "the rendered Workspace needs no mutation");
  });
}

test("the patch adds single annotation keys and never replaces metadata maps wholesale", () => {
  const withAnnotations = { ...committed[0]!.ws, metadata: { ...committed[0]!.ws.metadata, annotations: { "argocd.argoproj.io/tracking-id": "gpu-models:kaito.sh/Workspace:x/y" } } };
  const { patch } = mutationFor(withAnnotations, expandOptions({ namespace: APP_NAMESPACE }));
  const annotationOps = patch.filter((op) => op.path.startsWith("/metadata/annotations"));
  assert.deepEqual(annotationOps.map((op) => [op.op, op.path]), [["add", "/metadata/annotations/kaito.sh~1runtime"]]);
  assert.ok(!patch.some((op) => op.path.startsWith("/status")));
});

test("the webhook's Workspace is exactly expand()'s, though it skips building the children", () => {
  for (const { ws } of committed) {
    const options = expandOptions({ namespace: ws.metadata.namespace ?? APP_NAMESPACE });
    assert.deepEqual(mutationFor(ws, options).workspace, expand(ws, options).workspace);
  }
});
