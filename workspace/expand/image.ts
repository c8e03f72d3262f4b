// The image of the model container: the preset's own image with the weights inside, the base
// image that downloads the weights at start, or the user's private image.
import type { PresetSpec } from "../api/types.js";
import type { ImageSettings, ModelPreset } from "../catalog/types.js";

export function modelImage(preset: ModelPreset, spec: PresetSpec | undefined, images: ImageSettings): string {
  const own = spec?.presetOptions?.image;
  if (own) return own;
  if (preset.weights === "download") return `${images.baseImage}:${preset.tag}`;
  return `${images.presetRegistry}/kaito-${preset.name}:${preset.tag}`;
}
