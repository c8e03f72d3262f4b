// What to tell a user whose instance type KAITO v0.12's webhook lets through (any Azure N- or
// D-series name) but whose GPUs its controller cannot look up, so it never creates the workload.
// The nearest names come first: kube-apiserver cuts long admission warnings.
import { didYouMean } from "../../../text/nearest.js";
import type { CloudProvider } from "../../types.js";
import { supportedSkus } from "./config.js";

export function unknownSkuAdvice(sku: string, cloud: CloudProvider, never: string): string {
  const shown = sku.slice(0, 64);
  const known = supportedSkus(cloud);
  return (
    `KAITO v0.12 has no GPU facts for ${shown} on ${cloud}${didYouMean(shown, known)}: its webhook admits the Workspace but its controller never creates ${never}` +
    ` (GPUs below CUDA compute capability 8.0, such as K80, M60, T4 and V100, were removed). KAITO v0.12 knows ${known.join(", ")}`
  );
}
