// What KAITO v0.3.2 knows, as `kaito-gitops presets` and `instance-types` list it: its registered
// presets (exact names, the weights inside the preset image) and its GPU instance types. v0.3.2
// reads no model lock: it serves its presets only.
//
// Instance types: the webhook checks Azure names against its table and lets other Standard_N /
// Standard_D names through; the controller sizes the GPU request from its cloud's table. Azure
// lists both tables (the webhook's numbers where they disagree, as its fit check uses them). AWS
// lists the controller's table, each marked: v0.3.2's webhook knows Azure names only and refuses them.
import type { TuningMethod } from "../../api/types.js";
import { sortInstanceTypes, sortModels } from "../common/listing-order.js";
import type { InstanceTypeListing, KaitoCatalog, ListedRuntime, ModelListing } from "../types.js";
import { INSTALL_V03 } from "./defaults.js";
import type { PresetV03 } from "./presets.js";
import { PRESETS_V03 } from "./presets.js";
import type { GpuSku } from "./skus.js";
import { controllerSkusV03, WEBHOOK_SKUS_V03 } from "./skus.js";

/** v0.3.2's webhook takes either method for any preset that has tuning parameters. */
const TUNING_METHODS: readonly TuningMethod[] = ["lora", "qlora"];

/** KAITO's numbers are GiB unless they carry a unit; falcon-40b's disk `400` is shown verbatim. */
const gi = (n: number): string => `${n}Gi`;

function presetListing(p: PresetV03): ModelListing {
  const runtime: ListedRuntime = p.inference.rendezvous ? "torchrun" : "transformers";
  return {
    name: p.name,
    source: "builtin",
    aliases: [],
    runtimes: [runtime],
    tuning: p.tuning ? TUNING_METHODS : [],
    image: p.imageAccessMode === "private" || p.tag === undefined ? "private" : `${INSTALL_V03.presetRegistry}/kaito-${p.name}:${p.tag}`,
    gpuCount: p.gpuCount,
    gpuMemory: gi(p.totalGpuMemoryGi),
    ...(p.perGpuMemoryGi > 0 ? { perGpuMemory: gi(p.perGpuMemoryGi) } : {}),
    disk: p.diskStorage,
    multiNode: p.distributed,
  };
}

function azure(): InstanceTypeListing[] {
  const controller = controllerSkusV03("azure");
  const listing = (name: string, sku: GpuSku, note?: string): InstanceTypeListing => ({
    name, cloud: "azure", gpuCount: sku.gpuCount, gpuMemoryGiB: sku.gpuMemGi, ...(note ? { note } : {}),
  });
  const fromWebhook = [...WEBHOOK_SKUS_V03].map(([name, sku]) => {
    const sized = controller.get(name);
    if (!sized) return listing(name, sku, "not in the controller's table: pods ask for the preset's GPUs");
    if (sized.gpuCount !== sku.gpuCount || sized.gpuMemGi !== sku.gpuMemGi) {
      return listing(name, sku, `the controller's table says ${sized.gpuCount} GPUs, ${sized.gpuMemGi}Gi`);
    }
    return listing(name, sku);
  });
  const controllerOnly = [...controller].filter(([name]) => !WEBHOOK_SKUS_V03.has(name)).map(([name, sku]) => listing(name, sku, "not in the webhook's table: no fit check"));
  return [...fromWebhook, ...controllerOnly];
}

function aws(): InstanceTypeListing[] {
  return [...controllerSkusV03("aws")].map(([name, sku]) => ({
    name, cloud: "aws", gpuCount: sku.gpuCount, gpuMemoryGiB: sku.gpuMemGi, note: "v0.3.2's webhook refuses it (it knows Azure names only)",
  }));
}

export function catalogV03(): KaitoCatalog {
  return { models: sortModels(PRESETS_V03.map(presetListing)), instanceTypes: sortInstanceTypes([...azure(), ...aws()]) };
}
