// What the Argo CD plugin renders with, from the environment Argo CD gives its commands:
// parameters as PARAM_<NAME> (an Application's plugin.parameters), the same names as
// ARGOCD_ENV_<NAME> (its plugin.env), the destination namespace as ARGOCD_APP_NAMESPACE, and the
// cluster's API versions as KUBE_API_VERSIONS. A parameter wins over an env entry of the same name.
import { expandOptions, parseRolloutSteps } from "../workspace/index.js";
import type { ExpandOptions, NodeClaimKind, WorkloadKind } from "../workspace/index.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The parameters the plugin announces (plugin.yaml keeps the same names). */
export const PARAMETERS = ["node-claim", "workload", "catalog", "namespace", "rollout-steps"] as const;
export type ParameterName = (typeof PARAMETERS)[number];

const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");

/** A string parameter, from PARAM_<NAME> or else ARGOCD_ENV_<NAME>; empty counts as unset. */
export function parameter(env: Env, name: ParameterName): string | undefined {
  const key = envName(name);
  const value = env[`PARAM_${key}`] ?? env[`ARGOCD_ENV_${key}`];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** An array parameter (PARAM_<NAME>_0, _1, ...) or a comma-separated string. */
function listParameter(env: Env, name: ParameterName): string[] {
  const key = `PARAM_${envName(name)}_`;
  const items = Object.keys(env)
    .filter((k) => k.startsWith(key) && /^\d+$/.test(k.slice(key.length)))
    .sort((a, b) => Number(a.slice(key.length)) - Number(b.slice(key.length)))
    .map((k) => env[k] ?? "");
  const single = parameter(env, name);
  return [...items, ...(single ? single.split(",") : [])].map((s) => s.trim()).filter((s) => s !== "");
}

export interface PluginSettings {
  readonly options: ExpandOptions;
  readonly catalogFiles: readonly string[];
  /** How each choice was made, for the sidecar log. */
  readonly notes: readonly string[];
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

function choice<T extends string>(env: Env, name: ParameterName, allowed: readonly T[]): T | undefined {
  const value = parameter(env, name);
  if (value === undefined || value.toLowerCase() === "auto") return undefined;
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw new SettingsError(`parameter ${name}: must be ${["auto", ...allowed].join(", ")}; got ${JSON.stringify(value)}`);
  return match;
}

/**
 * Machine or NodeClaim: as asked, else what the destination cluster serves (KUBE_API_VERSIONS
 * lists group/version/Kind), else Machine.
 */
function nodeClaimKind(env: Env, notes: string[]): NodeClaimKind {
  const asked = choice<NodeClaimKind>(env, "node-claim", ["Machine", "NodeClaim"]);
  if (asked) return asked;
  const served = new Set((env.KUBE_API_VERSIONS ?? "").split(","));
  if (served.has("karpenter.sh/v1/NodeClaim") && !served.has("karpenter.sh/v1alpha5/Machine")) {
    notes.push("node-claim: NodeClaim (the cluster serves karpenter.sh/v1 NodeClaim)");
    return "NodeClaim";
  }
  notes.push(served.has("karpenter.sh/v1alpha5/Machine") ? "node-claim: Machine (the cluster serves karpenter.sh/v1alpha5)" : "node-claim: Machine (default)");
  return "Machine";
}

export function pluginSettings(env: Env): PluginSettings {
  const notes: string[] = [];
  const workloadKind = choice<WorkloadKind>(env, "workload", ["Deployment", "Rollout"]);
  const stepsText = parameter(env, "rollout-steps");
  let rolloutSteps;
  if (stepsText !== undefined) {
    const parsed = parseRolloutSteps(stepsText);
    if ("error" in parsed) throw new SettingsError(`parameter rollout-steps: ${parsed.error}`);
    rolloutSteps = parsed.steps;
  }
  const namespace = parameter(env, "namespace") ?? env.ARGOCD_APP_NAMESPACE ?? undefined;
  return {
    options: expandOptions({
      nodeClaimKind: nodeClaimKind(env, notes),
      workloadKind,
      namespace: namespace === "" ? undefined : namespace,
      rolloutSteps,
    }),
    catalogFiles: listParameter(env, "catalog"),
    notes,
  };
}
