// Minimal Workspaces for the benchmarks: realistic presets on instance types they fit.
const PRESETS: readonly (readonly [string, string])[] = [
  ["phi-3-mini-4k-instruct", "Standard_NC24ads_A100_v4"],
  ["phi-4", "Standard_NC24ads_A100_v4"],
  ["qwen2.5-coder-7b-instruct", "Standard_NC24ads_A100_v4"],
  ["mistral-7b-instruct", "Standard_NV36ads_A10_v5"],
];

export function benchWorkspace(i: number, namespace?: string): string {
  const [preset, instanceType] = PRESETS[i % PRESETS.length] ?? PRESETS[0]!;
  return (
    `apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: ws-${i}\n${namespace ? `  namespace: ${namespace}\n` : ""}` +
    `resource:\n  instanceType: ${instanceType}\n  labelSelector:\n    matchLabels:\n      apps: ws-${i}\n` +
    `inference:\n  preset:\n    name: ${preset}\n`
  );
}
