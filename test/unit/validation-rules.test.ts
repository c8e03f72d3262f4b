// One test per validation rule: each starts from a small valid Workspace (inference or tuning),
// changes one thing, and asserts the rule id, the formatted field path and the message's key
// phrases. Presets and instance types come from the built-in catalog, so the numbers are real.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";
import {
  checkWorkspace,
  errorsOf,
  expandOptions,
  formatPath,
  formatViolation,
  loadCatalog,
  warningsOf,
} from "../../workspace/index.js";
import type {
  AdapterSpec,
  CheckResult,
  ExpandOptions,
  InferenceSpec,
  ModelPreset,
  PresetSpec,
  ResourceSpec,
  Severity,
  TuningSpec,
  Violation,
  Workspace,
} from "../../workspace/index.js";

const catalog = loadCatalog();
const options = expandOptions({});

// ---------------------------------------------------------------------------------------------
// The valid bases. phi-3-mini-4k-instruct needs 9 GiB, Standard_NV36ads_A10_v5 has 1 × A10 with
// 24 GiB: one node, 38% of the memory, vLLM by default. Tuning it with QLoRA needs 72 GiB, which
// one Standard_NC24ads_A100_v4 (1 × A100, 80 GiB) holds.

const INFERENCE: Workspace = {
  apiVersion: "kaito.sh/v1beta1",
  kind: "Workspace",
  metadata: { name: "phi-3", namespace: "default" },
  resource: { instanceType: "Standard_NV36ads_A10_v5", labelSelector: { matchLabels: { apps: "phi-3" } } },
  inference: { preset: { name: "phi-3-mini-4k-instruct" } },
};

const TUNING: Workspace = {
  apiVersion: "kaito.sh/v1beta1",
  kind: "Workspace",
  metadata: { name: "tune-phi-3", namespace: "default" },
  resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: "tune-phi-3" } } },
  tuning: {
    preset: { name: "phi-3-mini-4k-instruct" },
    method: "qlora",
    input: { urls: ["https://example.com/datasets/train.parquet"] },
    output: { image: "registry.example.com/adapters/phi-3-qlora:v1", imagePushSecret: "registry-push" },
  },
};

const ADAPTER: AdapterSpec = { source: { name: "dolly", image: "registry.example.com/adapters/dolly:v1" } };

// ---------------------------------------------------------------------------------------------
// Building variants: a deep clone of a base and one change.

