// The desired step: what the controller applies for a live Workspace, and when it applies nothing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultExpandOptions, expandOptions } from "../../workspace/index.js";
import type { Workspace } from "../../workspace/index.js";
import { desiredState, hashOfChild, isStatusOnly, keyOfChild } from "../../controller/desired.js";
import { workspaceKeyOfChild } from "../../controller/index.js";
import { inferenceWorkspace, live } from "./fixtures.js";

/** The fixtures pin KAITO v0.3; so does the controller under test. */
const seedEra = expandOptions({ kaitoVersion: "v0.3" });

function expansion(ws: Workspace) {
  const d = desiredState(ws, seedEra);
  assert.ok(d.ok, d.ok ? "" : d.error);
  return d.expansion;
}

describe("desiredState", () => {
  const liveWs: Workspace = {
    ...inferenceWorkspace(),
    metadata: {
      ...inferenceWorkspace().metadata,
      labels: { team: "search", "app.kubernetes.io/instance": "gpu-models" },
      managedFields: [{ manager: "kubectl", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: { "f:resource": {} } }],
      creationTimestamp: "2026-01-01T00:00:00Z",
    },
    status: { conditions: [{ type: "ResourceReady", status: "False", reason: "Anything", message: "", lastTransitionTime: "x" }], state: "Pending" },
  };

  test("namespaced children are owned by the live Workspace (its UID); node claims carry labels instead", () => {
    const { children } = expansion(liveWs);
    assert.deepEqual(
      children.map((c) => c.kind),
      ["Machine", "Service", "Deployment"],
    );
    for (const child of children) {
      if (child.kind === "Machine") {
        assert.equal(child.metadata.ownerReferences, undefined, "a cluster-scoped object cannot have a namespaced owner");
        assert.equal(child.metadata.labels?.["kaito.sh/workspace"], "phi");
        assert.equal(child.metadata.labels?.["kaito.sh/workspacenamespace"], "models");
        continue;
      }
      assert.deepEqual(child.metadata.ownerReferences, [
        { apiVersion: "kaito.sh/v1alpha1", kind: "Workspace", name: "phi", uid: "ws-uid-1", controller: true },
      ], "as KAITO v0.3 owns them");
      assert.equal(child.metadata.namespace, "models");
    }
  });

  test("children carry none of the Workspace's labels (KAITO copies none), so never Argo CD's tracking label", () => {
    for (const child of expansion(liveWs).children) {
      assert.equal(child.metadata.labels?.["team"], undefined);
      assert.equal(child.metadata.labels?.["app.kubernetes.io/instance"], undefined);
    }
  });

  test("managedFields and a status (even one the schema would reject) do not change the children", () => {
    const bare: Workspace = { ...inferenceWorkspace(), metadata: { ...liveWs.metadata, managedFields: [] } };
    delete bare.status;
    const statusOddity = { ...liveWs, status: { ...liveWs.status, state: "Sideways" } } as unknown as Workspace;
    const hashes = (ws: Workspace) => expansion(ws).children.map(hashOfChild);
    assert.deepEqual(hashes(liveWs), hashes(bare));
    assert.deepEqual(hashes(statusOddity), hashes(bare));
  });

  test("the same Workspace gives the same children, byte for byte; a change gives another hash", () => {
    const a = expansion(liveWs).children;
    const b = expansion(structuredClone(liveWs)).children;
    assert.deepEqual(a.map(hashOfChild), b.map(hashOfChild));
    const bigger = expansion({ ...liveWs, resource: { ...liveWs.resource, count: 2, labelSelector: { matchLabels: { apps: "phi" } } } }).children;
    const deployment = (cs: typeof a) => cs.find((c) => c.kind === "Deployment")!;
    assert.notEqual(hashOfChild(deployment(a)), hashOfChild(deployment(bigger)));
  });

  test("a KAITO v0.3 Workspace read in the storage version (v1beta1) gives the children it was admitted with (v1alpha1)", () => {
    const asWritten = { ...liveWs, apiVersion: "kaito.sh/v1alpha1" as const };
    assert.equal(liveWs.apiVersion, "kaito.sh/v1beta1");
    assert.deepEqual(expansion(liveWs).children.map(hashOfChild), expansion(asWritten).children.map(hashOfChild));
  });

  test("a Workspace pinned to another KAITO release than the controller serves is reported, with the fix", () => {
    const d = desiredState(inferenceWorkspace(), defaultExpandOptions);
    assert.equal(d.ok, false);
    assert.match(d.ok ? "" : d.error, /pins KAITO v0\.3 .*this controller serves KAITO v0\.12: run it with --kaito-version v0\.3/);
  });

  test("an invalid Workspace is reported, not thrown", () => {
    const d = desiredState(inferenceWorkspace({ inference: { preset: { name: "phi-9000" } } }), seedEra);
    assert.equal(d.ok, false);
    assert.match(d.ok ? "" : d.error, /phi-9000/);
  });

  test("child keys name kind, namespace and name", () => {
    const [machine, service] = expansion(liveWs).children;
    assert.match(keyOfChild(machine!), /^Machine\/\/ws[0-9a-f]{9}$/);
    assert.equal(keyOfChild(service!), "Service/models/phi");
  });
});

