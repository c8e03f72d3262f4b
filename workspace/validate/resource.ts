// resource: which nodes, how many, and whether the model fits in their GPU memory.
import { ANNOTATION_BYPASS_RESOURCE_CHECKS, ANNOTATION_GPUS_PER_NODE, RESERVED_SELECTOR_KEYS } from "../api/well-known.js";
import type { LabelSelector } from "../api/types.js";
import { findInstanceType, instanceTypeNames } from "../catalog/catalog.js";
import { didYouMean } from "../catalog/nearest.js";
import type { InstanceType, ModelPreset } from "../catalog/types.js";
import type { NodePlan } from "../plan.js";
import { fitPreset, gib, memoryUse, singleNodeAlternatives } from "../sizing.js";
import { error, warning } from "../violation.js";
import type { Violation } from "../violation.js";
import type { RuleContext } from "./context.js";
import { annotation } from "./context.js";

/** KAITO's v1alpha1 CRD defaulted the instance type; v1beta1 requires one. */
export const V1ALPHA1_DEFAULT_INSTANCE_TYPE = "Standard_NC24ads_A100_v4";

/** A StatefulSet's pods get a label "<name>-<10-char hash>", and label values stop at 63 characters. */
const MAX_STATEFULSET_NAME = 52;

/** Above this share of the nodes' GPU memory a fit is "only just": worth a warning. */
const TIGHT_FIT = 0.9;

export interface ResourceResult {
  readonly resolved?: NodePlan;
  readonly violations: Violation[];
}

export interface Workload {
  readonly mode: "inference" | "tuning";
  /** Absent for a custom template, or when the preset is unknown (already reported). */
  readonly preset?: ModelPreset;
}