function must<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} is missing from the base Workspace`);
  return value;
}
const resourceOf = (ws: Workspace): ResourceSpec => must(ws.resource, "resource");
const inferenceOf = (ws: Workspace): InferenceSpec => must(ws.inference, "inference");
const tuningOf = (ws: Workspace): TuningSpec => must(ws.tuning, "tuning");
const presetOf = (ws: Workspace): PresetSpec => must(inferenceOf(ws).preset, "inference.preset");

function variant(base: Workspace, change: (ws: Workspace) => void): Workspace {
  const ws = structuredClone(base);
  change(ws);
  return ws;
}
const inference = (change: (ws: Workspace) => void): Workspace => variant(INFERENCE, change);
const tuning = (change: (ws: Workspace) => void): Workspace => variant(TUNING, change);

/** For changes the types forbid (wrong types, unknown fields): the clone as plain records. */
type Raw = Record<string, Record<string, Record<string, unknown>>>;
function rawVariant(base: Workspace, change: (ws: Raw) => void): unknown {
  const ws = structuredClone(base) as unknown as Raw;
  change(ws);
  return ws;
}

const annotated = (key: string, value: string) => (ws: Workspace): void => {
  ws.metadata.annotations = { ...ws.metadata.annotations, [key]: value };
};

function withAdapters(...adapters: AdapterSpec[]): Workspace {
  return inference((ws) => {
    inferenceOf(ws).adapters = structuredClone(adapters);
  });
}

/** llama-3.1-8b-instruct needs 22 GiB and can span nodes; Standard_NC4_A2 has 1 × 16 GiB. */
const llama8bOnA2 = (count?: number): Workspace =>
  inference((ws) => {
    ws.inference = { preset: { name: "llama-3.1-8b-instruct", presetOptions: { modelAccessSecret: "hf-token" } } };
    resourceOf(ws).instanceType = "Standard_NC4_A2";
    if (count !== undefined) resourceOf(ws).count = count;
  });

const check = (ws: unknown, opts: ExpandOptions = options, old?: unknown): CheckResult => checkWorkspace(ws, catalog, opts, old);

// ---------------------------------------------------------------------------------------------
// Assertions.

/** Every rule id a test asserted on; the last test compares it with the rule ids in the sources. */
const covered = new Set<string>();

const listed = (result: CheckResult): string =>
  result.violations.length === 0 ? "no violations" : result.violations.map((v) => `${v.severity} ${v.rule} ${formatViolation(v)}`).join("\n  ");

/** A RegExp matching `text` literally, so messages can be matched phrase by phrase. */
const phrase = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

interface Expected {
  readonly rule: string;
  readonly path: string;
  readonly severity?: Severity;
  readonly message: readonly (RegExp | string)[];
}

/** Exactly one violation of `rule` at `path`, with the given severity and message phrases. */
function expectViolation(result: CheckResult, expected: Expected): Violation {
  const matches = result.violations.filter((v) => v.rule === expected.rule && formatPath(v.path) === expected.path);
  assert.equal(matches.length, 1, `expected one ${expected.rule} at ${expected.path}; got\n  ${listed(result)}`);
  const [v] = matches;
  assert.ok(v);
  assert.equal(v.severity, expected.severity ?? "error", `severity of ${formatViolation(v)}`);
  for (const p of expected.message) assert.match(v.message, typeof p === "string" ? phrase(p) : p);
  covered.add(v.rule);
  return v;
}

/** The violation is the only one: the change broke exactly this. */
function expectOnly(result: CheckResult, expected: Expected): Violation {
  const v = expectViolation(result, expected);
  assert.equal(result.violations.length, 1, `expected only ${expected.rule}; got\n  ${listed(result)}`);
  return v;
}

function rulesOf(result: CheckResult): string[] {
  return result.violations.map((v) => `${v.rule} @ ${formatPath(v.path)}`);
}

function expectValid(result: CheckResult): Workspace {
  assert.deepEqual(errorsOf(result.violations), [], `expected no errors; got\n  ${listed(result)}`);
  assert.ok(result.checked, "a valid Workspace is checked");
  return result.checked.workspace;
}

// ---------------------------------------------------------------------------------------------

describe("the valid bases", () => {
  test("the minimal inference Workspace has no violations at all", () => {
    const result = check(INFERENCE);
    assert.deepEqual(result.violations, []);
    const ws = expectValid(result);
    assert.equal(ws.resource?.count, 1);
    assert.equal(ws.metadata.annotations?.["kaito.sh/runtime"], "vllm");
  });

  test("the minimal tuning Workspace has no violations at all", () => {
    const result = check(TUNING);
    assert.deepEqual(result.violations, []);
    expectValid(result);
  });

  test("errors come before warnings, whatever order the rules ran in", () => {
    // preset.deprecated (a warning) is found before adapter.strength (an error), and
    // adapter.strength.vllm (a warning) after it.
    const ws = variant(
      withAdapters({ ...ADAPTER, strength: "0.5" }, { source: { name: "second", image: "registry.example.com/a:v1" }, strength: "half" }),
      (w) => {
        presetOf(w).name = "falcon-7b";
      },
    );
    const result = check(ws);
    assert.deepEqual(
      result.violations.map((v) => `${v.severity} ${v.rule}`),
      ["error adapter.strength", "warning preset.deprecated", "warning adapter.strength.vllm"],
    );
    assert.deepEqual(result.violations, [...errorsOf(result.violations), ...warningsOf(result.violations)]);
    assert.equal(result.checked, undefined, "no checked Workspace while there are errors");
  });
});

describe("schema (workspace/api/validator.ts)", () => {
  test("schema.required: a missing required field is named by its full path", () => {
    const result = check(
      inference((ws) => {
        delete (resourceOf(ws) as Partial<ResourceSpec>).labelSelector;
      }),
    );
    expectOnly(result, { rule: "schema.required", path: "resource.labelSelector", message: ["required field is missing"] });
  });

  test("schema.required: a Workspace without resource (checked in validate/resource.ts)", () => {
    const result = check(
      inference((ws) => {
        delete ws.resource;
      }),
    );
    expectOnly(result, { rule: "schema.required", path: "resource", message: ["required", "resource.labelSelector", "resource.instanceType"] });
  });

  test("schema.unknownField: a misspelt field, with the field it probably meant", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        const preset = ws.inference?.preset as Record<string, unknown>;
        preset.nmae = preset.name;
      }),
    );
    expectOnly(result, { rule: "schema.unknownField", path: "inference.preset.nmae", message: [/^unknown field/, 'did you mean "name"?'] });
  });

  test("schema.unknownField: a field with no near neighbour gets no suggestion (spec: KAITO has no spec)", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        ws.spec = {};
      }),
    );
    const v = expectOnly(result, { rule: "schema.unknownField", path: "spec", message: [/^unknown field$/] });
    assert.doesNotMatch(v.message, /did you mean/);
  });

  test("schema.type: metadata the rules read is typed too (a null name, a number as a label)", () => {
    const result = check(
      inference((ws) => {
        (ws.metadata as { name: unknown }).name = null;
        (ws.metadata as { labels: unknown }).labels = { team: 7 };
      }),
    );
    assert.deepEqual(
      result.violations.map((v) => [v.rule, formatPath(v.path), v.message]),
      [
        ["schema.type", "metadata.name", "expected a string, got null"],
        ["schema.type", "metadata.labels.team", "expected a string, got number 7"],
      ],
    );
  });

  test("schema.type: a count written as a string", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        const resource = ws.resource as Record<string, unknown>;
        resource.count = "2";
      }),
    );
    expectOnly(result, { rule: "schema.type", path: "resource.count", message: ["expected an integer", 'got the string "2"'] });
  });

  test("schema.enum: an accessMode that is neither public nor private", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        const preset = ws.inference?.preset as Record<string, unknown>;
        preset.accessMode = "secret";
      }),
    );
    expectOnly(result, {
      rule: "schema.enum",
      path: "inference.preset.accessMode",
      message: ["must be one of public, private", 'got the string "secret"'],
    });
  });

  test("schema.maxItems: more than 10 adapters", () => {
    const adapters = Array.from({ length: 11 }, (_, i): AdapterSpec => ({
      source: { name: `adapter-${i}`, image: `registry.example.com/adapters/a${i}:v1` },
    }));
    const result = check(withAdapters(...adapters));
    expectOnly(result, { rule: "schema.maxItems", path: "inference.adapters", message: [/more than 10 items/] });
  });
});

describe("kind and apiVersion (workspace/validate/check.ts)", () => {
  test("kind: another kind of the same group", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        (ws as Record<string, unknown>).kind = "RAGEngine";
      }),
    );
    expectOnly(result, { rule: "kind", path: "kind", message: ["expected kind Workspace of kaito.sh", "got RAGEngine of kaito.sh/v1beta1"] });
  });

  test("kind: not an object at all", () => {
    const result = check([INFERENCE]);
    expectOnly(result, { rule: "kind", path: "(the object)", message: ["expected a kaito.sh Workspace object", "got a list"] });
  });

  test("apiVersion: a version KAITO does not serve", () => {
    const result = check(
      rawVariant(INFERENCE, (ws) => {
        (ws as Record<string, unknown>).apiVersion = "kaito.sh/v1";
      }),
    );
    expectOnly(result, {
      rule: "apiVersion",
      path: "apiVersion",
      message: ["unknown version kaito.sh/v1 of Workspace", "served versions are kaito.sh/v1alpha1, kaito.sh/v1beta1"],
    });
  });
});

describe("metadata and annotations (workspace/validate/metadata.ts)", () => {
  test("metadata.name: not a DNS label", () => {
    const result = check(
      inference((ws) => {
        ws.metadata.name = "Phi_3";
      }),
    );
    expectOnly(result, { rule: "metadata.name", path: "metadata.name", message: ['"Phi_3"', "lower case letters, digits and '-'"] });
  });

  test("metadata.name: missing (generateName is not supported)", () => {
    const result = check(
      inference((ws) => {
        delete ws.metadata.name;
        ws.metadata.generateName = "phi-3-";
      }),
    );
    expectOnly(result, { rule: "metadata.name", path: "metadata.name", message: ["required", "generateName is not supported"] });
  });

  test("metadata.namespace: not a DNS label", () => {
    const result = check(
      inference((ws) => {
        ws.metadata.namespace = "Team A";
      }),
    );
    expectOnly(result, { rule: "metadata.namespace", path: "metadata.namespace", message: ['"Team A"', "lower case letters"] });
  });

  test("annotation.runtime: neither vllm nor transformers", () => {
    const result = check(inference(annotated("kaito.sh/runtime", "tensorrt")));
    expectOnly(result, {
      rule: "annotation.runtime",
      path: 'metadata.annotations["kaito.sh/runtime"]',
      message: ["must be vllm or transformers", '"tensorrt"'],
    });
  });

  test("annotation.nodeImageFamily: an unsupported node image family", () => {
    const result = check(inference(annotated("kaito.sh/node-image-family", "windows")));
    expectOnly(result, {
      rule: "annotation.nodeImageFamily",
      path: 'metadata.annotations["kaito.sh/node-image-family"]',
      message: ['unsupported node image family "windows"', "supported values are ubuntu, azurelinux"],
    });
  });

  test("annotation.gpusPerNode: zero GPUs per node", () => {
    const result = check(inference(annotated("kaito-gitops.io/gpus-per-node", "0")));
    expectOnly(result, {
      rule: "annotation.gpusPerNode",
      path: 'metadata.annotations["kaito-gitops.io/gpus-per-node"]',
      message: ["whole number from 1 to 999", 'got "0"'],
    });
  });

  test("metadata.name: the Service is named after the Workspace, so the name must start with a letter", () => {
    const result = check(inference((ws) => {
      ws.metadata.name = "9b";
    }));
    expectOnly(result, { rule: "metadata.name", path: "metadata.name", message: ['"9b"', "must start with a letter"] });
  });

  test("metadata.name.distributed: a model split across nodes needs a name of at most 52 characters", () => {
    const long = `w${"x".repeat(54)}`;
    const result = check(inference((ws) => {
      ws.metadata.name = long;
      ws.resource = { instanceType: "Standard_NC80adis_H100_v5", labelSelector: { matchLabels: { apps: "big" } } };
      ws.inference = { preset: { name: "llama-3.3-70b-instruct", presetOptions: { modelAccessSecret: "hf-token" } } };
    }));
    expectOnly(result, { rule: "metadata.name.distributed", path: "metadata.name", message: ["split across 2 nodes as a StatefulSet", "at most 52 characters", "this name has 55"] });
  });

  test("annotation.rolloutSteps: a step the canary cannot run without traffic routing", () => {
    const result = check(inference(annotated("kaito-gitops.io/rollout-steps", "[{setWeight: 50}, {setCanaryScale: {replicas: 1}}]")));
    expectOnly(result, {
      rule: "annotation.rolloutSteps",
      path: 'metadata.annotations["kaito-gitops.io/rollout-steps"]',
      message: ["step 2", 'unsupported step "setCanaryScale"', "supported are setWeight and pause"],
    });
  });

  test("annotation.rolloutSteps: not a list, and a weight over 100", () => {
    expectOnly(check(inference(annotated("kaito-gitops.io/rollout-steps", "{setWeight: 50}"))), {
      rule: "annotation.rolloutSteps",
      path: 'metadata.annotations["kaito-gitops.io/rollout-steps"]',
      message: ["must be a list of steps"],
    });
    expectOnly(check(inference(annotated("kaito-gitops.io/rollout-steps", "[{setWeight: 150}]"))), {
      rule: "annotation.rolloutSteps",
      path: 'metadata.annotations["kaito-gitops.io/rollout-steps"]',
      message: ["setWeight must be a whole number from 0 to 100"],
    });
  });
});

describe("the workload's shape (workspace/validate/workload.ts)", () => {
  test("workspace.inferenceOrTuning: neither inference nor tuning", () => {
    const result = check(
      inference((ws) => {
        delete ws.inference;
      }),
    );
    expectOnly(result, { rule: "workspace.inferenceOrTuning", path: "inference", message: ["either inference or tuning must be specified", "not neither"] });
  });

  test("workspace.inferenceOrTuning: both inference and tuning", () => {
    const result = check(
      inference((ws) => {
        ws.tuning = structuredClone(TUNING.tuning);
      }),
    );
    expectOnly(result, { rule: "workspace.inferenceOrTuning", path: "tuning", message: ["but not both"] });
  });

  test("inference.presetOrTemplate: neither preset nor template", () => {
    const result = check(
      inference((ws) => {
        ws.inference = {};
      }),
    );
    expectOnly(result, {
      rule: "inference.presetOrTemplate",
      path: "inference.preset",
      message: ["either inference.preset or inference.template must be specified"],
    });
  });

  test("inference.presetOrTemplate: both preset and template", () => {
    const result = check(
      inference((ws) => {
        inferenceOf(ws).template = { spec: { containers: [{ name: "model", image: "registry.example.com/model:v1" }] } };
      }),
    );
    expectOnly(result, {
      rule: "inference.presetOrTemplate",
      path: "inference.template",
      message: ["inference.preset and inference.template cannot be set at the same time"],
    });
  });

  test("inference.adapters: adapters with a custom template", () => {
    const result = check(
      variant(withAdapters(ADAPTER), (ws) => {
        const spec = inferenceOf(ws);
        delete spec.preset;
        spec.template = { spec: { containers: [{ name: "model", image: "registry.example.com/model:v1" }] } };
      }),
    );
    expectOnly(result, { rule: "inference.adapters", path: "inference.adapters", message: ["adapters need a preset", "custom template loads its own"] });
  });

  test("configMapName: inference.config that is not a ConfigMap name", () => {
    const result = check(
      inference((ws) => {
        inferenceOf(ws).config = "Inference_Config";
      }),
    );
    expectOnly(result, { rule: "configMapName", path: "inference.config", message: ['ConfigMap name "Inference_Config"', "lower case letters"] });
  });

  test("configMapName: tuning.config too", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).config = "training config";
      }),
    );
    expectOnly(result, { rule: "configMapName", path: "tuning.config", message: ['ConfigMap name "training config"'] });
  });
});

describe("the preset (workspace/validate/preset.ts)", () => {
  test("preset.unknown: a prefix of a preset name suggests that family", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "phi-3-mini";
      }),
    );
    expectOnly(result, {
      rule: "preset.unknown",
      path: "inference.preset.name",
      message: ['unknown preset "phi-3-mini"', 'did you mean "phi-3-mini-4k-instruct", "phi-3-mini-128k-instruct"?', "kaito-gitops presets"],
    });
  });

  test("preset.unknown: a typo suggests the intended preset first", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "phi-3-mini-4k-instuct";
      }),
    );
    expectOnly(result, { rule: "preset.unknown", path: "inference.preset.name", message: ['(did you mean "phi-3-mini-4k-instruct",'] });
  });

  test("preset.deprecated: a warning with KAITO's reason; the Workspace is still accepted", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "falcon-7b";
      }),
    );
    expectOnly(result, {
      rule: "preset.deprecated",
      path: "inference.preset.name",
      severity: "warning",
      message: ["preset falcon-7b is deprecated", "Removed in KAITO v0.11.0"],
    });
    expectValid(result);
  });

  test("preset.private: a private-weights preset without accessMode private", () => {
    // llama-2-7b only ever ran from an image the user built (weights: private).
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "llama-2-7b";
      }),
    );
    expectViolation(result, {
      rule: "preset.private",
      path: "inference.preset.accessMode",
      message: ["preset llama-2-7b only supports accessMode private", "presetOptions.image"],
    });
    assert.deepEqual(rulesOf(result), ["preset.private @ inference.preset.accessMode", "preset.deprecated @ inference.preset.name"]);
  });

  test("preset.private: accessMode private without presetOptions.image", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).accessMode = "private";
      }),
    );
    expectOnly(result, {
      rule: "preset.private",
      path: "inference.preset.presetOptions.image",
      message: ["accessMode private needs presetOptions.image"],
    });
  });

  test("preset.private: a private-weights preset with accessMode private but no image", () => {
    const result = check(
      inference((ws) => {
        ws.inference = { preset: { name: "llama-2-7b", accessMode: "private" } };
      }),
    );
    expectViolation(result, { rule: "preset.private", path: "inference.preset.presetOptions.image", message: ["accessMode private needs presetOptions.image"] });
    assert.deepEqual(errorsOf(result.violations).map((v) => v.rule), ["preset.private"]);
  });

  test("image.reference: presetOptions.image with an upper-case repository", () => {
    const result = check(
      inference((ws) => {
        ws.inference = { preset: { name: "phi-3-mini-4k-instruct", accessMode: "private", presetOptions: { image: "myregistry.azurecr.io/Phi-3:latest" } } };
      }),
    );
    expectOnly(result, {
      rule: "image.reference",
      path: "inference.preset.presetOptions.image",
      message: ['"myregistry.azurecr.io/Phi-3:latest" is not a valid image reference', "repository in lower case"],
    });
  });

  test("image.reference: an adapter image, tuning input and output images", () => {
    const adapter = check(withAdapters({ source: { name: "dolly", image: "registry.example.com/Adapters/Dolly:v1" } }));
    expectOnly(adapter, { rule: "image.reference", path: "inference.adapters[0].source.image", message: ["is not a valid image reference"] });

    const input = check(
      tuning((ws) => {
        tuningOf(ws).input = { image: "registry.example.com/data:v1 latest" };
      }),
    );
    expectOnly(input, { rule: "image.reference", path: "tuning.input.image", message: ['"registry.example.com/data:v1 latest" is not a valid image reference'] });

    const output = check(
      tuning((ws) => {
        tuningOf(ws).output = { image: "", imagePushSecret: "registry-push" };
      }),
    );
    expectOnly(output, { rule: "image.reference", path: "tuning.output.image", message: ["must not be empty"] });
  });

  test("preset.modelAccessSecret: v1alpha1 cannot serve a gated model (it has no modelAccessSecret)", () => {
    const result = check(
      inference((ws) => {
        ws.apiVersion = "kaito.sh/v1alpha1";
        presetOf(ws).name = "llama-3.1-8b-instruct";
        resourceOf(ws).instanceType = "Standard_NC24ads_A100_v4";
      }),
    );
    expectOnly(result, {
      rule: "preset.modelAccessSecret",
      path: "inference.preset.presetOptions.modelAccessSecret",
      message: ["preset llama-3.1-8b-instruct is a gated model", "HF_TOKEN", "only kaito.sh/v1beta1 has"],
    });
  });

  test("preset.modelAccessSecret: v1beta1 gated model without the Secret", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "llama-3.1-8b-instruct";
        resourceOf(ws).instanceType = "Standard_NC24ads_A100_v4";
      }),
    );
    expectOnly(result, {
      rule: "preset.modelAccessSecret",
      path: "inference.preset.presetOptions.modelAccessSecret",
      message: ["preset llama-3.1-8b-instruct is a gated model", "set presetOptions.modelAccessSecret to a Secret with key HF_TOKEN"],
    });
  });

  test("preset.modelAccessSecret: a Secret the preset does not use (weights in its image)", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).presetOptions = { modelAccessSecret: "hf-token" };
      }),
    );
    expectOnly(result, {
      rule: "preset.modelAccessSecret",
      path: "inference.preset.presetOptions.modelAccessSecret",
      message: ["preset phi-3-mini-4k-instruct ships its weights in its image", "remove it"],
    });
  });

  test("preset.runtime: a runtime the preset does not support", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "phi-4-mini-instruct";
        annotated("kaito.sh/runtime", "transformers")(ws);
      }),
    );
    expectOnly(result, {
      rule: "preset.runtime",
      path: 'metadata.annotations["kaito.sh/runtime"]',
      message: ["preset phi-4-mini-instruct does not run on transformers", "it supports vllm"],
    });
  });
});

describe("resource (workspace/validate/resource.ts)", () => {
  test("resource.labelSelector: an expression that cannot become a node label", () => {
    const result = check(
      inference((ws) => {
        resourceOf(ws).labelSelector.matchExpressions = [{ key: "zone", operator: "NotIn", values: ["westus"] }];
      }),
    );
    expectOnly(result, {
      rule: "resource.labelSelector",
      path: "resource.labelSelector.matchExpressions[0]",
      message: ['only matchLabels or "In" expressions with exactly one value', "got NotIn with 1 value(s)"],
    });
  });

  test("resource.labelSelector: only KAITO's reserved labels", () => {
    const result = check(
      inference((ws) => {
        resourceOf(ws).labelSelector = { matchLabels: { "kaito.sh/workspace": "phi-3" } };
      }),
    );
    expectOnly(result, {
      rule: "resource.labelSelector",
      path: "resource.labelSelector",
      message: ["must select at least one label of your own", "reserved labels"],
    });
  });

  test("resource.instanceType.required: v1beta1 needs an instance type (or preferred nodes)", () => {
    const result = check(
      inference((ws) => {
        delete resourceOf(ws).instanceType;
      }),
    );
    expectOnly(result, {
      rule: "resource.instanceType.required",
      path: "resource.instanceType",
      message: ["required: the GPU instance type", "resource.preferredNodes"],
    });
  });

  test("resource.instanceType.required: v1alpha1 defaults it to Standard_NC24ads_A100_v4 instead", () => {
    const result = check(
      inference((ws) => {
        ws.apiVersion = "kaito.sh/v1alpha1";
        delete resourceOf(ws).instanceType;
      }),
    );
    assert.deepEqual(result.violations, []);
    const ws = expectValid(result);
    assert.equal(ws.resource?.instanceType, "Standard_NC24ads_A100_v4");
    assert.equal(result.checked?.plan.instanceType?.name, "Standard_NC24ads_A100_v4");
  });

  test("resource.instanceType.unknown: a name missing its suffix suggests the nearest ones", () => {
    const result = check(
      inference((ws) => {
        resourceOf(ws).instanceType = "Standard_NV36ads_A10";
      }),
    );
    expectOnly(result, {
      rule: "resource.instanceType.unknown",
      path: "resource.instanceType",
      message: ['unknown instance type "Standard_NV36ads_A10"', '(did you mean "Standard_NV36ads_A10_v5",', "--catalog", "allow unknown instance types"],
    });
  });

  test("resource.instanceType.unknown: allowUnknownInstanceTypes turns it into a resource.fitNotChecked warning", () => {
    const result = check(
      inference((ws) => {
        resourceOf(ws).instanceType = "Standard_NV36ads_A10";
      }),
      expandOptions({ allowUnknownInstanceTypes: true }),
    );
    expectOnly(result, {
      rule: "resource.fitNotChecked",
      path: "resource.instanceType",
      severity: "warning",
      message: ["instance type Standard_NV36ads_A10 is not in the catalog", "the GPU fit is not checked", "kaito-gitops.io/gpus-per-node"],
    });
    expectValid(result);
  });

  test("resource.instanceType.deprecated: a warning with KAITO's reason", () => {
    const result = check(
      inference((ws) => {
        resourceOf(ws).instanceType = "Standard_NC6s_v3";
      }),
    );
    expectOnly(result, {
      rule: "resource.instanceType.deprecated",
      path: "resource.instanceType",
      severity: "warning",
      message: ["Standard_NC6s_v3:", "Removed from KAITO's SKU table"],
    });
    expectValid(result);
  });

  test("resource.perGPUMemory: GPUs too small for the preset, with instance types that fit", () => {
    // llama-3.3-70b-instruct needs 80 GiB on each GPU; Standard_ND96asr_A100_v4 has 8 × 40 GiB.
    const result = check(
      inference((ws) => {
        ws.inference = { preset: { name: "llama-3.3-70b-instruct", presetOptions: { modelAccessSecret: "hf-token" } } };
        resourceOf(ws).instanceType = "Standard_ND96asr_A100_v4";
      }),
    );
    expectOnly(result, {
      rule: "resource.perGPUMemory",
      path: "resource.instanceType",
      message: [
        "preset llama-3.3-70b-instruct needs at least 80 GiB on each GPU",
        "Standard_ND96asr_A100_v4's NVIDIA A100 GPUs have 40 GiB",
        "instance types that hold it on one node: Standard_NC96ads_A100_v4, Standard_ND96amsr_A100_v4",
      ],
    });
  });

  test("resource.singleNode: a single-node preset too big for one node, with instance types that fit", () => {
    // qwen2.5-coder-32b-instruct needs 70 GiB and cannot be split; the A10 node has 24 GiB.
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "qwen2.5-coder-32b-instruct";
      }),
    );
    expectOnly(result, {
      rule: "resource.singleNode",
      path: "resource.instanceType",
      message: [
        "preset qwen2.5-coder-32b-instruct needs 70 GiB of GPU memory on one node",
        "cannot be split across nodes",
        "Standard_NV36ads_A10_v5 has 1 × NVIDIA A10 (24 GiB of GPU memory)",
        "instance types that hold it on one node: Standard_NC24ads_A100_v4",
      ],
    });
  });

  test("resource.count: too few nodes; the message says the count to set", () => {
    const result = check(llama8bOnA2(1));
    expectOnly(result, {
      rule: "resource.count",
      path: "resource.count",
      message: [
        "preset llama-3.1-8b-instruct needs 22 GiB of GPU memory",
        "1 node(s) of Standard_NC4_A2 give 16 GiB",
        "set count to 2",
        "or leave it out to derive it",
        "instance types that hold it on one node: Standard_NC16_A16",
      ],
    });
  });

  test("resource.count: derived when absent, and written into the defaulted Workspace", () => {
    const result = check(llama8bOnA2());
    assert.deepEqual(result.violations, []);
    const ws = expectValid(result);
    assert.equal(ws.resource?.count, 2);
    assert.equal(result.checked?.plan.nodeCount, 2);
    assert.equal(result.checked?.plan.distributed, true);
  });

  test("resource.tightFit: a warning when the model takes over 90% of the GPU memory", () => {
    // mistral-7b-instruct needs 16 GiB; Standard_NC4_A2 has exactly 16 GiB.
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "mistral-7b-instruct";
        resourceOf(ws).instanceType = "Standard_NC4_A2";
      }),
    );
    expectOnly(result, {
      rule: "resource.tightFit",
      path: "resource.instanceType",
      severity: "warning",
      message: ["mistral-7b-instruct takes 100% of the GPU memory of 1 × Standard_NC4_A2", "16 GiB of 16 GiB", "KV cache"],
    });
    expectValid(result);
  });

  test("resource.fitNotChecked: kaito.sh/bypass-resource-checks lets a model that does not fit through, with a warning", () => {
    const result = check(
      inference((ws) => {
        presetOf(ws).name = "qwen2.5-coder-32b-instruct";
        annotated("kaito.sh/bypass-resource-checks", "True")(ws);
      }),
    );
    expectOnly(result, {
      rule: "resource.fitNotChecked",
      path: 'metadata.annotations["kaito.sh/bypass-resource-checks"]',
      severity: "warning",
      message: ["kaito.sh/bypass-resource-checks is set", "the GPU memory fit of qwen2.5-coder-32b-instruct is not checked"],
    });
    expectValid(result);
  });

  test("resource.fitNotChecked: preferred nodes without an instance type", () => {
    const result = check(
      inference((ws) => {
        const resource = resourceOf(ws);
        delete resource.instanceType;
        resource.preferredNodes = ["aks-gpu-12345678-vmss000000"];
      }),
    );
    expectOnly(result, {
      rule: "resource.fitNotChecked",
      path: "resource.preferredNodes",
      severity: "warning",
      message: ["no instance type", "phi-3-mini-4k-instruct on the preferred nodes is not checked"],
    });
    expectValid(result);
  });
});

describe("adapters (workspace/validate/adapters.ts)", () => {
  test("a valid adapter at full strength passes", () => {
    assert.deepEqual(check(withAdapters({ ...ADAPTER, strength: "1.0" })).violations, []);
  });

  test("adapter.source: an adapter without a source", () => {
    const result = check(withAdapters({ strength: "1.0" }));
    expectOnly(result, { rule: "adapter.source", path: "inference.adapters[0].source", message: ["required: an adapter needs a source"] });
  });

  test("adapter.name: missing", () => {
    const result = check(withAdapters({ source: { image: "registry.example.com/adapters/dolly:v1" } }));
    expectOnly(result, { rule: "adapter.name", path: "inference.adapters[0].source.name", message: ["required: the adapter's name"] });
  });

  test("adapter.name: not a DNS label", () => {
    const result = check(withAdapters({ source: { name: "Dolly_v2", image: "registry.example.com/adapters/dolly:v1" } }));
    expectOnly(result, { rule: "adapter.name", path: "inference.adapters[0].source.name", message: ['"Dolly_v2"', "lower case letters"] });
  });

  test("adapter.name: an adapter whose init container would take the model container's name", () => {
    const result = check(
      withAdapters({ source: { name: "dolly", image: "registry.example.com/adapters/dolly:v1" } }),
    );
    assert.equal(result.violations.length, 0);
    const clash = structuredClone(withAdapters({ source: { name: "dolly", image: "registry.example.com/adapters/dolly:v1" } }));
    clash.metadata.name = "adapter-dolly";
    expectOnly(check(clash), { rule: "adapter.name", path: "inference.adapters[0].source.name", message: ['init container name "adapter-dolly"', "the Workspace's"] });
  });

  test("adapter.duplicate: the second adapter of the same name points at the first", () => {
    const result = check(withAdapters(ADAPTER, { source: { name: "dolly", image: "registry.example.com/adapters/dolly:v2" } }));
    expectOnly(result, {
      rule: "adapter.duplicate",
      path: "inference.adapters[1].source.name",
      message: ['duplicate adapter name "dolly"', "also at inference.adapters[0]"],
    });
  });

  test("adapter.image: no image and no volumeSource", () => {
    const result = check(withAdapters({ source: { name: "dolly" } }));
    expectOnly(result, { rule: "adapter.image", path: "inference.adapters[0].source.image", message: ["required: the image that holds the adapter"] });
  });

  test("adapter.image: URLs are not an adapter source", () => {
    const result = check(withAdapters({ source: { name: "dolly", urls: ["https://example.com/adapters/dolly.safetensors"] } }));
    expectOnly(result, { rule: "adapter.image", path: "inference.adapters[0].source.urls", message: ["URLs are not supported as an adapter source"] });
  });

  test("adapter.image: both an image and a volumeSource", () => {
    const result = check(withAdapters({ source: { ...ADAPTER.source, volumeSource: { persistentVolumeClaim: { claimName: "adapters" } } } }));
    expectOnly(result, { rule: "adapter.image", path: "inference.adapters[0].source.volumeSource", message: ["an image or a volumeSource, not both"] });
  });

  test("adapter.strength: not a decimal number", () => {
    const result = check(withAdapters({ ...ADAPTER, strength: "half" }));
    expectOnly(result, {
      rule: "adapter.strength",
      path: "inference.adapters[0].strength",
      message: ["must be a decimal number between 0 and 1 written as a string", 'got "half"'],
    });
  });

  test("adapter.strength: above 1", () => {
    const result = check(withAdapters({ ...ADAPTER, strength: "1.5" }));
    expectOnly(result, { rule: "adapter.strength", path: "inference.adapters[0].strength", message: ["must be between 0 and 1; got 1.5"] });
  });

  test("adapter.strength.vllm: a partial strength has no effect on vLLM (a warning); transformers honours it", () => {
    const result = check(withAdapters({ ...ADAPTER, strength: "0.5" }));
    expectOnly(result, {
      rule: "adapter.strength.vllm",
      path: "inference.adapters[0].strength",
      severity: "warning",
      message: ["vLLM applies LoRA adapters at full strength", "strength 0.5", "kaito.sh/runtime: transformers"],
    });
    expectValid(result);
    const onTransformers = check(variant(withAdapters({ ...ADAPTER, strength: "0.5" }), annotated("kaito.sh/runtime", "transformers")));
    assert.deepEqual(onTransformers.violations, []);
  });
});

describe("tuning (workspace/validate/tuning.ts)", () => {
  test("tuning.preset: tuning without a preset", () => {
    const result = check(
      tuning((ws) => {
        delete tuningOf(ws).preset;
      }),
    );
    expectOnly(result, { rule: "tuning.preset", path: "tuning.preset", message: ["required: the preset to fine-tune"] });
  });

  test("tuning.unsupported: a preset that cannot be fine-tuned lists those that can", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).preset = { name: "mistral-7b-instruct" };
      }),
    );
    const v = expectOnly(result, {
      rule: "tuning.unsupported",
      path: "tuning.preset.name",
      message: ["preset mistral-7b-instruct does not support fine-tuning", "presets that do: phi-3-mini-4k-instruct", "qwen2.5-coder-32b-instruct"],
    });
    // Deprecated presets are not offered even when they can be tuned.
    assert.doesNotMatch(v.message, /falcon/);
  });

  test("tuning.method: missing", () => {
    const result = check(
      tuning((ws) => {
        delete tuningOf(ws).method;
      }),
    );
    expectOnly(result, { rule: "tuning.method", path: "tuning.method", message: ["required: lora or qlora"] });
  });

  test("tuning.method: a method the preset does not support", () => {
    // Every built-in tunable preset supports both methods; a user catalog file (--catalog) can
    // restrict one, which is what this rule is for.
    const phi3 = must(catalog.presets.get("phi-3-mini-4k-instruct"), "phi-3-mini-4k-instruct");
    const tuningOfPhi3 = must(phi3.tuning, "phi-3-mini-4k-instruct's tuning");
    const loraOnly: ModelPreset = { ...phi3, tuning: { ...tuningOfPhi3, methods: ["lora"] } };
    const userCatalog = loadCatalog([{ file: "lora-only.yaml", text: JSON.stringify({ presets: [loraOnly] }) }]);
    const result = checkWorkspace(TUNING, userCatalog, options);
    expectOnly(result, {
      rule: "tuning.method",
      path: "tuning.method",
      message: ["preset phi-3-mini-4k-instruct supports lora tuning, not qlora"],
    });
  });

  test("tuning.input: missing", () => {
    const result = check(
      tuning((ws) => {
        delete tuningOf(ws).input;
      }),
    );
    expectOnly(result, { rule: "tuning.input", path: "tuning.input", message: ["required: the training data, from urls, an image or a volumeSource"] });
  });

  test("tuning.input: no source inside input", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).input = { name: "train", urls: [] };
      }),
    );
    expectOnly(result, { rule: "tuning.input", path: "tuning.input", message: ["exactly one of urls, image or volumeSource", "none is"] });
  });

  test("tuning.input: two sources", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).input = { urls: ["https://example.com/datasets/train.parquet"], image: "registry.example.com/datasets/train:v1" };
      }),
    );
    expectOnly(result, { rule: "tuning.input", path: "tuning.input.image", message: ["exactly one of urls, image or volumeSource", "got urls and image"] });
  });

  describe("tuning.input.url: data URLs must not reach the node's metadata or internal endpoints", () => {
    const cases: readonly { url: string; why: string; message: string }[] = [
      { url: "ftp://example.com/datasets/train.parquet", why: "a non-http scheme", message: "must use http or https, not ftp" },
      { url: "http://localhost:8080/train.parquet", why: "localhost", message: "must not target a local or metadata endpoint" },
      { url: "http://169.254.169.254/latest/meta-data/", why: "the link-local metadata address", message: "must not target a loopback, private or link-local address" },
      { url: "http://10.0.0.1/train.parquet", why: "a private address", message: "must not target a loopback, private or link-local address" },
      { url: "http://metadata.google.internal/computeMetadata/v1/", why: "GCP's metadata host", message: "must not target a local or metadata endpoint" },
      { url: "http://2852039166/latest/meta-data/", why: "169.254.169.254 written as one decimal number", message: "must not target a loopback, private or link-local address" },
      // Bugs: WHATWG URL serialises an IPv4-mapped IPv6 address in hex ([::ffff:a9fe:a9fe]),
      // which the dotted-quad pattern in isInternalAddress does not recognise; and a fully
      // qualified host name with its trailing dot is the same host to DNS.
      { url: "http://[::ffff:169.254.169.254]/latest/meta-data/", why: "169.254.169.254 as an IPv4-mapped IPv6 address", message: "must not target a loopback, private or link-local address" },
      { url: "http://[::ffff:127.0.0.1]:8080/train.parquet", why: "127.0.0.1 as an IPv4-mapped IPv6 address", message: "must not target a loopback, private or link-local address" },
      { url: "http://metadata.google.internal./computeMetadata/v1/", why: "GCP's metadata host with a trailing dot", message: "must not target a local or metadata endpoint" },
      { url: "http://localhost.:8080/train.parquet", why: "localhost with a trailing dot", message: "must not target a local or metadata endpoint" },
      // The downloader splits its URL list on spaces.
      { url: "https://example.com/datasets/train copy.parquet", why: "a raw space", message: "contains whitespace; encode it as %20" },
    ];
    for (const { url, why, message } of cases) {
      test(`${why}: ${url}`, () => {
        const result = check(
          tuning((ws) => {
            tuningOf(ws).input = { urls: ["https://example.com/datasets/train.parquet", url] };
          }),
        );
        expectOnly(result, { rule: "tuning.input.url", path: "tuning.input.urls[1]", message: [JSON.stringify(url), message] });
      });
    }
  });

  test("tuning.output: missing", () => {
    const result = check(
      tuning((ws) => {
        delete tuningOf(ws).output;
      }),
    );
    expectOnly(result, { rule: "tuning.output", path: "tuning.output", message: ["required: where the adapter goes"] });
  });

  test("tuning.output: neither image nor volumeSource", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).output = {};
      }),
    );
    expectOnly(result, { rule: "tuning.output", path: "tuning.output", message: ["exactly one of image or volumeSource", "none is"] });
  });

  test("tuning.output: both image and volumeSource", () => {
    const result = check(
      tuning((ws) => {
        tuningOf(ws).output = { ...tuningOf(ws).output, volumeSource: { persistentVolumeClaim: { claimName: "results" } } };
      }),
    );
    expectOnly(result, { rule: "tuning.output", path: "tuning.output", message: ["exactly one of image or volumeSource", "got both"] });
  });

  test("tuning.output.imagePushSecret: an output image without push credentials", () => {
    const result = check(
      tuning((ws) => {
        delete must(tuningOf(ws).output, "tuning.output").imagePushSecret;
      }),
    );
    expectOnly(result, {
      rule: "tuning.output.imagePushSecret",
      path: "tuning.output.imagePushSecret",
      message: ["required with output.image", "registry credentials"],
    });
  });

  test("tuning.count: tuning runs on one node", () => {
    const result = check(
      tuning((ws) => {
        resourceOf(ws).count = 2;
      }),
    );
    expectOnly(result, { rule: "tuning.count", path: "resource.count", message: ["tuning runs on one node", "set resource.count to 1 (got 2)"] });
  });

  test("tuning.fit: not enough GPU memory to fine-tune, with instance types that fit", () => {
    // Fine-tuning phi-3-mini-4k-instruct needs 72 GiB; the A10 node has 24 GiB.
    const result = check(
      tuning((ws) => {
        resourceOf(ws).instanceType = "Standard_NV36ads_A10_v5";
      }),
    );
    expectOnly(result, {
      rule: "tuning.fit",
      path: "resource.instanceType",
      message: [
        "fine-tuning phi-3-mini-4k-instruct needs 72 GiB of GPU memory on one node",
        "Standard_NV36ads_A10_v5 has 24 GiB",
        "instance types that fit: Standard_NC24ads_A100_v4",
      ],
    });
  });
});

describe("updates (workspace/validate/update.ts, via checkWorkspace(new, catalog, options, old))", () => {
  // The stored object: what an earlier admission wrote back (defaults filled in).
  const stored = (ws: Workspace): Workspace => must(check(ws).checked, "the old Workspace is valid").workspace;
  const OLD_INFERENCE = stored(INFERENCE);
  const OLD_TUNING = stored(TUNING);

  const update = (old: Workspace, change: (ws: Workspace) => void): CheckResult => check(variant(old, change), options, old);

  test("an unrelated change (adapters, a label) is allowed", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      ws.metadata.labels = { team: "search" };
      inferenceOf(ws).adapters = [structuredClone(ADAPTER)];
    });
    assert.deepEqual(result.violations, []);
    expectValid(result);
  });

  test("an unchanged Workspace is allowed even when the stored object lacks the defaults", () => {
    // A Workspace stored before this webhook ran (or applied with it failing open) has no
    // accessMode; the defaults this check fills into the new object must not count as a change.
    assert.deepEqual(
      { inference: rulesOf(check(INFERENCE, options, INFERENCE)), tuning: rulesOf(check(TUNING, options, TUNING)) },
      { inference: [], tuning: [] },
    );
  });

  // The same nodes (one Standard_NC24ads_A100_v4, apps: tune-phi-3) serving phi-3 instead of tuning it.
  const OLD_INFERENCE_ON_TUNING_NODES = stored(
    inference((ws) => {
      ws.resource = structuredClone(TUNING.resource);
    }),
  );

  test("immutable.inference: inference cannot be removed (turned into tuning)", () => {
    const result = check(TUNING, options, OLD_INFERENCE_ON_TUNING_NODES);
    expectViolation(result, { rule: "immutable.inference", path: "inference", message: ["inference cannot be removed once the Workspace exists"] });
    assert.deepEqual(rulesOf(result), ["immutable.inference @ inference", "immutable.tuning @ tuning"]);
  });

  test("immutable.tuning: tuning cannot be removed (turned into inference)", () => {
    const result = check(OLD_INFERENCE_ON_TUNING_NODES, options, OLD_TUNING);
    expectViolation(result, { rule: "immutable.tuning", path: "tuning", message: ["tuning cannot be removed once the Workspace exists"] });
    expectViolation(result, { rule: "immutable.inference", path: "inference", message: ["inference cannot be added once the Workspace exists"] });
    assert.deepEqual(rulesOf(result), ["immutable.inference @ inference", "immutable.tuning @ tuning"]);
  });

  test("immutable.count", () => {
    const old = stored(llama8bOnA2()); // count derived: 2
    const result = update(old, (ws) => {
      resourceOf(ws).count = 3;
    });
    expectOnly(result, {
      rule: "immutable.count",
      path: "resource.count",
      message: ["field is immutable: was 2, now 3", "delete and recreate the Workspace to change it"],
    });
  });

  test("immutable.instanceType", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      resourceOf(ws).instanceType = "Standard_NV72ads_A10_v5";
    });
    expectOnly(result, {
      rule: "immutable.instanceType",
      path: "resource.instanceType",
      message: ['field is immutable: was "Standard_NV36ads_A10_v5", now "Standard_NV72ads_A10_v5"', "delete and recreate"],
    });
  });

  test("immutable.labelSelector", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      resourceOf(ws).labelSelector = { matchLabels: { apps: "phi-3-v2" } };
    });
    expectOnly(result, {
      rule: "immutable.labelSelector",
      path: "resource.labelSelector",
      message: ['was {"matchLabels":{"apps":"phi-3"}}', 'now {"matchLabels":{"apps":"phi-3-v2"}}', "delete and recreate"],
    });
  });

  test("immutable.preset", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      presetOf(ws).name = "phi-3-mini-128k-instruct";
    });
    expectOnly(result, {
      rule: "immutable.preset",
      path: "inference.preset",
      message: ['was {"name":"phi-3-mini-4k-instruct"', 'now {"name":"phi-3-mini-128k-instruct"', "delete and recreate"],
    });
  });

  test("immutable.template: a template cannot replace a preset", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      ws.inference = { template: { spec: { containers: [{ name: "model", image: "registry.example.com/model:v1" }] } } };
    });
    expectViolation(result, { rule: "immutable.template", path: "inference.template", message: ["inference.template cannot be set once the Workspace exists"] });
    assert.deepEqual(rulesOf(result), ["immutable.preset @ inference.preset", "immutable.template @ inference.template"]);
  });

  test("immutable.tuningPreset", () => {
    const result = update(OLD_TUNING, (ws) => {
      tuningOf(ws).preset = { name: "phi-3-mini-128k-instruct" };
    });
    expectOnly(result, {
      rule: "immutable.tuningPreset",
      path: "tuning.preset",
      message: ['was {"name":"phi-3-mini-4k-instruct"', 'now {"name":"phi-3-mini-128k-instruct"'],
    });
  });

  test("immutable.tuningMethod", () => {
    const result = update(OLD_TUNING, (ws) => {
      tuningOf(ws).method = "lora";
    });
    expectOnly(result, { rule: "immutable.tuningMethod", path: "tuning.method", message: ['field is immutable: was "qlora", now "lora"', "delete and recreate"] });
  });

  test("immutable.tuningInputName", () => {
    const old = stored(
      variant(TUNING, (ws) => {
        tuningOf(ws).input = { name: "train-v1", urls: ["https://example.com/datasets/train.parquet"] };
      }),
    );
    const result = update(old, (ws) => {
      must(tuningOf(ws).input, "tuning.input").name = "train-v2";
    });
    expectOnly(result, { rule: "immutable.tuningInputName", path: "tuning.input.name", message: ['field is immutable: was "train-v1", now "train-v2"'] });
  });

  test("update violations come first, and the update check only runs on an otherwise valid Workspace", () => {
    const result = update(OLD_INFERENCE, (ws) => {
      resourceOf(ws).instanceType = "Standard_NC6s_v3";
    });
    assert.deepEqual(
      result.violations.map((v) => `${v.severity} ${v.rule}`),
      ["error immutable.instanceType", "warning resource.instanceType.deprecated"],
    );
    assert.equal(result.checked, undefined);
  });
});

describe("coverage", () => {
  test("every rule id in workspace/validate/*.ts and workspace/api/validator.ts has a test above", () => {
    const sources = new URL("../../../workspace/", import.meta.url);
    const files = [
      ...readdirSync(new URL("validate/", sources))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => new URL(`validate/${f}`, sources)),
      new URL("api/validator.ts", sources),
    ];
    const ids = new Set<string>(["schema.maxItems"]); // validator.ts: `schema.${e.keyword}`
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\b(?:error|warning|frozen)\(\s*"([A-Za-z][\w.]*)"/g)) {
        if (m[1] !== undefined) ids.add(m[1]);
      }
    }
    assert.ok(ids.size > 50, `found only ${ids.size} rule ids; did the sources move?`);
    const untested = [...ids].filter((id) => !covered.has(id)).sort();
    assert.deepEqual(untested, [], "rule ids without a test");
  });
});
