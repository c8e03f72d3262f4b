// Metadata KAITO v0.12.0 puts on the children it creates: an owner reference to the Workspace
// (always as kaito.sh/v1beta1, the stored version) where the UID is known.
import type { Workspace } from "../../../api/types.js";

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

export function ownerReferences(ws: Workspace): { ownerReferences?: OwnerRef[] } {
  const { uid, name } = ws.metadata;
  if (!uid || !name) return {};
  return { ownerReferences: [{ apiVersion: "kaito.sh/v1beta1", blockOwnerDeletion: true, controller: true, kind: "Workspace", name, uid }] };
}

export const namespaceOf = (ws: Workspace): string => ws.metadata.namespace ?? "default";
