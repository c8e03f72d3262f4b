// Workspaces and live children for the controller's unit tests: real expansions of real
// Workspaces, and children "as the cluster shows them" built from those expansions.
import { spawnSync } from "node:child_process";
import { expandOptions } from "../../workspace/index.js";
import { desiredState } from "../../controller/desired.js";
import type { Expansion, KubeObject, Workspace } from "../../workspace/index.js";
import { childKey } from "../../controller/objects.js";
import type { LiveObject } from "../../controller/objects.js";
import { repoPath } from "../helpers/repo.js";

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

/** The controller's desired step, which checks a v0.3 Workspace as the v1alpha1 it was admitted as. */
export function expansionOf(ws: Workspace): Expansion {
  // The controller reads the model-access Secret from the cluster; here it exists.
  const secrets = [{ apiVersion: "v1", kind: "Secret", metadata: { name: "hf-token", namespace: "models" }, data: { HF_TOKEN: "aGY=" } }];
  const desired = desiredState(ws, expandOptions({ cluster: { configMaps: [], secrets, nodes: [] }, assumeNamedSecrets: false }));
  if (!desired.ok) throw new Error(desired.error);
  return desired.expansion;
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

// ---- Argo CD's health check, run by a real Lua 5.1 (as test/lua does) ------------------------

export interface Health {
  status: string;
  message: string;
}

function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) out += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, "0")}`;
  return `${out}"`;
}

function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return luaString(value);
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(", ")}}`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `[${luaString(k)}] = ${luaLiteral(v)}`);
  return `{${fields.join(", ")}}`;
}

/** Argo CD's reading of the Workspace: "open" = all Lua libraries (the argocd component's setting). */
export function argoHealth(ws: Workspace, libs: "open" | "restricted" = "open"): Health {
  const proc = spawnSync("lua5.1", [repoPath("test/lua/health_driver.lua"), libs, repoPath("plugin/health/kaito.sh/Workspace/health.lua")], {
    input: `return ${luaLiteral(ws)}\n`,
    timeout: 10_000,
  });
  if (proc.error) throw proc.error;
  const lines = proc.stdout.toString("utf8").split("\n");
  if (lines[0] !== "result") throw new Error(`health.lua failed: ${proc.stdout.toString("utf8")} ${proc.stderr.toString("utf8")}`);
  // result \n len \n status \n len \n message
  return { status: lines[2] ?? "", message: lines.slice(4, -1).join("\n") };
}
