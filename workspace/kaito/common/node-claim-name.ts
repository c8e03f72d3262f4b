// The name of the i-th node claim (NodeClaim or Machine) of a Workspace. KAITO derives it from the
// clock (`ws` + 9 hex digits of SHA-256 over namespace, name and the current time), so every run
// differs; ours keeps KAITO's shape but hashes the index instead of the time, so the same Workspace
// always renders the same names. Version-independent: every KAITO release names claims this way.
import { createHash } from "node:crypto";

export function nodeClaimName(namespace: string, name: string, index: number): string {
  const digest = createHash("sha256").update(`${namespace}\n${name}\n${index}`).digest("hex");
  return `ws${digest.slice(0, 9)}`;
}
