// The user's inference_config.yaml as KAITO v0.12.0 reads it. Two readers, both KAITO's: the
// webhook decodes the `vllm` section as a map of strings (a nested value makes the file invalid),
// and the node estimator scans the text line by line for a whole-number `max-model-len` inside
// the `vllm:` block (a quoted or otherwise unusual value is ignored there).
import { parse as parseYaml } from "yaml";

export const INFERENCE_CONFIG_KEY = "inference_config.yaml";

/** The `vllm` section as strings, or why the webhook cannot decode the file. */
export function vllmSection(text: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 0 });
  } catch (err) {
    return err instanceof Error ? (err.message.split("\n")[0] ?? "not YAML") : "not YAML";
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) return "the file must be a mapping with a vllm section";
  const vllm = (parsed as Record<string, unknown>).vllm;
  if (vllm === null || vllm === undefined) return {};
  if (typeof vllm !== "object" || Array.isArray(vllm)) return "vllm must be a mapping of vLLM arguments";
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(vllm as Record<string, unknown>)) {
    if (value !== null && typeof value === "object") return `vllm.${key.slice(0, 64)} must be a single value, not a list or mapping`;
    out[key] = value === null || value === undefined ? "" : String(value);
  }
  return out;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** max-model-len as KAITO's estimator finds it: a positive whole number under `vllm:`, else undefined. */
export function explicitMaxModelLen(text: string): number | undefined {
  const lines = text.split("\n");
  let blockIndent = -1;
  for (const line of lines) {
    const trimmed = line.trim();
    if (blockIndent < 0) {
      if (trimmed.startsWith("vllm:")) blockIndent = indentOf(line) + 2;
      continue;
    }
    if (trimmed !== "" && !trimmed.startsWith("#") && indentOf(line) < blockIndent) return undefined;
    if (trimmed.startsWith("max-model-len:")) {
      const value = trimmed.slice("max-model-len:".length).trim();
      if (!/^[+-]?\d{1,18}$/.test(value)) return undefined;
      const n = Number.parseInt(value, 10);
      return n > 0 ? n : undefined;
    }
  }
  return undefined;
}
