// A custom pod (inference.template) as KAITO v0.12.0 runs it: the user's pod template in a
// StatefulSet of resource.count replicas, with KAITO's workspace label, node affinity from the
// selector and the GPU tolerations added; everything else is the user's.
import { sortKeysDeep } from "../../../canonical.js";
import type { KubeObject } from "../../../expand/meta.js";
import type { Workspace } from "../../../api/types.js";
import type { ControllerSettings } from "../../types.js";
import { LABEL_WORKSPACE } from "../workspace.js";
import { namespaceOf, ownerReferences } from "./meta.js";
import { gpuTolerations, nodeAffinity } from "./scheduling.js";

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Containers as Go serialises corev1.Container: resources always present, even empty. */
const withResources = (containers: unknown): unknown =>
  Array.isArray(containers) ? containers.map((c) => (isObj(c) && !("resources" in c) ? { ...c, resources: {} } : c)) : containers;

export function templateStatefulSet(ws: Workspace, settings: ControllerSettings, replicas: number): KubeObject {
  const name = ws.metadata.name ?? "";
  // Keys in byte order, as KAITO's JSON encoder writes the pod template: the same bytes whatever
  // the key order the user wrote.
  const template = sortKeysDeep(structuredClone(ws.inference?.template ?? {})) as Obj;
  const metadata = isObj(template.metadata) ? template.metadata : {};
  const labels = isObj(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
  const spec: Obj = isObj(template.spec) ? { ...template.spec } : {};
  spec.containers = withResources(spec.containers);
  if ("initContainers" in spec) spec.initContainers = withResources(spec.initContainers);
  const affinity = nodeAffinity(ws, settings);
  if (affinity) spec.affinity = affinity;
  else delete spec.affinity;
  spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...gpuTolerations(settings)];
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: namespaceOf(ws), ...ownerReferences(ws) },
    spec: {
      replicas,
      selector: { matchLabels: { [LABEL_WORKSPACE]: name } },
      serviceName: "",
      template: { ...template, metadata: { ...metadata, labels: { ...labels, [LABEL_WORKSPACE]: name } }, spec },
      updateStrategy: {},
    },
  };
}
