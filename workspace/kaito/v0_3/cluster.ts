// What KAITO v0.3.2's webhook and controller read from the cluster, looked up in the facts a road
// passes in (a renderer's committed objects, the controller's live cluster).
import type { KubeObject } from "../../expand/meta.js";
import type { KaitoContext } from "../types.js";
import { INSTALL_V03 } from "./defaults.js";
import { TEMPLATE_NAMES_V03, chartTemplateV03 } from "./tuning-config.js";
import type { TuningMethodV03 } from "./tuning-config.js";

/** A ConfigMap by name and namespace; in KAITO's namespace the chart's templates exist unless the facts say otherwise. */
export function findConfigMap(ctx: KaitoContext, name: string, namespace: string): KubeObject | undefined {
  const fromCluster = ctx.cluster.configMaps.find((c) => c.metadata.name === name && (c.metadata.namespace ?? "default") === namespace);
  if (fromCluster) return fromCluster;
  // KAITO's chart installs its templates beside the controller: a default install has them.
  if (namespace !== INSTALL_V03.releaseNamespace) return undefined;
  const method = (Object.keys(TEMPLATE_NAMES_V03) as TuningMethodV03[]).find((m) => TEMPLATE_NAMES_V03[m] === name);
  return method ? chartTemplateV03(method) : undefined;
}
