// tuning: a preset that can be fine-tuned, a method it supports, one data input, one output.
import type { ModelPreset } from "../catalog/types.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { imageReferenceProblem } from "./formats.js";
import { dataUrlProblem } from "./url.js";

export function checkTuning(ctx: RuleContext, preset: ModelPreset | undefined): Violation[] {
  const tuning = ctx.ws.tuning;
  if (!tuning) return [];
  const out: Violation[] = [];
  if (!tuning.preset) out.push(error("tuning.preset", ["tuning", "preset"], "required: the preset to fine-tune"));
  if (preset && !preset.tuning) {
    const tunable = [...ctx.catalog.presets.values()].filter((p) => p.tuning && !p.deprecated).map((p) => p.name);
    out.push(error("tuning.unsupported", ["tuning", "preset", "name"], `preset ${preset.name} does not support fine-tuning; presets that do: ${tunable.join(", ")}`));
  }
  if (!tuning.method) {
    out.push(error("tuning.method", ["tuning", "method"], "required: lora or qlora"));
  } else if (preset?.tuning && !preset.tuning.methods.includes(tuning.method)) {
    out.push(error("tuning.method", ["tuning", "method"], `preset ${preset.name} supports ${preset.tuning.methods.join(", ")} tuning, not ${tuning.method}`));
  }

  const input = tuning.input;
  if (!input) {
    out.push(error("tuning.input", ["tuning", "input"], "required: the training data, from urls, an image or a volumeSource"));
  } else {
    const given = (["urls", "image", "volumeSource"] as const).filter((k) => (k === "urls" ? (input.urls?.length ?? 0) > 0 : input[k] !== undefined));
    if (given.length !== 1) {
      out.push(
        error(
          "tuning.input",
          ["tuning", "input", ...(given.length > 1 ? [given[1] ?? "urls"] : [])],
          given.length === 0
            ? "exactly one of urls, image or volumeSource must be specified; none is"
            : `exactly one of urls, image or volumeSource must be specified; got ${given.join(" and ")}`,
        ),
      );
    }
    (input.urls ?? []).forEach((url, i) => {
      const problem = dataUrlProblem(url);
      if (problem) out.push(error("tuning.input.url", ["tuning", "input", "urls", i], problem));
    });
    if (input.image) {
      const problem = imageReferenceProblem(input.image);
      if (problem) out.push(error("image.reference", ["tuning", "input", "image"], problem));
    }
  }

  const output = tuning.output;
  if (!output) {
    out.push(error("tuning.output", ["tuning", "output"], "required: where the adapter goes, an image (with imagePushSecret) or a volumeSource"));
  } else {
    if ((output.image === undefined) === (output.volumeSource === undefined)) {
      out.push(
        error(
          "tuning.output",
          ["tuning", "output"],
          output.image === undefined ? "exactly one of image or volumeSource must be specified; none is" : "exactly one of image or volumeSource must be specified; got both",
        ),
      );
    }
    if (output.image !== undefined) {
      const problem = imageReferenceProblem(output.image);
      if (problem) out.push(error("image.reference", ["tuning", "output", "image"], problem));
      if (!output.imagePushSecret) {
        out.push(error("tuning.output.imagePushSecret", ["tuning", "output", "imagePushSecret"], "required with output.image: a Secret with registry credentials to push the result"));
      }
    }
  }
  return out;
}