export function checkResource(ctx: RuleContext, workload: Workload): ResourceResult {
  const out: Violation[] = [];
  const resource = ctx.ws.resource;
  if (!resource) {
    return { violations: [error("schema.required", ["resource"], "required: resource.labelSelector (and usually resource.instanceType) must be set")] };
  }
  const nodeLabels = selectorLabels(resource.labelSelector, out);
  const preferred = resource.preferredNodes ?? [];

  let instanceTypeName = resource.instanceType === "" ? undefined : resource.instanceType;
  if (instanceTypeName === undefined && preferred.length === 0) {
    if (ctx.version === "v1alpha1") instanceTypeName = V1ALPHA1_DEFAULT_INSTANCE_TYPE;
    else {
      out.push(
        error(
          "resource.instanceType.required",
          ["resource", "instanceType"],
          "required: the GPU instance type of the nodes to provision (for example Standard_NC24ads_A100_v4), or list existing nodes in resource.preferredNodes",
        ),
      );
    }
  }

  const declaredGpus = annotation(ctx.ws, ANNOTATION_GPUS_PER_NODE);
  let instanceType: InstanceType | undefined;
  if (instanceTypeName !== undefined) {
    instanceType = findInstanceType(ctx.catalog, instanceTypeName);
    if (!instanceType && !ctx.options.allowUnknownInstanceTypes) {
      out.push(
        error(
          "resource.instanceType.unknown",
          ["resource", "instanceType"],
          `unknown instance type ${JSON.stringify(instanceTypeName)}${didYouMean(instanceTypeName, instanceTypeNames(ctx.catalog))}; add it to a catalog file (--catalog) or allow unknown instance types`,
        ),
      );
    } else if (!instanceType) {
      out.push(
        warning(
          "resource.fitNotChecked",
          ["resource", "instanceType"],
          `instance type ${instanceTypeName} is not in the catalog: the GPU fit is not checked and each node is assumed to have ${declaredGpus ? `${declaredGpus} GPUs (${ANNOTATION_GPUS_PER_NODE})` : `1 GPU (set ${ANNOTATION_GPUS_PER_NODE} to change it)`}`,
        ),
      );
    } else if (instanceType.deprecated) {
      out.push(warning("resource.instanceType.deprecated", ["resource", "instanceType"], `${instanceType.name}: ${instanceType.deprecated}`));
    }
  }

  const gpusPerNode = instanceType?.gpuCount ?? (declaredGpus && /^[1-9][0-9]*$/.test(declaredGpus) ? Number(declaredGpus) : 1);
  const count = resource.count;
  const bypass = annotation(ctx.ws, ANNOTATION_BYPASS_RESOURCE_CHECKS) !== undefined;
  // Tuning runs on one node whatever else is given; inference defaults to one node per preferred node.
  let nodeCount = workload.mode === "tuning" ? (count ?? 1) : (count ?? Math.max(1, preferred.length));
  let distributed = false;

  const { preset } = workload;
  if (preset && (bypass || (instanceTypeName === undefined && preferred.length > 0))) {
    out.push(
      warning(
        "resource.fitNotChecked",
        bypass ? ["metadata", "annotations", ANNOTATION_BYPASS_RESOURCE_CHECKS] : ["resource", "preferredNodes"],
        bypass
          ? `${ANNOTATION_BYPASS_RESOURCE_CHECKS} is set: the GPU memory fit of ${preset.name} is not checked`
          : `no instance type: the GPU memory fit of ${preset.name} on the preferred nodes is not checked`,
      ),
    );
  } else if (preset && instanceType && workload.mode === "inference") {
    const sized = sizeInference(ctx, preset, instanceType, count, out);
    nodeCount = sized.nodeCount;
    distributed = sized.distributed;
  } else if (preset?.tuning && instanceType && workload.mode === "tuning") {
    checkTuningFit(ctx, preset, instanceType, out);
    nodeCount = 1;
  }
  if (workload.mode === "tuning" && count !== undefined && count > 1) {
    out.push(error("tuning.count", ["resource", "count"], `tuning runs on one node; set resource.count to 1 (got ${count})`));
  }

  const provisions = instanceTypeName !== undefined;
  return {
    resolved: {
      ...(instanceType ? { instanceType } : {}),
      ...(instanceTypeName !== undefined ? { instanceTypeName: instanceType?.name ?? instanceTypeName } : {}),
      gpusPerNode,
      nodeCount,
      distributed,
      nodesToProvision: provisions ? Math.max(0, nodeCount - preferred.length) : 0,
      nodeLabels,
    },
    violations: out,
  };
}

