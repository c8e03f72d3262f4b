// The schema a catalog file (built-in or --catalog) must satisfy; it mirrors types.ts. Checked
// when the file is loaded, so a bad catalog fails at start with the entry and field named.
import type { JsonSchema } from "../api/schema.js";

const gib: JsonSchema = { type: "number", minimum: 0 };
// A pattern, not minLength: length checks would make the generated validator need ajv's runtime.
const name: JsonSchema = { type: "string", pattern: "\\S" };

const preset: JsonSchema = {
  type: "object",
  required: [
    "name", "family", "huggingFace", "runtimes", "gpuMemoryGiB", "perGPUMemoryGiB", "gpuCount",
    "diskGiB", "weights", "tag", "authRequired", "multiNode", "readinessTimeoutMinutes", "args",
  ],
  properties: {
    name,
    family: name,
    huggingFace: { type: "string", pattern: "^[^/\\s]+/[^/\\s]+$" },
    revision: { type: "string" },
    runtimes: { type: "array", minItems: 1, items: { type: "string", enum: ["vllm", "transformers"] } },
    gpuMemoryGiB: gib,
    perGPUMemoryGiB: gib,
    gpuCount: { type: "integer", minimum: 1 },
    weightsGiB: gib,
    diskGiB: { type: "number", minimum: 1 },
    weights: { type: "string", enum: ["image", "download", "private"] },
    tag: name,
    authRequired: { type: "boolean" },
    contextWindow: { type: "integer", minimum: 1 },
    multiNode: { type: "boolean" },
    readinessTimeoutMinutes: { type: "number", minimum: 1 },
    args: {
      type: "object",
      properties: {
        vllm: { type: "array", items: { type: "string", pattern: "^--" } },
        transformers: { type: "array", items: { type: "string", pattern: "^--" } },
      },
    },
    tuning: {
      type: "object",
      required: ["gpuMemoryGiB", "methods"],
      properties: {
        gpuMemoryGiB: gib,
        methods: { type: "array", minItems: 1, items: { type: "string", enum: ["lora", "qlora"] } },
      },
    },
    deprecated: name,
    since: name,
  },
};

const instanceType: JsonSchema = {
  type: "object",
  required: ["name", "cloud", "gpuCount", "gpuMemoryGiB", "gpuModel"],
  properties: {
    name,
    cloud: { type: "string", enum: ["azure", "aws", "gcp", "arc"] },
    gpuCount: { type: "integer", minimum: 1 },
    gpuMemoryGiB: { type: "number", minimum: 1 },
    gpuModel: name,
    computeCapability: { type: "string", pattern: "^[0-9]+\\.[0-9]+$" },
    nvme: { type: "boolean" },
    deprecated: name,
  },
};

const requirement: JsonSchema = {
  type: "object",
  required: ["key", "operator"],
  properties: {
    key: name,
    operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] },
    values: { type: "array", items: { type: "string" } },
  },
};

const cloud: JsonSchema = {
  type: "object",
  required: ["cloud", "nodeClassRef", "requirements"],
  properties: {
    cloud: { type: "string", enum: ["azure", "aws", "gcp", "arc"] },
    nodeClassRef: {
      type: "object",
      required: ["group", "kind", "name"],
      properties: { group: name, kind: name, name },
    },
    requirements: { type: "array", items: requirement },
  },
};

export const catalogFileSchema: JsonSchema = {
  type: "object",
  properties: {
    presets: { type: "array", items: preset },
    instanceTypes: { type: "array", items: instanceType },
    clouds: { type: "array", items: cloud },
    images: {
      type: "object",
      properties: {
        presetRegistry: name,
        baseImage: name,
        dataDownloader: name,
        resultsPusher: name,
      },
    },
  },
};
