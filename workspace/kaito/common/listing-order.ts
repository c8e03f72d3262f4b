// The order listings are printed in, the same on every machine: by name ignoring letter case
// (then exactly, so two spellings never swap), without locale rules.
import type { InstanceTypeListing, ModelListing } from "../types.js";

function compareText(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

export const sortModels = (models: readonly ModelListing[]): ModelListing[] => [...models].sort((a, b) => compareText(a.name, b.name));

export const sortInstanceTypes = (types: readonly InstanceTypeListing[]): InstanceTypeListing[] =>
  [...types].sort((a, b) => compareText(a.cloud, b.cloud) || compareText(a.name, b.name));
