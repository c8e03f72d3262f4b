// KAITO v0.3 (the seed documents' era): preset images with the weights inside, the transformers
// runtime, karpenter.sh/v1alpha5 Machines, a Deployment (a StatefulSet for distributed presets).
import type { KaitoProfile } from "../types.js";

export const v0_3: KaitoProfile = {
  version: "v0.3",
  generate() {
    throw new Error("KAITO v0.3 profile: not built yet");
  },
};
