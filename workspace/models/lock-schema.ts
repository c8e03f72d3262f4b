// The schema of the model lock file (kaito-models.lock.yaml); it mirrors facts.ts. Compiled into a
// standalone validator at build time like the other schemas, checked whenever a lock is read.
import type { JsonSchema } from "../api/schema.js";
import { LOCK_API_VERSION, LOCK_KIND } from "./lock-format.js";

/** A lock pins the models of one repository's Workspaces; thousands would be a mistake. */
export const MAX_LOCK_ENTRIES = 1000;
const count: JsonSchema = { type: "integer", minimum: 0, maximum: 2 ** 31 - 1 };
// Patterns, not minLength/maxLength: length keywords would make the standalone validator need ajv's runtime.
const short = (pattern: string): JsonSchema => ({ type: "string", pattern });
const word = short("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

export const modelFactsSchema: JsonSchema = {
  type: "object",
  required: ["name", "modelFileSize", "architectures", "modelTokenLimit", "hiddenSize", "numHiddenLayers", "numAttentionHeads", "numKeyValueHeads"],
  properties: {
    // Hugging Face's rule for repository ids: org/name of letters, digits, ".", "_", "-" (96 each).
    name: short("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$"),
    revision: short("^[0-9a-f]{40}$"),
    description: short("^[^\\n]{0,500}$"),
    license: short("^[^\\n]{0,100}$"),
    pipelineTag: word,
    modelFileSize: short("^[0-9]{1,9}\\.[0-9]{2}Gi$"),
    architectures: { type: "array", maxItems: 16, items: short("^[A-Za-z0-9_.-]{1,128}$") },
    modelTokenLimit: count,
    hiddenSize: count,
    numHiddenLayers: count,
    numAttentionHeads: count,
    numKeyValueHeads: count,
    headDim: count,
    kvLoraRank: count,
    qkRopeHeadDim: count,
    quantMethod: word,
    quantBits: count,
    loadFormat: word,
    configFormat: word,
    tokenizerMode: word,
    gated: { type: "boolean" },
  },
};

export const modelLockSchema: JsonSchema = {
  type: "object",
  required: ["apiVersion", "kind", "models"],
  properties: {
    apiVersion: { type: "string", enum: [LOCK_API_VERSION] },
    kind: { type: "string", enum: [LOCK_KIND] },
    models: { type: "array", maxItems: MAX_LOCK_ENTRIES, items: modelFactsSchema },
  },
};
