// The KAITO controller settings file (`--settings FILE`, the plugin's `settings` parameter):
//
//   cloudProvider: azure            # or aws
//   nodeProvisioner: gpu-provisioner # or byo: the GPU nodes exist already
//   featureGates: { enableMIG: true }
//   prewarmModels: [microsoft/phi-4-mini-instruct]
//
// The same keys as the conformance corpus's settings.yaml. Pure: the text comes from the edge.
import { parseDocument } from "yaml";
import type { CloudProvider, ControllerSettings, NodeProvisioner } from "./types.js";
import { defaultControllerSettings } from "./types.js";

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

const CLOUD_PROVIDERS: readonly CloudProvider[] = ["azure", "aws"];
const NODE_PROVISIONERS: readonly NodeProvisioner[] = ["gpu-provisioner", "byo"];
const KEYS = ["cloudProvider", "nodeProvisioner", "featureGates", "prewarmModels"];
/** Far more than any real settings file; bounds what a hostile one can cost. */
const MAX_ENTRIES = 256;

export function parseControllerSettings(text: string, file: string): ControllerSettings {
  const doc = parseDocument(text, { uniqueKeys: true });
  const at = (node: { range?: [number, number, number] | null } | null | undefined): string => {
    const offset = node?.range?.[0] ?? 0;
    const before = text.slice(0, offset).split("\n");
    return `${file}:${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
  };
  if (doc.errors.length > 0) throw new SettingsError(`${file}: ${doc.errors[0]?.message ?? "not YAML"}`);
  // maxAliasCount 0: a settings file needs no aliases, and they are the way to a "billion laughs".
  const raw: unknown = doc.toJS({ maxAliasCount: 0 });
  if (raw === null || raw === undefined) return defaultControllerSettings;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new SettingsError(`${file}: expected a mapping of ${KEYS.join(", ")}`);
  const record = raw as Record<string, unknown>;
  const node = (key: string) => doc.get(key, true) as { range?: [number, number, number] } | undefined;
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key)) throw new SettingsError(`${at(doc.contents as never)}: unknown setting ${JSON.stringify(key.slice(0, 64))}; known: ${KEYS.join(", ")}`);
  }
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const value = record[key];
    if (value === undefined) return fallback;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    throw new SettingsError(`${at(node(key))}: ${key} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value).slice(0, 64)}`);
  };
  const gates = record.featureGates ?? {};
  if (typeof gates !== "object" || gates === null || Array.isArray(gates) || Object.keys(gates).length > MAX_ENTRIES) {
    throw new SettingsError(`${at(node("featureGates"))}: featureGates must be a mapping of gate names to true or false`);
  }
  for (const [gate, on] of Object.entries(gates)) {
    if (typeof on !== "boolean") throw new SettingsError(`${at(node("featureGates"))}: featureGates.${gate.slice(0, 64)} must be true or false`);
  }
  const prewarm = record.prewarmModels ?? [];
  if (!Array.isArray(prewarm) || prewarm.length > MAX_ENTRIES || !prewarm.every((m) => typeof m === "string" && m.length <= 256)) {
    throw new SettingsError(`${at(node("prewarmModels"))}: prewarmModels must be a list of Hugging Face model ids`);
  }
  return {
    cloudProvider: oneOf("cloudProvider", CLOUD_PROVIDERS, defaultControllerSettings.cloudProvider),
    nodeProvisioner: oneOf("nodeProvisioner", NODE_PROVISIONERS, defaultControllerSettings.nodeProvisioner),
    featureGates: gates as Record<string, boolean>,
    prewarmModels: prewarm.map((m: string) => m.toLowerCase()),
  };
}
