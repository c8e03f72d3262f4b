// The one schema of the Workspace API. The CRD's openAPIV3Schema (crd.ts) and the runtime
// validator (validator.ts, compiled by ajv at build time) are both derived from this, so the API
// server and our own checks cannot disagree on shapes. Rules that need the catalog or several
// fields at once live in ../validate/.
//
// It is written as a Kubernetes structural schema: every node has a type, free-form parts are
// marked x-kubernetes-preserve-unknown-fields, and there are no `additionalProperties: false`
// (the API server prunes unknown fields instead). The strict variant for ajv adds those.
import type { WorkspaceVersion } from "./types.js";

export interface JsonSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  nullable?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
}

const str = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: "string",
  description,
  ...extra,
});
const strings = (description: string): JsonSchema => ({ type: "array", description, items: { type: "string" } });
const freeForm = (description: string): JsonSchema => ({
  type: "object",
  description,
  "x-kubernetes-preserve-unknown-fields": true,
});

const labelSelector: JsonSchema = {
  type: "object",
  description:
    "Selects the GPU nodes of this Workspace. Provisioned nodes get these labels; with preferredNodes, existing nodes must carry them.",
  "x-kubernetes-map-type": "atomic",
  properties: {
    matchLabels: { type: "object", additionalProperties: { type: "string" } },
    matchExpressions: {
      type: "array",
      items: {
        type: "object",
        required: ["key", "operator"],
        properties: {
          key: str("The label key."),
          operator: str("In, NotIn, Exists or DoesNotExist.", { enum: ["In", "NotIn", "Exists", "DoesNotExist"] }),
          values: strings("Values for In and NotIn."),
        },
      },
    },
  },
};

function presetSpec(version: WorkspaceVersion, what: string): JsonSchema {
  const presetOptions: Record<string, JsonSchema> = {
    image: str("Image of a private preset (accessMode private)."),
    imagePullSecrets: strings("Secrets to pull the private preset image."),
  };
  if (version === "v1beta1") {
    presetOptions.modelAccessSecret = str("Secret in the Workspace's namespace with key HF_TOKEN, for gated models.");
  }
  return {
    type: "object",
    description: `The model preset to ${what}.`,
    required: ["name"],
    properties: {
      name: str("Preset name, for example phi-3-mini-4k-instruct (kaito-gitops presets lists them).", { pattern: "^\\S+$" }),
      accessMode: str("public (default) or private (the image comes from presetOptions.image).", {
        enum: ["public", "private"],
      }),
      presetOptions: { type: "object", properties: presetOptions },
    },
  };
}

const dataSource: JsonSchema = {
  type: "object",
  properties: {
    name: str("Name of the data source; adapters are mounted and addressed by it."),
    urls: strings("HTTP(S) URLs of files to download."),
    volumeSource: freeForm("A Kubernetes VolumeSource holding the data."),
    image: str("Image whose /data folder holds the data."),
    imagePullSecrets: strings("Secrets to pull the image."),
  },
};

const dataDestination: JsonSchema = {
  type: "object",
  properties: {
    volumeSource: freeForm("A Kubernetes VolumeSource to write the results to."),
    image: str("Image to push the results to; needs imagePushSecret."),
    imagePushSecret: str("Secret with registry credentials to push the results image."),
  },
};

const condition: JsonSchema = {
  type: "object",
  required: ["type", "status", "reason", "message", "lastTransitionTime"],
  properties: {
    type: str("ResourceReady, InferenceReady, JobStarted, WorkspaceSucceeded or WorkspaceReady."),
    status: str("True, False or Unknown.", { enum: ["True", "False", "Unknown"] }),
    reason: str("A CamelCase reason."),
    message: str("What happened, for a person."),
    lastTransitionTime: str("When the status last changed (RFC 3339)."),
    observedGeneration: { type: "integer", minimum: 0 },
  },
};

