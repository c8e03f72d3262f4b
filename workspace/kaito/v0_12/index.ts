// KAITO v0.12: vLLM (or transformers) on kaito-base with weights downloaded at start, a StatefulSet
// with a headless Service, karpenter.sh/v1 NodeClaims sized by KAITO's node estimator.
import type { KaitoProfile } from "../types.js";

export const v0_12: KaitoProfile = {
  version: "v0.12",
  generate() {
    throw new Error("KAITO v0.12 profile: not built yet");
  },
};
