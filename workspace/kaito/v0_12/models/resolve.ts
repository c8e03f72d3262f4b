// How KAITO v0.12.0 finds the model a preset name means: names are case-insensitive, legacy short
// names redirect to catalog ids, catalog ids resolve from the embedded catalog, and any other
// `org/name` is a Hugging Face model, which KAITO asks the hub about and we read from the model
// lock (so a render never touches the network).
import { didYouMean } from "../../../text/nearest.js";
import type { ModelFacts } from "../../../models/facts.js";
import type { ModelLock } from "../../types.js";
import { DEPRECATED_PRESETS, LEGACY_ALIASES } from "./aliases.js";
import { CATALOG } from "./catalog.js";
import type { Preset } from "./preset.js";
import { presetFor } from "./preset.js";
import { isServedByVllm } from "../../../models/from-hub.js";

export type Resolution =
  | { readonly ok: true; readonly preset: Preset; readonly source: "catalog" | "lock" }
  | { readonly ok: false; readonly reason: string };

const catalogById: ReadonlyMap<string, ModelFacts> = new Map(CATALOG.map((m) => [m.name.toLowerCase(), m]));

/** A name KAITO's webhook takes as a preset: a legacy short name, or `org/name` with both parts. */
export function isValidPresetName(name: string): boolean {
  if (name.toLowerCase() in LEGACY_ALIASES) return true;
  const slash = name.indexOf("/");
  return slash > 0 && slash < name.length - 1;
}

/** A withdrawn preset's short name (KAITO says so rather than "unsupported"). */
export const isDeprecatedPreset = (name: string): boolean => DEPRECATED_PRESETS.has(name.toLowerCase());

/** The lower-case Hugging Face id a preset name stands for (legacy names redirected). */
export function modelIdOf(name: string): string {
  const lower = name.toLowerCase();
  return LEGACY_ALIASES[lower] ?? lower;
}

export const catalogFacts = (id: string): ModelFacts | undefined => catalogById.get(id.toLowerCase());

export function lockFacts(lock: ModelLock, id: string): ModelFacts | undefined {
  const lower = id.toLowerCase();
  return lock.models.find((m) => m.name.toLowerCase() === lower);
}

export interface ResolveOptions {
  /** Whether the Workspace can present a Hugging Face token (a named Secret with HF_TOKEN). */
  readonly hasToken: boolean;
}

/** A name as messages show it: bounded, whatever the Workspace holds. */
const shown = (id: string) => (id.length > 128 ? `${id.slice(0, 128)}…` : id);

/** ` (did you mean …?)` from KAITO's preset names and catalog ids. */
export const nearestPresets = (name: string): string => didYouMean(name.slice(0, 128), [...Object.keys(LEGACY_ALIASES), ...CATALOG.map((m) => m.name)]);

/**
 * Presets already derived, by the facts they came from (catalog entries live as long as the
 * process; a lock's entries as long as the lock): every admission of the same model would derive
 * the same preset again. Frozen, so no caller can change what the next one gets.
 */
const derived = new WeakMap<ModelFacts, Preset>();

function presetOf(id: string, facts: ModelFacts): Preset {
  const known = derived.get(facts);
  if (known?.id === id) return known;
  const preset = presetFor(id, facts);
  Object.freeze(preset.vllmParams);
  Object.freeze(preset.architectures);
  derived.set(facts, Object.freeze(preset));
  return preset;
}

/** The preset for a name, as KAITO's model registry would produce it, or why there is none. */
export function resolveModel(name: string, lock: ModelLock, options: ResolveOptions): Resolution {
  const id = modelIdOf(name);
  if (!id.includes("/")) return { ok: false, reason: `unknown preset ${JSON.stringify(shown(id))}${nearestPresets(id)}; use a Hugging Face id (org/name) or one of KAITO's preset names` };
  const fromCatalog = catalogFacts(id);
  if (fromCatalog) return { ok: true, preset: presetOf(id, fromCatalog), source: "catalog" };
  const locked = lockFacts(lock, id);
  if (!locked) {
    return {
      ok: false,
      reason: `${shown(id)} is not in KAITO's model catalog and not in the model lock; add it with \`kaito-gitops models add ${shown(id)}\`${nearestPresets(id)}`,
    };
  }
  if (locked.gated && !options.hasToken) {
    return { ok: false, reason: `${shown(id)} is gated on Hugging Face: KAITO needs a modelAccessSecret whose Secret has the key HF_TOKEN to read it` };
  }
  const preset = presetOf(id, locked);
  if (!isServedByVllm(preset.architectures)) {
    return { ok: false, reason: `vLLM cannot serve ${shown(id)}: its architecture ${preset.architectures.join(", ")} is not one vLLM supports` };
  }
  return { ok: true, preset, source: "lock" };
}
