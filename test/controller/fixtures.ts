// Workspaces and live children for the controller's unit tests: real expansions of real
// Workspaces, and children "as the cluster shows them" built from those expansions.
import { readFileSync } from "node:fs";
import { ANNOTATION_KAITO_VERSION, defaultControllerSettings, expandOptions } from "../../workspace/index.js";
import type { KaitoVersion } from "../../workspace/index.js";
import { desiredState } from "../../controller/desired.js";
import type { Expansion, KubeObject, Workspace } from "../../workspace/index.js";
import { childKey } from "../../controller/objects.js";
import type { LiveObject } from "../../controller/objects.js";
import { repoPath } from "../helpers/repo.js";
import { evaluateHealthOnce } from "../argocd/luahealth.js";
import type { HealthStatus } from "../argocd/luahealth.js";

export const NOW = new Date("2026-01-02T03:04:05Z");
export const EARLIER = "2026-01-01T00:00:00Z";

/**
 * Workspaces as the controller reads them: in the storage version (v1beta1), whatever version they
 * were written in. Most status cases run against KAITO v0.3's children (a Machine and a Deployment: the kinds whose
 * readiness has the most ways to go wrong); the multi-node case uses v0.12's StatefulSet.
 */
const SEED_ERA = { annotations: { "kaito-gitops.io/kaito-version": "v0.3" } };

export function inferenceWorkspace(overrides: Partial<Workspace> = {}, generation = 1): Workspace {
  return {
    apiVersion: "kaito.sh/v1beta1",
    kind: "Workspace",
    metadata: { name: "phi", namespace: "models", uid: "ws-uid-1", generation, resourceVersion: "100", ...SEED_ERA },
    resource: { instanceType: "Standard_NC12s_v3", labelSelector: { matchLabels: { apps: "phi" } } },
    inference: { preset: { name: "phi-3-mini-4k-instruct" } },
    ...overrides,
  };
}

export function tuningWorkspace(): Workspace {
  return {
    apiVersion: "kaito.sh/v1beta1",
    kind: "Workspace",
    metadata: { name: "tune", namespace: "models", uid: "ws-uid-2", generation: 1, resourceVersion: "200", ...SEED_ERA },
    resource: { instanceType: "Standard_NC12s_v3", labelSelector: { matchLabels: { apps: "tune" } } },
    tuning: {
      preset: { name: "phi-3-mini-4k-instruct" },
      method: "lora",
      input: { urls: ["https://example.com/data.parquet"] },
      output: { image: "registry.example.com/adapters/phi:1", imagePushSecret: "push" },
    },
  };
}

/** The release a fixture pins, as the controller serving it would be started. */
export const releaseOf = (ws: Workspace): KaitoVersion => (ws.metadata.annotations?.[ANNOTATION_KAITO_VERSION] === "v0.3" ? "v0.3" : "v0.12");

/** The controller's desired step, which checks a v0.3 Workspace as the v1alpha1 it was admitted as. */
export function expansionOf(ws: Workspace, byoNodes?: readonly KubeObject[]): Expansion {
  // The controller reads the model-access Secret from the cluster; here it exists.
  const secrets = [{ apiVersion: "v1", kind: "Secret", metadata: { name: "hf-token", namespace: "models" }, data: { HF_TOKEN: "aGY=" } }];
  const settings = byoNodes ? { ...defaultControllerSettings, nodeProvisioner: "byo" as const } : defaultControllerSettings;
  const cluster = { configMaps: [], secrets, nodes: byoNodes ?? [] };
  const desired = desiredState(ws, expandOptions({ kaitoVersion: releaseOf(ws), settings, cluster, assumeNamedSecrets: false }));
  if (!desired.ok) throw new Error(desired.error);
  return desired.expansion;
}

/** A GPU node of the cluster with NVIDIA's feature-discovery labels, for bring-your-own cases. */
export function gpuNode(name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        ...labels,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "Standard_NC24ads_A100_v4",
        "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB",
        "nvidia.com/gpu.count": "1",
        "nvidia.com/gpu.memory": "81920",
      },
    },
    status: { conditions: [{ type: "Ready", status: "True" }], capacity: { "nvidia.com/gpu": "1" }, allocatable: { "nvidia.com/gpu": "1" } },
  } as KubeObject;
}

export const keyOf = (c: KubeObject | LiveObject): string => childKey(c.kind ?? "", c.metadata?.namespace, c.metadata?.name ?? "");

/** A child as the API server would show it: generation 1, the given status. */
export function live(child: KubeObject, status?: Record<string, unknown>, meta: Record<string, unknown> = {}): LiveObject {
  return { ...child, metadata: { ...child.metadata, uid: `uid-${child.metadata.name ?? ""}`, generation: 1, resourceVersion: "1", ...meta }, ...(status ? { status } : {}) } as LiveObject;
}

export function observedMap(objects: readonly LiveObject[]): Map<string, LiveObject> {
  return new Map(objects.map((o) => [keyOf(o), o]));
}

export const ofKind = (children: readonly KubeObject[], kind: string): KubeObject => {
  const found = children.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${children.map((c) => c.kind).join(", ")}`);
  return found;
};

// ---- Argo CD's health check, run by Argo CD's own Lua VM (as test/lua does) -----------------

export type Health = HealthStatus;

const workspaceHealthLua = readFileSync(repoPath("plugin/health/kaito.sh/Workspace/health.lua"), "utf8");

/** Argo CD's reading of the Workspace: "open" = all Lua libraries (the argocd component's setting). */
export function argoHealth(ws: Workspace, libs: "open" | "restricted" = "open"): Health {
  const result = evaluateHealthOnce({ object: ws, script: workspaceHealthLua, useOpenLibs: libs === "open" });
  if ("error" in result) throw new Error(`health.lua failed in Argo CD's Lua VM: ${result.error}`);
  if (result.health === null) throw new Error("health.lua returned no health");
  return result.health;
}
