// A Workspace with its own pod (inference.template): KAITO v0.3.2 runs it as a Deployment on the
// Workspace's nodes, with its node affinity and the GPU tolerations, and no Service.
import type { Workspace } from "../../api/types.js";
import { sortKeysDeep } from "../../canonical.js";
import type { KubeObject } from "../../expand/meta.js";
import { INFERENCE_TOLERATIONS_V03 } from "./inference.js";
import { nameOf, namespaceOf, nodeAffinity, ownedBy, workspaceSelector } from "./meta.js";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A container as Go serialises corev1.Container: `resources` is always present. */
const typedContainer = (c: unknown): unknown => (isRecord(c) ? { ...c, resources: c.resources ?? {} } : c);

export function templateDeploymentV03(ws: Workspace): KubeObject {
  // Free-form: keys sorted, so the bytes do not depend on the order the user wrote them in.
  const template: Json = sortKeysDeep((ws.inference?.template ?? {}) as Json);
  const metadata: Json = isRecord(template.metadata) ? template.metadata : {};
  const spec: Json = isRecord(template.spec) ? template.spec : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const podSpec: Json = {
    ...spec,
    affinity: nodeAffinity(ws),
    tolerations: [...tolerations, ...INFERENCE_TOLERATIONS_V03],
    ...(Array.isArray(spec.containers) ? { containers: spec.containers.map(typedContainer) } : {}),
    ...(Array.isArray(spec.initContainers) ? { initContainers: spec.initContainers.map(typedContainer) } : {}),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: nameOf(ws), namespace: namespaceOf(ws), ...ownedBy(ws) },
    spec: {
      replicas: ws.resource?.count ?? 1,
      selector: { matchLabels: workspaceSelector(ws) },
      template: { ...template, metadata: { ...metadata, labels: { ...labels, ...workspaceSelector(ws) } }, spec: podSpec },
      strategy: {},
    },
  };
}
