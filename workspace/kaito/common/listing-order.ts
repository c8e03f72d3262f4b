// The order listings are printed in, the same on every machine and without locale rules: by name
// ignoring letter case, runs of digits compared as numbers (g5.2xlarge before g5.12xlarge,
// falcon-7b before falcon-40b), then exactly, so two spellings never swap.
import type { InstanceTypeListing, ModelListing } from "../types.js";

const PIECES = /\d+|\D+/g;

function compareNatural(a: string, b: string): number {
  const pa = a.toLowerCase().match(PIECES) ?? [];
  const pb = b.toLowerCase().match(PIECES) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    // Digit runs of any length: the shorter (without leading zeros) is smaller, else digit by digit.
    const digits = (s: string) => s.replace(/^0+/, "").length;
    if (/^\d/.test(x) && /^\d/.test(y) && digits(x) !== digits(y)) return digits(x) - digits(y);
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a === b ? 0 : a < b ? -1 : 1;
}

export const sortModels = (models: readonly ModelListing[]): ModelListing[] => [...models].sort((a, b) => compareNatural(a.name, b.name));

export const sortInstanceTypes = (types: readonly InstanceTypeListing[]): InstanceTypeListing[] =>
  [...types].sort((a, b) => compareNatural(a.cloud, b.cloud) || compareNatural(a.name, b.name));
