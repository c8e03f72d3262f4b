// The model lock file (kaito-models.lock.yaml, docs/models.md): read with positions so every error
// names file:line:col and the field, checked with one schema, written back sorted with stable bytes
// so `models add` twice gives the same file and Git diffs show only real changes. Pure.
import { stringify } from "yaml";
import { modelLockSchemaViolations } from "../api/validator.js";
import type { ModelLock } from "../kaito/types.js";
import { parseYamlStream, SourceError } from "../source/yaml.js";
import { formatViolation } from "../violation.js";
import type { ModelFacts } from "./facts.js";
import { LOCK_API_VERSION, LOCK_FILE_NAME, LOCK_KIND } from "./lock-format.js";

/** A lock of 1000 entries is ~500 KB; anything far larger is not a lock. */
export const MAX_LOCK_BYTES = 4 * 1024 * 1024;

export class ModelLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelLockError";
  }
}

const key = (name: string): string => name.toLowerCase();

/** Parse and check a lock file's text; `file` names it in errors. */
export function parseModelLock(text: string, file: string = LOCK_FILE_NAME): ModelLock {
  if (text.length > MAX_LOCK_BYTES) throw new ModelLockError(`${file}: larger than ${MAX_LOCK_BYTES} bytes; not a model lock`);
  let docs;
  try {
    docs = parseYamlStream(text, file);
  } catch (e) {
    if (e instanceof SourceError) throw new ModelLockError(e.message);
    throw e;
  }
  const [doc, extra] = docs;
  if (!doc) throw new ModelLockError(`${file}: the model lock is empty (expected apiVersion: ${LOCK_API_VERSION}, kind: ${LOCK_KIND}, models)`);
  if (extra) throw new ModelLockError(`${file}:${extra.start.line}: a model lock holds one YAML document`);
  const violations = modelLockSchemaViolations(doc.value);
  if (violations.length > 0) {
    const lines = violations.slice(0, 20).map((v) => {
      const { line, col } = doc.positionOf(v.path);
      return `${file}:${line}:${col}: ${formatViolation(v)}`;
    });
    const more = violations.length > 20 ? `\n  … and ${violations.length - 20} more` : "";
    throw new ModelLockError(`${file}: not a valid model lock:\n  ${lines.join("\n  ")}${more}`);
  }
  const models = (doc.value as { models: ModelFacts[] }).models;
  const seen = new Map<string, number>();
  models.forEach((m, i) => {
    const first = seen.get(key(m.name));
    if (first !== undefined) {
      const { line, col } = doc.positionOf(["models", i, "name"]);
      throw new ModelLockError(`${file}:${line}:${col}: models[${i}].name: ${m.name} is already locked at models[${first}] (ids match case-insensitively)`);
    }
    seen.set(key(m.name), i);
  });
  return { models };
}

/** The entry for a Hugging Face id, matched case-insensitively as KAITO matches model names. */
export function findLockedModel(lock: ModelLock, id: string): ModelFacts | undefined {
  const k = key(id);
  return lock.models.find((m) => key(m.name) === k);
}

/** The lock with these entries added, or replacing the entries of the same id. */
export function withLockedModels(lock: ModelLock, entries: readonly ModelFacts[]): ModelLock {
  const byKey = new Map(lock.models.map((m) => [key(m.name), m] as const));
  for (const e of entries) byKey.set(key(e.name), e);
  return { models: [...byKey.values()] };
}

// The order fields are written in: identity first, then size and shape, then formats and access.
const FIELD_ORDER: readonly (keyof ModelFacts)[] = [
  "name", "revision", "description", "license", "pipelineTag", "modelFileSize", "architectures",
  "modelTokenLimit", "hiddenSize", "numHiddenLayers", "numAttentionHeads", "numKeyValueHeads",
  "headDim", "kvLoraRank", "qkRopeHeadDim", "quantMethod", "quantBits", "loadFormat", "configFormat",
  "tokenizerMode", "gated",
];

const HEADER = [
  `# Models outside KAITO's built-in catalog, pinned for offline renders (docs/models.md).`,
  `# Written by \`kaito-gitops models add\`; \`kaito-gitops models verify\` checks it against the hub.`,
  "",
].join("\n");

function ordered(m: ModelFacts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    const v = m[field];
    if (v === undefined || (field === "gated" && v === false)) continue;
    out[field] = Array.isArray(v) ? [...(v as readonly string[])] : v;
  }
  return out;
}

/** The lock file's text: entries sorted by lower-cased id, fields in a fixed order; same lock, same bytes. */
export function serializeModelLock(lock: ModelLock): string {
  const models = [...lock.models].sort((a, b) => {
    const [x, y] = [key(a.name), key(b.name)];
    return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const body = stringify(
    { apiVersion: LOCK_API_VERSION, kind: LOCK_KIND, models: models.map(ordered) },
    { lineWidth: 0, indentSeq: true, defaultStringType: "PLAIN", sortMapEntries: false },
  );
  return HEADER + body;
}

/** Facts that changed between a locked entry and a fresh resolution, for `models verify`. */
export function lockDrift(locked: ModelFacts, fresh: ModelFacts): string[] {
  const changes: string[] = [];
  for (const field of FIELD_ORDER) {
    if (field === "description" || field === "license" || field === "pipelineTag") continue;
    const [a, b] = [locked[field], fresh[field]];
    const same = Array.isArray(a) && Array.isArray(b) ? a.join("\u0000") === b.join("\u0000") : (a ?? (field === "gated" ? false : undefined)) === (b ?? (field === "gated" ? false : undefined));
    if (!same) changes.push(`${field}: locked ${JSON.stringify(a) ?? "(none)"}, hub ${JSON.stringify(b) ?? "(none)"}`);
  }
  return changes;
}
