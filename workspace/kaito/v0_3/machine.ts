// The karpenter.sh/v1alpha5 Machine KAITO v0.3.2 asks the gpu-provisioner for, one per node.
import type { Workspace } from "../../api/types.js";
import type { KubeObject } from "../../expand/meta.js";
import { nodeClaimName } from "../common/node-claim-name.js";
import { LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE, matchLabelsOf, nameOf, namespaceOf } from "./meta.js";

const PROVISIONER_LABEL = "karpenter.sh/provisioner-name";
const PROVISIONER = "default";
const MACHINE_TYPE_LABEL = "kaito.sh/machine-type";

const requirement = (key: string, value: string) => ({ key, operator: "In", values: [value] });

/** `storage` is the preset's disk requirement, or "0" (the OS disk's default size). */
export function machineV03(ws: Workspace, index: number, storage: string): KubeObject {
  const name = nodeClaimName(namespaceOf(ws), nameOf(ws), index);
  return {
    apiVersion: "karpenter.sh/v1alpha5",
    kind: "Machine",
    metadata: {
      name,
      // KAITO sets it on this cluster-scoped object; the API server drops it.
      namespace: namespaceOf(ws),
      labels: {
        [PROVISIONER_LABEL]: PROVISIONER,
        [LABEL_WORKSPACE]: nameOf(ws),
        [LABEL_WORKSPACE_NAMESPACE]: namespaceOf(ws),
        ...matchLabelsOf(ws),
      },
    },
    spec: {
      machineTemplateRef: { name },
      requirements: [
        requirement("node.kubernetes.io/instance-type", ws.resource?.instanceType ?? ""),
        requirement(PROVISIONER_LABEL, PROVISIONER),
        requirement(MACHINE_TYPE_LABEL, "gpu"),
        requirement("kubernetes.io/arch", "amd64"),
        requirement("kubernetes.io/os", "linux"),
      ],
      taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }],
      resources: { requests: { storage } },
    },
  };
}