function statusSchema(version: WorkspaceVersion): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    workerNodes: strings("Nodes that run this Workspace."),
    conditions: {
      type: "array",
      items: condition,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    },
  };
  if (version === "v1beta1") {
    properties.targetNodeCount = { type: "integer", minimum: 0, description: "Nodes the Workspace needs." };
    properties.state = str("Pending, Ready, NotReady, Running, Succeeded or Failed.", {
      enum: ["Pending", "Ready", "NotReady", "Running", "Succeeded", "Failed"],
    });
  }
  return { type: "object", properties };
}

function resourceSchema(version: WorkspaceVersion): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    instanceType: str("GPU instance type of the nodes to provision, for example Standard_NC6s_v3."),
    count: {
      type: "integer",
      minimum: 1,
      maximum: 1024,
      description: "Number of GPU nodes; derived from the preset and instance type when absent.",
    },
    labelSelector,
    preferredNodes: strings("Existing nodes to run on instead of provisioning new ones."),
  };
  if (version === "v1beta1") {
    properties.partition = {
      type: "object",
      description: "GPU partitioning on existing (BYO) nodes.",
      required: ["mode"],
      properties: {
        mode: str("mig or accelerator.", { enum: ["mig", "accelerator"] }),
        profile: str("MIG profile, for example 1g.10gb."),
        count: { type: "integer", minimum: 1 },
      },
    };
  }
  // KAITO's CRD lists labelSelector as required, yet KAITO v0.12 admits a Workspace without one
  // (the conformance corpus, misc-no-labelselector); its nodes then carry only KAITO's labels.
  return { type: "object", properties };
}

/** The schema of one served version of the Workspace CRD. */
export function workspaceSchema(version: WorkspaceVersion): JsonSchema {
  return {
    type: "object",
    description: "A GPU model workload: a preset served for inference or fine-tuned, on nodes of one GPU instance type.",
    required: ["apiVersion", "kind", "metadata"],
    properties: {
      apiVersion: str("kaito.sh/v1alpha1 or kaito.sh/v1beta1."),
      kind: str("Workspace."),
      metadata: { type: "object" },
      resource: resourceSchema(version),
      inference: {
        type: "object",
        description: "Serve a model. Exclusive with tuning.",
        properties: {
          preset: presetSpec(version, "serve"),
          template: freeForm("A custom pod template (corev1.PodTemplateSpec), exclusive with preset."),
          adapters: {
            type: "array",
            maxItems: 10,
            description: "LoRA adapters to load with the model.",
            items: {
              type: "object",
              properties: {
                source: dataSource,
                strength: str("Adapter strength, a decimal string from 0 to 1; 1.0 by default."),
              },
            },
          },
          config: str("Name of a ConfigMap with key inference_config.yaml."),
        },
      },
      tuning: {
        type: "object",
        description: "Fine-tune a model. Exclusive with inference.",
        properties: {
          preset: presetSpec(version, "fine-tune"),
          method: str("lora or qlora.", { enum: ["lora", "qlora"] }),
          config: str("Name of a ConfigMap with key training_config.yaml."),
          input: dataSource,
          output: dataDestination,
        },
      },
      status: statusSchema(version),
    },
  };
}

/**
 * The strict variant for our own validator: every object with declared properties rejects
 * unknown ones (KAITO's webhook disallows unknown fields too), except metadata, which the API
 * server owns.
 */
export function strictSchema(schema: JsonSchema, path: readonly string[] = []): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, strictSchema(v, [...path, k])]),
    );
    if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties === undefined) {
      out.additionalProperties = false;
    }
  }
  if (schema.items) out.items = strictSchema(schema.items, [...path, "[]"]);
  return out;
}

const stringMap: JsonSchema = { type: "object", additionalProperties: { type: "string" } };

/**
 * The metadata fields our rules read. The CRD may say no more than `type: object` about metadata
 * (the API server owns it), but files reach the CLI and the plugin unchecked, so the validator
 * types what it relies on; other metadata fields pass.
 */
const objectMeta: JsonSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    uid: { type: "string" },
    labels: stringMap,
    annotations: stringMap,
  },
};

/** What our validator checks: the strict schema, with metadata typed. */
export function validatorSchema(version: WorkspaceVersion): JsonSchema {
  const strict = strictSchema(workspaceSchema(version));
  return { ...strict, properties: { ...strict.properties, metadata: objectMeta } };
}
