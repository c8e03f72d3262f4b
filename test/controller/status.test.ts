// The status computation, case by case: for each situation a cluster can be in, the conditions
// and state the controller writes, and what Argo CD's health check (plugin/health, run by a real
// Lua 5.1) makes of them. The messages checked against the check's own testdata
// (health_test.yaml) are marked "as in testdata/...".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Condition, KubeObject, Workspace, WorkspaceStatus } from "../../workspace/index.js";
import { computeInvalidStatus, computeStatus, sameStatus, statusView } from "../../controller/status.js";
import type { ApplyFailure } from "../../controller/status.js";
import type { LiveObject } from "../../controller/objects.js";
import { argoHealth, EARLIER, expansionOf, gpuNode, inferenceWorkspace, keyOf, live, NOW, observedMap, ofKind, tuningWorkspace } from "./fixtures.js";

interface Case {
  name: string;
  ws: Workspace;
  /** KAITO v0.12 without a node provisioner: these GPU nodes exist */
  byoNodes?: KubeObject[];
  /** the children as observed, from the expansion's desired children */
  observe: (children: readonly KubeObject[]) => LiveObject[];
  /** the inference pods as observed */
  pods?: LiveObject[];
  failures?: (children: readonly KubeObject[]) => [KubeObject, ApplyFailure][];
  reconcileError?: string;
  expect: {
    conditions: [string, string, string][];
    state: string;
    health: string;
    message: string | RegExp;
    /** with only base+table libraries (argocd-cm without useOpenLibs), when it differs */
    restricted?: [string, string | RegExp];
    workerNodes?: string[];
  };
}

const machineReady = (c: KubeObject, node = "aks-gpu-0"): LiveObject =>
  live(c, { nodeName: node, conditions: [{ type: "MachineLaunched", status: "True" }, { type: "Ready", status: "True" }] });
/** A karpenter.sh/v1 NodeClaim (KAITO v0.12) that has its node. */
const claimReady = (c: KubeObject, node: string): LiveObject =>
  live(c, { nodeName: node, conditions: [{ type: "Launched", status: "True" }, { type: "Registered", status: "True" }, { type: "Initialized", status: "True" }, { type: "Ready", status: "True" }] });
const deploymentAvailable = (c: KubeObject): LiveObject =>
  live(c, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
const deploymentPending = (c: KubeObject): LiveObject => live(c, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
const rest = (children: readonly KubeObject[], ...kinds: string[]): LiveObject[] => children.filter((c) => kinds.includes(c.kind)).map((c) => live(c));

const withState = (ws: Workspace, status: WorkspaceStatus): Workspace => ({ ...ws, status });

const IMAGE = "mcr.microsoft.com/aks/kaito/kaito-phi-3-mini-4k-instruct:0.2.0";
/** An inference pod of the Workspace "phi" as the kubelet reports it. */
const pod = (name: string, status: Record<string, unknown>, meta: Record<string, unknown> = {}): LiveObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "models", uid: `uid-${name}`, resourceVersion: "1", labels: { "kaito.sh/workspace": "phi" }, ...meta },
  status: { phase: "Pending", ...status },
});
const waiting = (reason: string, message?: string, name = "phi", extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  image: IMAGE,
  ready: false,
  restartCount: 0,
  state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
  ...extra,
});
const pullBackOff = (name = "phi-7d9c4-x2x9p"): LiveObject => pod(name, { containerStatuses: [waiting("ImagePullBackOff", `Back-off pulling image "${IMAGE}"`)] });
const unschedulable = (name: string): LiveObject =>
  pod(name, {
    conditions: [
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: "0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.",
      },
    ],
  });
/** What every case of a pod that cannot start shows besides InferenceReady: still waiting. */
const podBroken = (reason: string): [string, string, string][] => [
  ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
  ["InferenceReady", "False", reason],
  ["WorkspaceSucceeded", "False", "workspacePending"],
  ["WorkspaceReady", "False", "workspacePending"],
];
const nodesAndPendingDeployment = (ch: readonly KubeObject[]): LiveObject[] => [machineReady(ofKind(ch, "Machine")), ...rest(ch, "ConfigMap", "Service"), deploymentPending(ofKind(ch, "Deployment"))];