function sizeInference(
  ctx: RuleContext,
  preset: ModelPreset,
  it: InstanceType,
  count: number | undefined,
  out: Violation[],
): { nodeCount: number; distributed: boolean } {
  const fit = fitPreset(preset, it);
  // Messages are built only when they are needed: the webhook runs this for every review.
  const shape = (): string => `${it.name} has ${it.gpuCount} × ${it.gpuModel} (${gib(it.gpuMemoryGiB)} of GPU memory)`;
  const alternatives = (): string => {
    const alts = singleNodeAlternatives(preset, ctx.catalog.instanceTypes.values(), preset.gpuMemoryGiB, it.cloud);
    return alts.length === 0 ? "" : `; instance types that hold it on one node: ${alts.map((a) => a.name).join(", ")}`;
  };
  if (fit.perGPUTooSmall) {
    out.push(
      error(
        "resource.perGPUMemory",
        ["resource", "instanceType"],
        `preset ${preset.name} needs at least ${gib(preset.perGPUMemoryGiB)} on each GPU, but ${it.name}'s ${it.gpuModel} GPUs have ${gib(fit.perGPUMemoryGiB)}${alternatives()}`,
      ),
    );
    return { nodeCount: count ?? 1, distributed: false };
  }
  if (fit.minNodes > 1 && !preset.multiNode) {
    out.push(
      error(
        "resource.singleNode",
        ["resource", "instanceType"],
        `preset ${preset.name} needs ${gib(preset.gpuMemoryGiB)} of GPU memory on one node (it cannot be split across nodes), but ${shape()}${alternatives()}`,
      ),
    );
    return { nodeCount: count ?? 1, distributed: false };
  }
  if (count !== undefined && count < fit.minNodes) {
    out.push(
      error(
        "resource.count",
        ["resource", "count"],
        `preset ${preset.name} needs ${gib(preset.gpuMemoryGiB)} of GPU memory and ${gpus(preset.gpuCount)}; ${count} node(s) of ${it.name} give ${gib(count * it.gpuMemoryGiB)} and ${gpus(count * it.gpuCount)}: set count to ${fit.minNodes} (or leave it out to derive it)${alternatives()}`,
      ),
    );
    return { nodeCount: count, distributed: false };
  }
  const nodeCount = count ?? fit.minNodes;
  const use = memoryUse(preset, it, nodeCount);
  if (use > TIGHT_FIT) {
    out.push(
      warning(
        "resource.tightFit",
        ["resource", "instanceType"],
        `${preset.name} takes ${Math.round(use * 100)}% of the GPU memory of ${nodeCount} × ${it.name} (${gib(preset.gpuMemoryGiB)} of ${gib(nodeCount * it.gpuMemoryGiB)}): little room is left for the KV cache; a larger instance type serves longer contexts`,
      ),
    );
  }
  const distributed = fit.minNodes > 1;
  const name = ctx.ws.metadata.name ?? "";
  if (distributed && name.length > MAX_STATEFULSET_NAME) {
    out.push(
      error(
        "metadata.name.distributed",
        ["metadata", "name"],
        `${preset.name} is split across ${nodeCount} nodes as a StatefulSet, whose name may have at most ${MAX_STATEFULSET_NAME} characters (its pods' controller-revision-hash label adds 11); this name has ${name.length}`,
      ),
    );
  }
  return { nodeCount, distributed };
}

const gpus = (n: number): string => (n === 1 ? "1 GPU" : `${n} GPUs`);

function checkTuningFit(ctx: RuleContext, preset: ModelPreset, it: InstanceType, out: Violation[]): void {
  const needed = preset.tuning?.gpuMemoryGiB ?? 0;
  if (needed <= it.gpuMemoryGiB) return;
  const alts = singleNodeAlternatives(preset, ctx.catalog.instanceTypes.values(), needed, it.cloud);
  out.push(
    error(
      "tuning.fit",
      ["resource", "instanceType"],
      `fine-tuning ${preset.name} needs ${gib(needed)} of GPU memory on one node, but ${it.name} has ${gib(it.gpuMemoryGiB)}${alts.length ? `; instance types that fit: ${alts.map((a) => a.name).join(", ")}` : ""}`,
    ),
  );
}

/**
 * The labels the selector asks for. Provisioned nodes get exactly these, so the selector must be
 * expressible as labels: matchLabels, or In expressions with one value.
 */
function selectorLabels(selector: LabelSelector, out: Violation[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) labels[k] = v;
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const value = expr.values?.[0];
    if (expr.operator !== "In" || expr.values?.length !== 1 || value === undefined) {
      out.push(
        error(
          "resource.labelSelector",
          ["resource", "labelSelector", "matchExpressions", i],
          `only matchLabels or "In" expressions with exactly one value can be given to new nodes; got ${expr.operator} with ${expr.values?.length ?? 0} value(s)`,
        ),
      );
    } else {
      labels[expr.key] = value;
    }
  });
  const own = Object.keys(labels).filter((k) => !RESERVED_SELECTOR_KEYS.has(k));
  if (own.length === 0) {
    out.push(
      error(
        "resource.labelSelector",
        ["resource", "labelSelector"],
        "must select at least one label of your own, for example matchLabels: {apps: my-model}; KAITO's reserved labels (kaito.sh/workspace, ...) do not count",
      ),
    );
  }
  return Object.fromEntries(own.sort().map((k) => [k, labels[k] ?? ""]));
}
