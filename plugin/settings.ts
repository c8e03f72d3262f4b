// What the Argo CD plugin renders with, from the environment Argo CD gives its commands:
// parameters as PARAM_<NAME> (an Application's plugin.parameters), the same names as
// ARGOCD_ENV_<NAME> (its plugin.env), and the destination namespace as ARGOCD_APP_NAMESPACE.
// A parameter wins over an env entry of the same name. Pure: files named here are read by the caller.
import { isKaitoVersion, KAITO_VERSIONS } from "../workspace/index.js";
import type { KaitoVersion } from "../workspace/index.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The parameters the plugin announces (plugin.yaml keeps the same names). */
export const PARAMETERS = ["kaito-version", "settings", "namespace", "models-lock"] as const;
export type ParameterName = (typeof PARAMETERS)[number];

const envName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");

/** A string parameter, from PARAM_<NAME> or else ARGOCD_ENV_<NAME>; empty counts as unset. */
export function parameter(env: Env, name: ParameterName): string | undefined {
  const key = envName(name);
  const value = env[`PARAM_${key}`] ?? env[`ARGOCD_ENV_${key}`];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

export interface PluginSettings {
  readonly kaitoVersion?: KaitoVersion;
  /** The KAITO controller settings file, relative to the app's folder. */
  readonly settingsFile?: string;
  readonly namespace?: string;
  /** The model lock, relative to the app's folder (default: kaito-models.lock.yaml there, if any). */
  readonly modelsLockFile?: string;
  /** How each choice was made, for the sidecar log. */
  readonly notes: readonly string[];
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

export function pluginSettings(env: Env): PluginSettings {
  const notes: string[] = [];
  const asked = parameter(env, "kaito-version");
  let kaitoVersion: KaitoVersion | undefined;
  if (asked !== undefined) {
    const v = asked.startsWith("v") ? asked : `v${asked}`;
    if (!isKaitoVersion(v)) throw new SettingsError(`parameter kaito-version: must be one of ${KAITO_VERSIONS.join(", ")}; got ${JSON.stringify(asked.slice(0, 40))}`);
    kaitoVersion = v;
    notes.push(`kaito-version: ${v}`);
  }
  const settingsFile = insideApp(parameter(env, "settings"), "settings");
  const modelsLockFile = insideApp(parameter(env, "models-lock"), "models-lock");
  if (modelsLockFile) notes.push(`models-lock: ${modelsLockFile}`);
  const namespace = parameter(env, "namespace") ?? env.ARGOCD_APP_NAMESPACE ?? undefined;
  return {
    ...(kaitoVersion ? { kaitoVersion } : {}),
    ...(settingsFile ? { settingsFile } : {}),
    ...(namespace ? { namespace } : {}),
    ...(modelsLockFile ? { modelsLockFile } : {}),
    notes,
  };
}

/** Files named by parameters stay inside the app's folder: the repo-server must not read elsewhere. */
function insideApp(path: string | undefined, name: ParameterName): string | undefined {
  if (path !== undefined && (path.startsWith("/") || path.split(/[\\/]/).includes(".."))) {
    throw new SettingsError(`parameter ${name}: must be a path inside the app's folder; got ${JSON.stringify(path.slice(0, 200))}`);
  }
  return path;
}
