// Printing objects as one YAML stream. Settings chosen for diffs and fixed points: no line
// folding, no anchors for repeated sub-objects (Argo CD and kubectl expect plain documents), and
// block literals for multi-line strings such as ConfigMap data.
import { stringify } from "yaml";

export const PRINT_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

export function printYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, PRINT_OPTIONS)).join("---\n");
}

export function printJsonList(objects: readonly unknown[]): string {
  return `${JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2)}\n`;
}
