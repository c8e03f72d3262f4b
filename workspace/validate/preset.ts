// The preset: known to the catalog, usable with this access mode, credentials and runtime.
import { ANNOTATION_RUNTIME } from "../api/well-known.js";
import type { PresetSpec } from "../api/types.js";
import { findPreset } from "../catalog/catalog.js";
import { didYouMean } from "../catalog/nearest.js";
import type { ModelPreset, Runtime } from "../catalog/types.js";
import type { FieldPath } from "../source/yaml.js";
import { error, warning } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { annotation } from "./context.js";
import { imageReferenceProblem } from "./formats.js";

export interface PresetResult {
  readonly preset?: ModelPreset;
  readonly violations: Violation[];
}

export function checkPreset(ctx: RuleContext, base: FieldPath, spec: PresetSpec): PresetResult {
  const out: Violation[] = [];
  const preset = findPreset(ctx.catalog, spec.name);
  if (!preset) {
    out.push(
      error(
        "preset.unknown",
        [...base, "name"],
        `unknown preset ${JSON.stringify(spec.name)}${didYouMean(spec.name, ctx.catalog.presets.keys())}; \`kaito-gitops presets\` lists them all`,
      ),
    );
    return { violations: out };
  }
  if (preset.deprecated) {
    out.push(warning("preset.deprecated", [...base, "name"], `preset ${preset.name} is deprecated: ${preset.deprecated}`));
  }

  const options = spec.presetOptions;
  const image = options?.image;
  if (preset.weights === "private") {
    if (spec.accessMode !== "private") {
      out.push(
        error("preset.private", [...base, "accessMode"], `preset ${preset.name} only supports accessMode private, with its image in presetOptions.image`),
      );
    } else if (!image) {
      out.push(error("preset.private", [...base, "presetOptions", "image"], "accessMode private needs presetOptions.image, the image that holds the model"));
    }
  } else if (spec.accessMode === "private" && !image) {
    out.push(error("preset.private", [...base, "presetOptions", "image"], "accessMode private needs presetOptions.image, the image that holds the model"));
  }
  if (image !== undefined) {
    const problem = imageReferenceProblem(image);
    if (problem) out.push(error("image.reference", [...base, "presetOptions", "image"], problem));
  }

  const secret = options?.modelAccessSecret;
  if (preset.authRequired && !secret) {
    const path = [...base, "presetOptions", "modelAccessSecret"];
    out.push(
      ctx.version === "v1alpha1"
        ? error("preset.modelAccessSecret", path, `preset ${preset.name} is a gated model: it needs presetOptions.modelAccessSecret (a Secret with key HF_TOKEN), which only kaito.sh/v1beta1 has`)
        : error("preset.modelAccessSecret", path, `preset ${preset.name} is a gated model: set presetOptions.modelAccessSecret to a Secret with key HF_TOKEN`),
    );
  }
  if (secret && preset.weights !== "download") {
    out.push(
      error(
        "preset.modelAccessSecret",
        [...base, "presetOptions", "modelAccessSecret"],
        `preset ${preset.name} ships its weights in its image and does not use a modelAccessSecret; remove it`,
      ),
    );
  }
  return { preset, violations: out };
}

export interface RuntimeResult {
  readonly runtime?: Runtime;
  readonly violations: Violation[];
}

/** The runtime: the kaito.sh/runtime annotation if set, else the preset's first (default) runtime. */
export function checkRuntime(ctx: RuleContext, preset: ModelPreset): RuntimeResult {
  const wanted = annotation(ctx.ws, ANNOTATION_RUNTIME);
  if (wanted === undefined) return { runtime: preset.runtimes[0], violations: [] };
  if (wanted !== "vllm" && wanted !== "transformers") return { violations: [] }; // reported by checkMetadata
  if (!preset.runtimes.includes(wanted)) {
    return {
      violations: [
        error(
          "preset.runtime",
          ["metadata", "annotations", ANNOTATION_RUNTIME],
          `preset ${preset.name} does not run on ${wanted}; it supports ${preset.runtimes.join(", ")}`,
        ),
      ],
    };
  }
  return { runtime: wanted, violations: [] };
}
