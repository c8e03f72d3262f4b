// What KAITO v0.12 knows, as `kaito-gitops presets` and `instance-types` list it: the models of its
// embedded catalog (with the legacy short names redirecting to them), the withdrawn presets its
// webhook still names, the model lock's models (those KAITO would ask the hub about), and its GPU
// instance types per cloud. Derived from the same data the renders use, so a listing cannot
// promise what a render refuses.
import type { ModelFacts } from "../../models/facts.js";
import { isServedByVllm } from "../../models/from-hub.js";
import type { TuningMethod } from "../../api/types.js";
import { sortInstanceTypes, sortModels } from "../common/listing-order.js";
import type { CloudProvider, InstanceTypeListing, KaitoCatalog, ListedRuntime, ModelListing, ModelLock } from "../types.js";
import { SKUS } from "./gpu/skus.js";
import { DEPRECATED_PRESETS, LEGACY_ALIASES } from "./models/aliases.js";
import { CATALOG } from "./models/catalog.js";
import { presetFor } from "./models/preset.js";
import { catalogFacts } from "./models/resolve.js";
import { registryName, tunableModelNames } from "./tuning/index.js";

const TUNING_METHODS: readonly TuningMethod[] = ["lora", "qlora"];
const CLOUDS: readonly CloudProvider[] = ["azure", "aws"];

/** Legacy short names by the lower-case id they redirect to. */
function aliasesById(): ReadonlyMap<string, string[]> {
  const byId = new Map<string, string[]>();
  for (const [alias, id] of Object.entries(LEGACY_ALIASES)) byId.set(id, [...(byId.get(id) ?? []), alias]);
  for (const names of byId.values()) names.sort();
  return byId;
}

function modelListing(facts: ModelFacts, source: ModelListing["source"], aliases: readonly string[], tunable: ReadonlySet<string>): ModelListing {
  const id = facts.name.toLowerCase();
  const preset = presetFor(id, facts);
  // A locked model vLLM cannot serve is refused outright; a catalog model always runs on vLLM.
  const vllm = source === "builtin" || isServedByVllm(preset.architectures);
  const runtimes: ListedRuntime[] = vllm ? (preset.transformersParams ? ["vllm", "transformers"] : ["vllm"]) : [];
  return {
    name: facts.name,
    source,
    aliases,
    runtimes,
    tuning: tunable.has(registryName(id)) ? TUNING_METHODS : [],
    weightsSize: facts.modelFileSize,
    contextLength: facts.modelTokenLimit,
    // The embedded catalog does not record gating; the lock does (the hub's answer without a token).
    ...(source === "lock" ? { gated: facts.gated === true } : {}),
  };
}

function models(lock: ModelLock): ModelListing[] {
  const aliases = aliasesById();
  const tunable = new Set(tunableModelNames());
  const builtin = CATALOG.map((m) => modelListing(m, "builtin", aliases.get(m.name.toLowerCase()) ?? [], tunable));
  // KAITO resolves a catalog id from its catalog whatever the lock says: such a lock entry is unused.
  const locked = lock.models.filter((m) => catalogFacts(m.name) === undefined).map((m) => modelListing(m, "lock", [], tunable));
  const withdrawn = [...DEPRECATED_PRESETS].map((name): ModelListing => ({ name, source: "builtin", aliases: [], runtimes: [], tuning: [], deprecated: true }));
  return sortModels([...builtin, ...locked, ...withdrawn]);
}

function instanceTypes(): InstanceTypeListing[] {
  return sortInstanceTypes(
    CLOUDS.flatMap((cloud) =>
      SKUS[cloud].map((s) => ({ name: s.sku, cloud, gpuCount: s.gpuCount, gpuMemoryGiB: s.gpuMemGiB, gpuModel: s.gpuModel, nvme: s.nvme === true })),
    ),
  );
}

export function catalogV012(lock: ModelLock): KaitoCatalog {
  return { models: models(lock), instanceTypes: instanceTypes() };
}