describe("isStatusOnly", () => {
  const ws = inferenceWorkspace();
  const children = expansion(ws).children;

  test("a Workspace the Argo CD plugin rendered", () => {
    const annotated = inferenceWorkspace({ metadata: { ...ws.metadata, annotations: { "kaito-gitops.io/rendered-by": "plugin" } } });
    assert.deepEqual(isStatusOnly(annotated, []), { statusOnly: true, why: "annotation kaito-gitops.io/rendered-by: plugin" });
  });

  test("a child Argo CD tracks, by label or by annotation", () => {
    const labelled = live(children[2]!, undefined, { labels: { "app.kubernetes.io/instance": "gpu-models" } });
    assert.equal(isStatusOnly(ws, [labelled]).statusOnly, true);
    const annotated = live(children[1]!, undefined, { annotations: { "argocd.argoproj.io/tracking-id": "gpu-models:/Service:models/phi" } });
    assert.match(isStatusOnly(ws, [annotated]).why ?? "", /tracking-id/);
  });

  test("our own children, or none: the controller applies", () => {
    assert.deepEqual(isStatusOnly(ws, children.map((c) => live(c))), { statusOnly: false });
    assert.deepEqual(isStatusOnly(ws, []), { statusOnly: false });
    const other = inferenceWorkspace({ metadata: { ...ws.metadata, annotations: { "kaito-gitops.io/rendered-by": "cli" } } });
    assert.equal(isStatusOnly(other, []).statusOnly, false);
  });
});

describe("workspaceKeyOfChild", () => {
  test("namespaced children by their controller owner, else their label", () => {
    assert.equal(workspaceKeyOfChild({ kind: "Service", metadata: { namespace: "a", ownerReferences: [{ kind: "Workspace", name: "w", controller: true }] } }), "a/w");
    assert.equal(workspaceKeyOfChild({ kind: "Service", metadata: { namespace: "a", labels: { "kaito.sh/workspace": "v" } } }), "a/v");
    assert.equal(workspaceKeyOfChild({ kind: "Service", metadata: { namespace: "a" } }), undefined);
  });
  test("unlabelled, unowned children (KAITO v0.12's, rendered by the plugin) by KAITO's names, for a Workspace that exists", () => {
    const exists = (name: string, namespace: string): boolean => namespace === "a" && name === "w";
    assert.equal(workspaceKeyOfChild({ kind: "StatefulSet", metadata: { namespace: "a", name: "w" } }, exists), "a/w");
    assert.equal(workspaceKeyOfChild({ kind: "Service", metadata: { namespace: "a", name: "w-headless" } }, exists), "a/w");
    assert.equal(workspaceKeyOfChild({ kind: "StatefulSet", metadata: { namespace: "a", name: "w-headless" } }, exists), undefined, "only a Service is <name>-headless");
    assert.equal(workspaceKeyOfChild({ kind: "StatefulSet", metadata: { namespace: "b", name: "w" } }, exists), undefined, "no such Workspace there");
    assert.equal(
      workspaceKeyOfChild({ kind: "StatefulSet", metadata: { namespace: "a", name: "w", ownerReferences: [{ kind: "Deployment", name: "x", controller: true }] } }, exists),
      undefined,
      "another controller's object",
    );
  });
  test("cluster-scoped node claims by both labels", () => {
    assert.equal(workspaceKeyOfChild({ kind: "Machine", metadata: { labels: { "kaito.sh/workspace": "w", "kaito.sh/workspacenamespace": "ns" } } }), "ns/w");
    assert.equal(workspaceKeyOfChild({ kind: "Machine", metadata: { labels: { "kaito.sh/workspace": "w" } } }), undefined);
  });
});
