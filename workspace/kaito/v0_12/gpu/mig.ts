// NVIDIA MIG slices as KAITO v0.12.0 knows them (pkg/utils/mig): `<compute>g.<memory>gb` profiles
// of A100, H100, H200 and B200 GPUs. A Workspace on a MIG slice sees one GPU with the slice's memory.
import { GIB } from "../quantity.js";
import type { GpuConfig } from "./config.js";

const KNOWN_PROFILES: ReadonlySet<string> = new Set([
  "1g.6gb", "2g.12gb", "4g.24gb", "1g.5gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb", "1g.10gb", "1g.20gb", "2g.20gb",
  "3g.40gb", "4g.40gb", "7g.80gb", "1g.12gb", "1g.24gb", "2g.24gb", "3g.47gb", "4g.47gb", "7g.94gb", "3g.48gb", "4g.48gb",
  "7g.96gb", "1g.18gb", "1g.35gb", "2g.35gb", "3g.71gb", "4g.71gb", "7g.141gb", "1g.23gb", "1g.45gb", "2g.45gb", "3g.90gb",
  "4g.90gb", "7g.180gb",
]);
const FORM = /^(\d{1,3})g\.(\d{1,4}(?:\.\d{1,3})?)gb$/;

/** The slice's memory in whole GB (the number in the name, rounded down), or why the profile is wrong. */
export function migMemoryGiB(profile: string): number | string {
  const m = FORM.exec(profile);
  if (!m) return `invalid MIG profile format ${JSON.stringify(profile.slice(0, 40))}: expected a form like 1g.10gb`;
  const compute = Number.parseInt(m[1] ?? "0", 10);
  const memory = Math.floor(Number.parseFloat(m[2] ?? "0"));
  if (compute === 0) return `invalid MIG profile ${JSON.stringify(profile)}: compute slices must be > 0`;
  if (memory === 0) return `invalid MIG profile ${JSON.stringify(profile)}: memory must be > 0`;
  return memory;
}

export function validateMigProfile(profile: string): string | undefined {
  const memory = migMemoryGiB(profile);
  if (typeof memory === "string") return memory;
  if (!KNOWN_PROFILES.has(profile)) return `unknown MIG profile ${JSON.stringify(profile)}: must be one of ${[...KNOWN_PROFILES].sort().join(", ")}`;
  return undefined;
}

export function migGpuConfig(profile: string): GpuConfig | string {
  const memory = migMemoryGiB(profile);
  if (typeof memory === "string") return memory;
  return { gpuCount: 1, gpuMemBytes: BigInt(memory) * GIB, gpuModel: "", nvme: false, isMig: true };
}

/** The extended resource a pod asks for to get one slice of this profile. */
export const migResourceName = (profile: string): string => `nvidia.com/mig-${profile}`;
