// The KAITO releases we render for, by version string.
import type { KaitoProfile, KaitoVersion } from "./types.js";
import { KAITO_VERSIONS } from "./types.js";
import { v0_12 } from "./v0_12/index.js";
import { v0_3 } from "./v0_3/index.js";

const profiles: Readonly<Record<KaitoVersion, KaitoProfile>> = { "v0.12": v0_12, "v0.3": v0_3 };

export function isKaitoVersion(value: unknown): value is KaitoVersion {
  return typeof value === "string" && (KAITO_VERSIONS as readonly string[]).includes(value);
}

export function kaitoProfile(version: KaitoVersion): KaitoProfile {
  return profiles[version];
}
