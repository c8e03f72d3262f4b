// A Workspace with its own pod (inference.template): KAITO v0.3.2 runs it as a Deployment on the
// Workspace's nodes, with its node affinity and the GPU tolerations, and no Service.
import type { Workspace } from "../../api/types.js";
import { sortKeysDeep } from "../../canonical.js";
import type { KubeObject } from "../../expand/meta.js";
import { INFERENCE_TOLERATIONS_V03 } from "./inference.js";
import { nameOf, namespaceOf, nodeAffinity, ownedBy, workspaceSelector } from "./meta.js";

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A number written as a resource quantity, printed as Go's resource.Quantity prints it. */
function quantity(value: unknown): unknown {
  if (typeof value !== "number" || !Number.isFinite(value)) return value;
  if (Number.isInteger(value)) return String(value);
  const milli = Math.round(value * 1000);
  return Math.abs(milli - value * 1000) < 1e-9 ? `${milli}m` : String(value);
}

function typedResources(resources: unknown): unknown {
  if (!isRecord(resources)) return resources ?? {};
  const out: Json = { ...resources };
  for (const key of ["limits", "requests"]) {
    const list = resources[key];
    if (isRecord(list)) out[key] = Object.fromEntries(Object.entries(list).map(([k, v]) => [k, quantity(v)]));
  }
  return out;
}

/** A container as Go serialises corev1.Container: `resources` always present, quantities as strings. */
const typedContainer = (c: unknown): unknown => (isRecord(c) ? { ...c, resources: typedResources(c.resources) } : c);

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
