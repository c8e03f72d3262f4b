// What KAITO v0.12.0's controller creates for an accepted inference Workspace, in its order:
// NodeClaims (gpu-provisioner only), the Service, the headless Service, the StatefulSet; or where
// it gets stuck (no GPU facts for the instance type, a model too big for a MIG slice).
import type { KubeObject } from "../../expand/meta.js";
import type { Workspace } from "../../api/types.js";
import type { AcceptedOutcome, KaitoContext } from "../types.js";
import { configMapData, nodeIsReady, nodesMatching } from "./cluster.js";
import { presetStatefulSet } from "./children/inference.js";
import { DEFAULT_NODE_DISK, nodeClaims } from "./children/nodeclaim.js";
import { headlessService, service } from "./children/service.js";
import { templateStatefulSet } from "./children/template.js";
import { estimateNodeCount } from "./estimator.js";
import type { GpuConfig } from "./gpu/config.js";
import { gpuConfigBySku, gpuConfigFromNode, scaleToCount } from "./gpu/config.js";

import { migGpuConfig } from "./gpu/mig.js";
import type { Resolution } from "./models/resolve.js";
import { INFERENCE_CONFIG_KEY, explicitMaxModelLen } from "./inference-config.js";
import { LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE, nodeAutoProvisioning, runtimeOf, sanitizedMatchLabels } from "./workspace.js";

/** The revision KAITO's controller gives a new Workspace's workload. */
const FIRST_REVISION = "1";

/** The GPUs the controller sizes and builds the pod for, or why it cannot tell. */
export function workspaceGpu(ws: Workspace, ctx: KaitoContext): GpuConfig | string {
  const partition = ws.resource?.partition;
  if (partition?.mode === "mig" && ctx.settings.featureGates.enableMIG === true) return migGpuConfig(partition.profile ?? "");
  if (nodeAutoProvisioning(ctx.settings)) {
    const instanceType = ws.resource?.instanceType ?? "";
    return gpuConfigBySku(ctx.settings.cloudProvider, instanceType) ?? `KAITO has no GPU facts for instance type ${JSON.stringify(instanceType)} on ${ctx.settings.cloudProvider}`;
  }
  const ready = nodesMatching(ctx.cluster, sanitizedMatchLabels(ws.resource?.labelSelector) ?? []).filter(nodeIsReady);
  const first = ready[0];
  if (!first) return "no ready node matches the Workspace's label selector";
  const gpu = gpuConfigFromNode(first);
  if (typeof gpu === "string") return gpu;
  if (partition?.mode === "accelerator" && partition.count !== undefined && ctx.settings.featureGates.enableAccelerator === true) {
    return scaleToCount(gpu, partition.count);
  }
  return gpu;
}

/** max-model-len the user's inference config sets, which the estimator sizes the KV cache for. */
function userContextLength(ws: Workspace, ctx: KaitoContext): number | undefined {
  const name = ws.inference?.config;
  if (!name) return undefined;
  const text = configMapData(ctx.cluster, ws.metadata.namespace ?? "default", name)?.[INFERENCE_CONFIG_KEY];
  return text === undefined ? undefined : explicitMaxModelLen(text);
}

/**
 * NodeClaims KAITO still creates: the target less the ready nodes already labelled for this
 * Workspace that no NodeClaim made (no karpenter.sh/nodepool label), which KAITO counts as its own.
 */
function nodeClaimsToCreate(ws: Workspace, ctx: KaitoContext, target: number): number {
  const labels: [string, string][] = [
    ...(sanitizedMatchLabels(ws.resource?.labelSelector) ?? []),
    [LABEL_WORKSPACE, ws.metadata.name ?? ""],
    [LABEL_WORKSPACE_NAMESPACE, ws.metadata.namespace ?? "default"],
  ];
  const adopted = nodesMatching(ctx.cluster, labels).filter((n) => nodeIsReady(n) && n.metadata.labels?.["karpenter.sh/nodepool"] === undefined);
  return Math.max(0, target - adopted.length);
}

const stuck = (ws: Workspace, children: KubeObject[], reconcileError: string, targetNodeCount = 0): AcceptedOutcome => ({
  verdict: "accepted",
  workspace: ws as unknown as Record<string, unknown>,
  children,
  targetNodeCount,
  reconcileError,
  warnings: [],
});

export function renderInference(ws: Workspace, ctx: KaitoContext, model: Resolution | undefined): AcceptedOutcome {
  const runtime = runtimeOf(ws, ctx.settings);
  const requested = ws.resource?.count ?? 1;
  const nap = nodeAutoProvisioning(ctx.settings);
  const services = () => [service(ws, runtime), headlessService(ws)];

  if (!ws.inference?.preset || !model?.ok) {
    const claims = nap ? nodeClaims(ws, { cloud: ctx.settings.cloudProvider, diskStorage: DEFAULT_NODE_DISK, count: nodeClaimsToCreate(ws, ctx, requested) }) : [];
    return {
      verdict: "accepted",
      workspace: ws as unknown as Record<string, unknown>,
      children: [...claims, ...services(), templateStatefulSet(ws, ctx.settings, requested)],
      targetNodeCount: requested,
      warnings: [],
    };
  }
  const preset = model.preset;
  const gpu = workspaceGpu(ws, ctx);
  let nodes = requested;
  if (runtime === "vllm") {
    if (typeof gpu === "string") return stuck(ws, [], `cannot size the Workspace: ${gpu}`);
    const contextLength = userContextLength(ws, ctx);
    const estimate = estimateNodeCount({
      modelFileSize: preset.modelFileSize,
      bytesPerToken: preset.bytesPerToken,
      gpu,
      requestedNodes: requested,
      ...(contextLength !== undefined ? { contextLength } : {}),
    });
    if (typeof estimate === "string") return stuck(ws, [], `cannot size the Workspace: ${estimate}`);
    nodes = Math.max(1, estimate);
  }
  const claims = nap ? nodeClaims(ws, { cloud: ctx.settings.cloudProvider, diskStorage: preset.diskStorage, count: nodeClaimsToCreate(ws, ctx, nodes) }) : [];
  if (typeof gpu === "string") return stuck(ws, [...claims, ...services()], `cannot build the model pod: ${gpu}`, nodes);
  return {
    verdict: "accepted",
    workspace: ws as unknown as Record<string, unknown>,
    children: [...claims, ...services(), presetStatefulSet(ws, { preset, gpu, nodes, runtime, settings: ctx.settings, revision: FIRST_REVISION })],
    targetNodeCount: nodes,
    warnings: [],
  };
}
