// The CustomResourceDefinition for Workspaces, built from the same schema the validator uses.
// `kaito-gitops crd` prints it; kustomize/base/crds/ holds the generated copy and a test keeps
// the two identical.
import { workspaceSchema } from "./schema.js";
import type { JsonSchema } from "./schema.js";
import { GROUP, KIND, VERSIONS } from "./types.js";

const conditionStatus = (type: string): string => `.status.conditions[?(@.type=="${type}")].status`;

const printerColumns = [
  { name: "Instance", type: "string", jsonPath: ".resource.instanceType", description: "GPU instance type" },
  { name: "ResourceReady", type: "string", jsonPath: conditionStatus("ResourceReady") },
  { name: "InferenceReady", type: "string", jsonPath: conditionStatus("InferenceReady") },
  { name: "JobStarted", type: "string", jsonPath: conditionStatus("JobStarted") },
  { name: "WorkspaceSucceeded", type: "string", jsonPath: conditionStatus("WorkspaceSucceeded") },
  { name: "WorkspaceReady", type: "string", jsonPath: conditionStatus("WorkspaceReady") },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: "Namespaced";
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: typeof printerColumns;
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

export function workspaceCRD(): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `workspaces.${GROUP}`,
      labels: { "app.kubernetes.io/name": "kaito-gitops", "app.kubernetes.io/part-of": "kaito-gitops" },
    },
    spec: {
      group: GROUP,
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: "workspaces",
        singular: "workspace",
        shortNames: ["wk", "wks"],
        categories: ["workspace"],
      },
      scope: "Namespaced",
      // v1beta1 is stored; v1alpha1 is served for old files. Their schemas differ only by fields
      // v1beta1 added, so the API server's no-op conversion is safe in the v1alpha1 -> v1beta1 direction.
      versions: VERSIONS.map((name) => ({
        name,
        served: true,
        storage: name === "v1beta1",
        subresources: { status: {} },
        additionalPrinterColumns: printerColumns,
        schema: { openAPIV3Schema: workspaceSchema(name) },
      })),
    },
  };
}
