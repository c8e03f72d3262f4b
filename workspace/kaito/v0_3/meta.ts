// Metadata KAITO v0.3.2 puts on the objects it creates for a Workspace.
import type { IOwnerReference } from "@kubernetes-models/apimachinery/apis/meta/v1/OwnerReference";
import type { Workspace } from "../../api/types.js";
import { sortKeysDeep } from "../../canonical.js";

export const LABEL_WORKSPACE = "kaito.sh/workspace";
export const LABEL_WORKSPACE_NAMESPACE = "kaito.sh/workspacenamespace";
export const WORKSPACE_API_VERSION_V03 = "kaito.sh/v1alpha1";

export const nameOf = (ws: Workspace): string => ws.metadata.name ?? "";
export const namespaceOf = (ws: Workspace): string => ws.metadata.namespace ?? "default";

/** v0.3.2 marks the Workspace as controller (no blockOwnerDeletion); none when the UID is unknown. */
export function ownedBy(ws: Workspace): { ownerReferences?: IOwnerReference[] } {
  const uid = ws.metadata.uid;
  if (!uid) return {};
  return { ownerReferences: [{ apiVersion: WORKSPACE_API_VERSION_V03, kind: "Workspace", name: nameOf(ws), uid, controller: true }] };
}

/** The pod label every workload and Service selects on. */
export const workspaceSelector = (ws: Workspace): Record<string, string> => ({ [LABEL_WORKSPACE]: nameOf(ws) });

/**
 * The user's labelSelector.matchLabels (the only part KAITO v0.3.2 uses for placement), sorted by
 * key: KAITO walks a Go map (random order); we want the same bytes whatever the input's key order.
 */
export const matchLabelsOf = (ws: Workspace): Record<string, string> => sortKeysDeep(ws.resource?.labelSelector?.matchLabels ?? {});

/** Required node affinity: one `In` expression per matchLabel. */
export function nodeAffinity(ws: Workspace): Record<string, unknown> {
  const matchExpressions = Object.entries(matchLabelsOf(ws)).map(([key, value]) => ({ key, operator: "In", values: [value] }));
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [matchExpressions.length > 0 ? { matchExpressions } : {}] },
    },
  };
}
