// inference.adapters: each a named LoRA adapter from an image (or a volume), with a strength.
import type { Runtime } from "../catalog/types.js";
import { error, warning } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { dns1123LabelProblem, imageReferenceProblem, strengthProblem } from "./formats.js";

export function checkAdapters(ctx: RuleContext, runtime: Runtime | undefined): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, number>();
  (ctx.ws.inference?.adapters ?? []).forEach((adapter, i) => {
    const base = ["inference", "adapters", i] as const;
    const source = adapter.source;
    if (!source) {
      out.push(error("adapter.source", [...base, "source"], "required: an adapter needs a source with a name and an image"));
      return;
    }
    if (!source.name) {
      out.push(error("adapter.name", [...base, "source", "name"], "required: the adapter's name"));
    } else {
      // The name becomes an init container name and a folder: a DNS label, short enough for "adapter-<name>".
      const problem = dns1123LabelProblem(source.name, 55);
      if (problem) out.push(error("adapter.name", [...base, "source", "name"], `${JSON.stringify(source.name)} ${problem}`));
      if (`adapter-${source.name}` === ctx.ws.metadata.name) {
        out.push(
          error("adapter.name", [...base, "source", "name"], `adapter ${JSON.stringify(source.name)} would get the init container name "adapter-${source.name}", which is the Workspace's (and so the model container's) name; rename one of them`),
        );
      }
      const first = seen.get(source.name);
      if (first !== undefined) {
        out.push(error("adapter.duplicate", [...base, "source", "name"], `duplicate adapter name ${JSON.stringify(source.name)} (also at inference.adapters[${first}])`));
      } else {
        seen.set(source.name, i);
      }
    }
    if ((source.urls?.length ?? 0) > 0) {
      out.push(error("adapter.image", [...base, "source", "urls"], "URLs are not supported as an adapter source; use an image (or a volumeSource)"));
    } else if (!source.image && !source.volumeSource) {
      out.push(error("adapter.image", [...base, "source", "image"], "required: the image that holds the adapter in /data (or a volumeSource)"));
    } else if (source.image && source.volumeSource) {
      out.push(error("adapter.image", [...base, "source", "volumeSource"], "give the adapter an image or a volumeSource, not both"));
    }
    if (source.image) {
      const problem = imageReferenceProblem(source.image);
      if (problem) out.push(error("image.reference", [...base, "source", "image"], problem));
    }
    if (adapter.strength !== undefined) {
      const problem = strengthProblem(adapter.strength);
      if (problem) out.push(error("adapter.strength", [...base, "strength"], problem));
      else if (runtime === "vllm" && Number(adapter.strength) !== 1) {
        out.push(
          warning(
            "adapter.strength.vllm",
            [...base, "strength"],
            `vLLM applies LoRA adapters at full strength; strength ${adapter.strength} only takes effect with the transformers runtime (annotation kaito.sh/runtime: transformers)`,
          ),
        );
      }
    }
  });
  return out;
}
