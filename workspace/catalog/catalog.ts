// Building the merged catalog the expansion reads: the built-in files first, then each user file
// over them. An entry with the same name replaces the earlier one whole (instance types compare
// case-insensitively, as KAITO does), so a user can fix or add a single preset or SKU.
import type { Catalog, CatalogFile, Cloud, CloudProfile, ImageSettings, InstanceType, ModelPreset } from "./types.js";

export function mergeCatalogFiles(files: readonly CatalogFile[]): Catalog {
  const presets = new Map<string, ModelPreset>();
  const instanceTypes = new Map<string, InstanceType>();
  const clouds = new Map<Cloud, CloudProfile>();
  let images: Partial<ImageSettings> = {};
  for (const file of files) {
    for (const p of file.presets ?? []) presets.set(p.name, p);
    for (const t of file.instanceTypes ?? []) instanceTypes.set(t.name.toLowerCase(), t);
    for (const c of file.clouds ?? []) clouds.set(c.cloud, c);
    images = { ...images, ...file.images };
  }
  const missing = (["presetRegistry", "baseImage", "dataDownloader", "resultsPusher"] as const).filter(
    (k) => images[k] === undefined,
  );
  if (missing.length > 0) throw new Error(`catalog: images.${missing.join(", images.")} not set`);
  return { presets, instanceTypes, clouds, images: images as ImageSettings };
}

export function findPreset(catalog: Catalog, name: string): ModelPreset | undefined {
  return catalog.presets.get(name);
}

export function findInstanceType(catalog: Catalog, name: string): InstanceType | undefined {
  return catalog.instanceTypes.get(name.toLowerCase());
}

export function instanceTypeNames(catalog: Catalog): string[] {
  return [...catalog.instanceTypes.values()].map((t) => t.name);
}