const multiNode = inferenceWorkspace({
  apiVersion: "kaito.sh/v1beta1",
  metadata: { name: "llama", namespace: "models", uid: "ws-uid-3", generation: 1 },
  resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: "llama" } } },
  inference: { preset: { name: "llama-3.3-70b-instruct", presetOptions: { modelAccessSecret: "hf-token" } } },
});

/** KAITO v0.12 on nodes that exist already: no instance type, the nodes found by label. */
const byoWorkspace: Workspace = {
  apiVersion: "kaito.sh/v1beta1",
  kind: "Workspace",
  metadata: { name: "phi", namespace: "models", uid: "ws-uid-4", generation: 1, resourceVersion: "100" },
  resource: { labelSelector: { matchLabels: { apps: "phi" } } },
  inference: { preset: { name: "microsoft/Phi-4-mini-instruct" } },
};

const cases: Case[] = [
  {
    name: "just created: nothing observed yet",
    ws: inferenceWorkspace(),
    observe: () => [],
    expect: {
      conditions: [
        ["ResourceReady", "False", "NodeClaimNotReady"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: /^Waiting for GPU nodes \(NodeClaimNotReady\): 0 of 1 node claims ready; Machine ws\w+ is not created yet$/,
    },
  },
  {
    name: "node claim launching",
    ws: inferenceWorkspace(),
    observe: (ch) => [live(ofKind(ch, "Machine"), { conditions: [{ type: "MachineLaunched", status: "Unknown", reason: "Launching" }] }), ...rest(ch, "ConfigMap", "Service"), deploymentPending(ofKind(ch, "Deployment"))],
    expect: {
      conditions: [
        ["ResourceReady", "False", "NodeClaimNotReady"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: /^Waiting for GPU nodes \(NodeClaimNotReady\): 0 of 1 node claims ready; Machine ws\w+ is not ready \(MachineLaunched Unknown: Launching\)$/,
    },
  },
  {
    name: "the cloud refused the launch: Karpenter's reason and message surface (as in testdata/degraded_nodeClaimLaunchFailed)",
    ws: inferenceWorkspace(),
    observe: (ch) => [
      live(ofKind(ch, "Machine"), {
        conditions: [
          {
            type: "MachineLaunched",
            status: "False",
            reason: "LaunchFailed",
            message:
              "creating instance, QuotaExceeded: Operation could not be completed as it results in exceeding approved standardNCADSA100v4Family Cores quota. Current Limit: 24, Current Usage: 0, Additional Required: 96",
          },
        ],
      }),
    ],
    expect: {
      conditions: [
        ["ResourceReady", "False", "LaunchFailed"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Degraded",
      message:
        "GPU node provisioning failed (LaunchFailed): creating instance, QuotaExceeded: Operation could not be completed as it results in exceeding approved standardNCADSA100v4Family Cores quota. Current Limit: 24, Current Usage: 0, Additional Required: 96",
    },
  },
  {
    name: "no capacity for the instance type (as in testdata/degraded_instanceTypesUnavailable)",
    ws: inferenceWorkspace(),
    observe: (ch) => [live(ofKind(ch, "Machine"), { conditions: [{ type: "MachineLaunched", status: "False", reason: "NotLaunched", message: "all requested instance types were unavailable during launch" }] })],
    expect: {
      conditions: [
        ["ResourceReady", "False", "NodeClaimNotReady"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Degraded",
      message: "GPU node provisioning failed (NodeClaimNotReady): all requested instance types were unavailable during launch",
    },
  },
  {
    name: "nodes ready, model loading (as in testdata/progressing_inferencePending)",
    ws: inferenceWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), ...rest(ch, "ConfigMap", "Service"), deploymentPending(ofKind(ch, "Deployment"))],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi has 0/1 replicas available",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "serving (as in testdata/healthy_inferenceReady)",
    ws: inferenceWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), ...rest(ch, "ConfigMap", "Service"), deploymentAvailable(ofKind(ch, "Deployment"))],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "True", "WorkspaceInferenceStatusSuccess"],
        ["WorkspaceSucceeded", "True", "workspaceSucceeded"],
        ["WorkspaceReady", "True", "workspaceReady"],
      ],
      state: "Ready",
      health: "Healthy",
      message: "Inference is ready: workspace succeeds",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "was ready, lost a replica (as in testdata/progressing_notReady)",
    ws: withState(inferenceWorkspace(), { state: "Ready", conditions: [] }),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), deploymentPending(ofKind(ch, "Deployment"))],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "NotReady",
      health: "Progressing",
      message: "Inference workload is no longer ready (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi has 0/1 replicas available",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "a new Deployment before its controller's first sync",
    ws: inferenceWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), live(ofKind(ch, "Deployment"))],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      // The same message as after the first sync: one status write, not two.
      message: "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi has 0/1 replicas available",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "a spec change the Deployment controller has not observed yet is not ready",
    ws: inferenceWorkspace({}, 2),
    observe: (ch) => [
      machineReady(ofKind(ch, "Machine")),
      live(ofKind(ch, "Deployment"), { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }, { generation: 2 }),
    ],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi has 1/1 replicas available (rolling out a new revision)",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "the model never became ready: progress deadline exceeded",
    ws: inferenceWorkspace(),
    observe: (ch) => [
      machineReady(ofKind(ch, "Machine")),
      live(ofKind(ch, "Deployment"), {
        observedGeneration: 1,
        replicas: 1,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "phi-5d8f" has timed out progressing.' }],
      }),
    ],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusFailed"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Degraded",
      message: 'Inference workload failed (WorkspaceInferenceStatusFailed): Deployment phi: ReplicaSet "phi-5d8f" has timed out progressing.',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "bring-your-own nodes: nothing to provision",
    ws: byoWorkspace,
    byoNodes: [gpuNode("gpu-node-1", { apps: "phi" })],
    observe: (ch) => [live(ofKind(ch, "StatefulSet"), { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1 })],
    expect: {
      conditions: [
        ["ResourceReady", "True", "NoProvisioning"],
        ["InferenceReady", "True", "WorkspaceInferenceStatusSuccess"],
        ["WorkspaceSucceeded", "True", "workspaceSucceeded"],
        ["WorkspaceReady", "True", "workspaceReady"],
      ],
      state: "Ready",
      health: "Healthy",
      message: "Inference is ready: workspace succeeds",
    },
  },
  {
    name: "a model across nodes: the StatefulSet needs every pod",
    ws: multiNode,
    observe: (ch) => [
      ...ch.filter((c) => c.kind === "NodeClaim").map((c, i) => claimReady(c, `aks-gpu-${i}`)),
      live(ofKind(ch, "StatefulSet"), { observedGeneration: 1, replicas: 3, readyReplicas: 1 }),
    ],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: StatefulSet llama has 1/3 replicas ready",
      workerNodes: ["aks-gpu-0", "aks-gpu-1", "aks-gpu-2"],
    },
  },
  {
    name: "tuning: the Job has not started (as in testdata/progressing_tuningJobPending)",
    ws: tuningWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), live(ofKind(ch, "Job"), {})],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["JobStarted", "False", "WorkspaceTuningJobStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: "Waiting for the tuning job to start (WorkspaceTuningJobStatusPending): Tuning job has not started",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "tuning: running (as in testdata/progressing_tuningJobRunning)",
    ws: tuningWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), live(ofKind(ch, "Job"), { active: 1 })],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["JobStarted", "True", "WorkspaceTuningJobStatusStarted"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Running",
      health: "Progressing",
      message: "Tuning job is running: workspace has not completed yet, tuning job is running",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "tuning: succeeded (as in testdata/healthy_tuningSucceeded)",
    ws: tuningWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), live(ofKind(ch, "Job"), { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] })],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["JobStarted", "True", "WorkspaceTuningJobStatusStarted"],
        ["WorkspaceSucceeded", "True", "workspaceSucceeded"],
        ["WorkspaceReady", "True", "workspaceReady"],
      ],
      state: "Succeeded",
      health: "Healthy",
      message: "Tuning job succeeded: workspace succeeds",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "tuning: failed (as in testdata/degraded_tuningFailed)",
    ws: tuningWorkspace(),
    observe: (ch) => [
      machineReady(ofKind(ch, "Machine")),
      live(ofKind(ch, "Job"), { failed: 7, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] }),
    ],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["JobStarted", "False", "WorkspaceTuningJobStatusFailed"],
        ["WorkspaceSucceeded", "False", "workspaceFailed"],
        ["WorkspaceReady", "False", "workspaceFailed"],
      ],
      state: "Failed",
      health: "Degraded",
      message: "Tuning job failed (WorkspaceTuningJobStatusFailed): tuning job failed",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: an image that cannot be pulled (as in testdata/degraded_imagePullError)",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [pullBackOff()],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: `Inference workload failed (ImagePullError): pod "phi-7d9c4-x2x9p": container "phi" image pull failed (ImagePullBackOff): Back-off pulling image "${IMAGE}"`,
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: the registry's refusal (ErrImagePull) is an image pull error too, its message one line and shortened",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("ErrImagePull", `failed to pull and unpack image\n "${IMAGE}": ${"x".repeat(400)}`)] })],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: new RegExp(`^Inference workload failed \\(ImagePullError\\): pod "phi-7d9c4-x2x9p": container "phi" image pull failed \\(ErrImagePull\\): failed to pull and unpack image "[^"]+": x{150,}\\.\\.\\.$`),
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: an invalid image name",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("InvalidImageName", 'Failed to apply default image tag "Registry/Phi:latest": invalid reference format')] })],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: 'Inference workload failed (ImagePullError): pod "phi-7d9c4-x2x9p": container "phi" image pull failed (InvalidImageName): Failed to apply default image tag "Registry/Phi:latest": invalid reference format',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: an adapter's init container that cannot be pulled comes before the model container",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [
      pod("phi-7d9c4-x2x9p", {
        initContainerStatuses: [waiting("ImagePullBackOff", 'Back-off pulling image "registry.example.com/adapters/a1:1"', "adapter-a1")],
        containerStatuses: [waiting("PodInitializing")],
      }),
    ],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: 'Inference workload failed (ImagePullError): pod "phi-7d9c4-x2x9p": container "adapter-a1" image pull failed (ImagePullBackOff): Back-off pulling image "registry.example.com/adapters/a1:1"',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: a crash loop reports the last termination, not the kubelet's back-off timer (as in testdata/degraded_crashLoopBackOff)",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [
      pod("phi-7d9c4-x2x9p", {
        containerStatuses: [
          waiting("CrashLoopBackOff", "back-off 40s restarting failed container=phi pod=phi-7d9c4-x2x9p_models(uid-1)", "phi", {
            restartCount: 3,
            lastState: { terminated: { exitCode: 1, reason: "Error", message: "ValueError: the model does not fit\n", finishedAt: EARLIER } },
          }),
        ],
      }),
    ],
    expect: {
      conditions: podBroken("ContainerCrashLoopBackOff"),
      state: "Pending",
      health: "Degraded",
      message:
        'Inference workload failed (ContainerCrashLoopBackOff): pod "phi-7d9c4-x2x9p": container "phi" is in CrashLoopBackOff; last termination: exit code 1 (Error): ValueError: the model does not fit',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: OOMKilled wins over the crash loop it causes (as in testdata/degraded_oomKilled)",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [
      pod("phi-7d9c4-x2x9p", {
        containerStatuses: [waiting("CrashLoopBackOff", "back-off 20s restarting failed container", "phi", { restartCount: 2, lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } } })],
      }),
    ],
    expect: {
      conditions: podBroken("ContainerOOMKilled"),
      state: "Pending",
      health: "Degraded",
      message: 'Inference workload failed (ContainerOOMKilled): pod "phi-7d9c4-x2x9p": container "phi" was OOMKilled (exit code 137); reduce memory usage or use a larger instance type',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: a container that cannot be created (a missing Secret)",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("CreateContainerConfigError", 'secret "hf-token" not found')] })],
    expect: {
      conditions: podBroken("ContainerStartError"),
      state: "Pending",
      health: "Degraded",
      message: 'Inference workload failed (ContainerStartError): pod "phi-7d9c4-x2x9p": container "phi" cannot start (CreateContainerConfigError): secret "hf-token" not found',
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: unschedulable on ready nodes, after having been Ready (as in testdata/degraded_unschedulable)",
    ws: withState(inferenceWorkspace(), { state: "Ready", conditions: [] }),
    observe: nodesAndPendingDeployment,
    pods: [unschedulable("phi-7d9c4-x2x9p")],
    expect: {
      conditions: podBroken("Unschedulable"),
      state: "NotReady",
      health: "Degraded",
      message:
        "Inference workload failed (Unschedulable): pod \"phi-7d9c4-x2x9p\" is unschedulable: 0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: unschedulable while the GPU node is still launching is normal: still waiting",
    ws: inferenceWorkspace(),
    observe: (ch) => [live(ofKind(ch, "Machine"), { conditions: [{ type: "MachineLaunched", status: "True" }, { type: "Ready", status: "False", reason: "NotInitialized" }] }), deploymentPending(ofKind(ch, "Deployment"))],
    pods: [unschedulable("phi-7d9c4-x2x9p")],
    expect: {
      conditions: [
        ["ResourceReady", "False", "NodeClaimNotReady"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message: /^Waiting for GPU nodes \(NodeClaimNotReady\): 0 of 1 node claims ready; Machine ws\w+ is not ready \(Ready False: NotInitialized\)$/,
    },
  },
  {
    name: "pods: several failing: the first by pod name wins, terminating and finished pods are left out",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [
      pod("phi-7d9c4-zzzzz", { containerStatuses: [waiting("CreateContainerError", "no such file")] }),
      pullBackOff("phi-7d9c4-bbbbb"),
      pod("phi-5c8b1-aaaaa", { containerStatuses: [waiting("CrashLoopBackOff")] }, { deletionTimestamp: EARLIER }),
      pod("phi-5c8b1-aaaab", { phase: "Failed", reason: "Evicted", containerStatuses: [waiting("CrashLoopBackOff")] }),
      pod("phi-7d9c4-aaaaa", { containerStatuses: [waiting("ContainerCreating")] }),
    ],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: `Inference workload failed (ImagePullError): pod "phi-7d9c4-bbbbb": container "phi" image pull failed (ImagePullBackOff): Back-off pulling image "${IMAGE}"`,
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: containers still being created and pods not yet scheduled say nothing: the model is loading",
    ws: inferenceWorkspace(),
    observe: nodesAndPendingDeployment,
    pods: [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("ContainerCreating")] }), pod("phi-7d9c4-x2x9q", {})],
    expect: {
      conditions: podBroken("WorkspaceInferenceStatusPending"),
      state: "Pending",
      health: "Progressing",
      message: "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi has 0/1 replicas available",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: an available workload is ready whatever a surplus pod shows (a new revision's pod that cannot pull)",
    ws: inferenceWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), ...rest(ch, "ConfigMap", "Service"), deploymentAvailable(ofKind(ch, "Deployment"))],
    pods: [pullBackOff()],
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "True", "WorkspaceInferenceStatusSuccess"],
        ["WorkspaceSucceeded", "True", "workspaceSucceeded"],
        ["WorkspaceReady", "True", "workspaceReady"],
      ],
      state: "Ready",
      health: "Healthy",
      message: "Inference is ready: workspace succeeds",
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "pods: a failing pod is more specific than the Deployment's progress deadline",
    ws: inferenceWorkspace(),
    observe: (ch) => [
      machineReady(ofKind(ch, "Machine")),
      live(ofKind(ch, "Deployment"), {
        observedGeneration: 1,
        replicas: 1,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "phi-7d9c4" has timed out progressing.' }],
      }),
    ],
    pods: [pullBackOff()],
    expect: {
      conditions: podBroken("ImagePullError"),
      state: "Pending",
      health: "Degraded",
      message: `Inference workload failed (ImagePullError): pod "phi-7d9c4-x2x9p": container "phi" image pull failed (ImagePullBackOff): Back-off pulling image "${IMAGE}"`,
      workerNodes: ["aks-gpu-0"],
    },
  },
  {
    name: "a child the API server refuses for good (no Karpenter CRD): the stage failed",
    ws: inferenceWorkspace(),
    observe: (ch) => rest(ch, "ConfigMap", "Service"),
    failures: (ch) => [[ofKind(ch, "Machine"), { message: "PATCH Machine ws1: 404 NotFound the server could not find the requested resource", permanent: true }]],
    expect: {
      conditions: [
        ["ResourceReady", "False", "ApplyFailed"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Degraded",
      message: /^GPU node provisioning failed \(ApplyFailed\): cannot apply Machine ws\w+: PATCH Machine ws1: 404 NotFound/,
      // An unlisted reason is recognized only with the string library (the argocd component turns it on).
      restricted: ["Progressing", /^Waiting for GPU nodes \(ApplyFailed\)/],
    },
  },
  {
    name: "a transient failure (API server 500): still on its way, the error in the summary",
    ws: inferenceWorkspace(),
    observe: (ch) => [machineReady(ofKind(ch, "Machine")), ...rest(ch, "ConfigMap", "Service")],
    failures: (ch) => [[ofKind(ch, "Deployment"), { message: "PATCH Deployment models/phi: 500 InternalError etcd timeout", permanent: false }]],
    reconcileError: "PATCH Deployment models/phi: 500 InternalError etcd timeout",
    expect: {
      conditions: [
        ["ResourceReady", "True", "workspaceResourceStatusSuccess"],
        ["InferenceReady", "False", "WorkspaceInferenceStatusPending"],
        ["WorkspaceSucceeded", "False", "workspacePending"],
        ["WorkspaceReady", "False", "workspacePending"],
      ],
      state: "Pending",
      health: "Progressing",
      message:
        "Waiting for the inference workload (WorkspaceInferenceStatusPending): Inference workload is not ready: Deployment phi is not created yet (last error: PATCH Deployment models/phi: 500 InternalError etcd timeout)",
      workerNodes: ["aks-gpu-0"],
    },
  },
];

describe("computeStatus", () => {
  for (const c of cases) {
    test(c.name, () => {
      const { plan, children } = expansionOf(c.ws, c.byoNodes);
      const failures = new Map((c.failures?.(children) ?? []).map(([child, f]) => [keyOf(child), f]));
      const status = computeStatus({
        workspace: c.ws,
        plan,
        desired: children,
        observed: observedMap(c.observe(children)),
        ...(c.pods ? { pods: c.pods } : {}),
        failures,
        now: NOW,
        ...(c.reconcileError ? { reconcileError: c.reconcileError } : {}),
      });
      assert.deepEqual(
        status.conditions?.map((x) => [x.type, x.status, x.reason]),
        c.expect.conditions,
      );
      for (const condition of status.conditions ?? []) {
        assert.equal(condition.observedGeneration, c.ws.metadata.generation, `${condition.type} carries observedGeneration`);
        assert.ok(condition.message.length > 0, `${condition.type} has a message`);
      }
      assert.equal(status.state, c.expect.state);
      assert.equal(status.targetNodeCount, plan.nodeCount);
      assert.deepEqual(status.workerNodes, c.expect.workerNodes);

      const health = argoHealth({ ...c.ws, status });
      assert.equal(health.status, c.expect.health, health.message);
      if (typeof c.expect.message === "string") assert.equal(health.message, c.expect.message);
      else assert.match(health.message, c.expect.message);
      const restricted = argoHealth({ ...c.ws, status }, "restricted");
      const [rStatus, rMessage] = c.expect.restricted ?? [c.expect.health, c.expect.message];
      assert.equal(restricted.status, rStatus, restricted.message);
      if (typeof rMessage === "string") assert.equal(restricted.message, rMessage);
      else assert.match(restricted.message, rMessage);
    });
  }

  test("an invalid Workspace: failed, Degraded, with the reason", () => {
    const ws = inferenceWorkspace();
    const status = computeInvalidStatus(ws, "inference.preset.name: unknown preset phi-9", NOW);
    assert.deepEqual(
      status.conditions?.map((x) => [x.type, x.status, x.reason]),
      [
        ["WorkspaceSucceeded", "False", "workspaceFailed"],
        ["WorkspaceReady", "False", "workspaceFailed"],
      ],
    );
    assert.equal(status.state, "Failed");
    for (const libs of ["open", "restricted"] as const) {
      const health = argoHealth({ ...ws, status }, libs);
      assert.equal(health.status, "Degraded");
      assert.equal(health.message, "Workspace failed (workspaceFailed): invalid Workspace: inference.preset.name: unknown preset phi-9");
    }
  });

  test("a status computed for the current generation is never read as stale", () => {
    const ws = inferenceWorkspace({}, 7);
    const { plan, children } = expansionOf(ws);
    const status = computeStatus({ workspace: ws, plan, desired: children, observed: new Map(), now: NOW });
    assert.ok(status.conditions?.every((x) => x.observedGeneration === 7));
    assert.doesNotMatch(argoHealth({ ...ws, metadata: { ...ws.metadata, generation: 7 }, status }).message, /observe generation/);
    // ... while a status left from generation 6 is (the check waits for the controller).
    assert.match(argoHealth({ ...ws, metadata: { ...ws.metadata, generation: 8 }, status }).message, /Waiting for the controller to observe generation 8/);
  });

  test("a Workspace some manager writes as v1alpha1 is treated as v1alpha1 for its status", () => {
    const ws = inferenceWorkspace();
    const written = (apiVersion: string): Workspace => ({
      ...ws,
      metadata: { ...ws.metadata, managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update", apiVersion }, { manager: "kaito-gitops-controller", operation: "Apply", apiVersion: "kaito.sh/v1beta1", subresource: "status" }] },
    });
    assert.equal(statusView(written("kaito.sh/v1alpha1")).apiVersion, "kaito.sh/v1alpha1");
    assert.equal(statusView(written("kaito.sh/v1beta1")).apiVersion, "kaito.sh/v1beta1");
    assert.equal(statusView(ws).apiVersion, "kaito.sh/v1beta1");
  });

  test("v1alpha1 gets neither state nor targetNodeCount (its schema would prune them)", () => {
    const ws: Workspace = { ...inferenceWorkspace(), apiVersion: "kaito.sh/v1alpha1" };
    const { plan, children } = expansionOf(ws);
    const status = computeStatus({ workspace: ws, plan, desired: children, observed: new Map(), now: NOW });
    assert.equal(status.state, undefined);
    assert.equal(status.targetNodeCount, undefined);
    assert.equal(computeInvalidStatus(ws, "x", NOW).state, undefined);
  });
});

describe("lastTransitionTime and change detection", () => {
  const ws = inferenceWorkspace();
  const { plan, children } = expansionOf(ws);
  const pendingObserved = observedMap([machineReady(ofKind(children, "Machine")), deploymentPending(ofKind(children, "Deployment"))]);
  const first = computeStatus({ workspace: ws, plan, desired: children, observed: pendingObserved, now: new Date(EARLIER) });

  test("a condition keeps its lastTransitionTime while its status stays", () => {
    const again = computeStatus({ workspace: withState(ws, first), plan, desired: children, observed: pendingObserved, now: NOW });
    assert.deepEqual(again, first);
    assert.ok(sameStatus(again, first), "recomputing from the same state: nothing to write");
  });

  test("it moves when the status does, and only for that condition", () => {
    const readyObserved = observedMap([machineReady(ofKind(children, "Machine")), deploymentAvailable(ofKind(children, "Deployment"))]);
    const next = computeStatus({ workspace: withState(ws, first), plan, desired: children, observed: readyObserved, now: NOW });
    const ltt = (s: WorkspaceStatus, type: string): string | undefined => s.conditions?.find((c: Condition) => c.type === type)?.lastTransitionTime;
    assert.equal(ltt(next, "ResourceReady"), "2026-01-01T00:00:00Z");
    assert.equal(ltt(next, "InferenceReady"), "2026-01-02T03:04:05Z");
    assert.equal(ltt(next, "WorkspaceReady"), "2026-01-02T03:04:05Z");
    assert.equal(sameStatus(next, first), false);
  });

  test("a pod failure keeps its message while the kubelet's words move: no status write per retry", () => {
    const observed = observedMap(nodesAndPendingDeployment(children));
    const compute = (prev: WorkspaceStatus | undefined, pods: LiveObject[]): WorkspaceStatus =>
      computeStatus({ workspace: prev ? withState(ws, prev) : ws, plan, desired: children, observed, pods, now: NOW });
    const inference = (s: WorkspaceStatus): Condition | undefined => s.conditions?.find((c) => c.type === "InferenceReady");
    const pulling = compute(undefined, [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("ErrImagePull", "rpc error: code = NotFound desc = not found")] })]);
    assert.equal(inference(pulling)?.reason, "ImagePullError");
    // ErrImagePull and ImagePullBackOff take turns; crash-loop back-off timers grow.
    const backOff = compute(pulling, [pullBackOff()]);
    assert.ok(sameStatus(backOff, pulling), "the same failure of the same container: nothing to write");
    const crashing = (timer: string): LiveObject[] => [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("CrashLoopBackOff", `back-off ${timer} restarting failed container`, "phi", { lastState: { terminated: { exitCode: 1, reason: "Error", message: `died at ${timer}` } } })] })];
    const crash1 = compute(backOff, crashing("10s"));
    assert.equal(sameStatus(crash1, backOff), false, "a different failure is written");
    assert.ok(sameStatus(compute(crash1, crashing("5m0s")), crash1));
    // Another pod (a new ReplicaSet's) is news.
    const other = compute(crash1, [pod("phi-8e1d5-a1b2c", { containerStatuses: [waiting("CrashLoopBackOff", "back-off 10s", "phi", { lastState: { terminated: { exitCode: 1, reason: "Error" } } })] })]);
    assert.match(inference(other)?.message ?? "", /^pod "phi-8e1d5-a1b2c"/);
    // The failure gone (the kubelet pulled the image at last), the model is loading again.
    const loading = compute(other, [pod("phi-7d9c4-x2x9p", { containerStatuses: [waiting("ContainerCreating")] })]);
    assert.deepEqual([inference(loading)?.reason, inference(loading)?.lastTransitionTime], ["WorkspaceInferenceStatusPending", inference(other)?.lastTransitionTime]);
  });

  test("sameStatus ignores conditions of other types and their order, not our fields", () => {
    const foreign: Condition = { type: "BenchmarkCompleted", status: "True", reason: "x", message: "y", lastTransitionTime: EARLIER };
    const reordered: WorkspaceStatus = { ...first, conditions: [foreign, ...[...(first.conditions ?? [])].reverse()] };
    assert.ok(sameStatus(first, reordered));
    const changed: WorkspaceStatus = { ...first, conditions: (first.conditions ?? []).map((c) => (c.type === "ResourceReady" ? { ...c, message: "other" } : c)) };
    assert.equal(sameStatus(first, changed), false);
    assert.equal(sameStatus(first, { ...first, state: "Ready" }), false);
    assert.equal(sameStatus(first, { ...first, workerNodes: ["x"] }), false);
    assert.equal(sameStatus(first, undefined), false);
  });
});
