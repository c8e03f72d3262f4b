// The Workspace's status, computed from what the cluster shows: a pure function of the
// Workspace, its expansion and the children as observed (plus the clock, passed in). Reasons
// and messages follow KAITO's, which the Argo CD health check (plugin/health/kaito.sh/Workspace)
// reads: a reason containing "Failed" (or listed there) marks a stage that needs a person,
// anything else not True is still on its way.
import type { Condition, ConditionStatus, ConditionType, KubeObject, Plan, Workspace, WorkspaceState, WorkspaceStatus } from "../workspace/index.js";
import { conditionsOf, childKey, numberAt, record, stringAt } from "./objects.js";
import { isClusterScopedChild } from "./resources.js";
import type { LiveCondition, LiveObject } from "./objects.js";

/** A child that could not be applied in this reconcile. */
export interface ApplyFailure {
  readonly message: string;
  /** retrying will not help (403, 404 for a missing CRD, 422): the stage is reported as failed */
  readonly permanent: boolean;
}

export interface StatusInput {
  /** the live Workspace: generation, apiVersion and the previous status */
  readonly workspace: Workspace;
  readonly plan: Plan;
  /** the children the Workspace expands to */
  readonly desired: readonly KubeObject[];
  /** live children by childKey(kind, namespace, name) */
  readonly observed: ReadonlyMap<string, LiveObject>;
  /** the inference pods as observed: label kaito.sh/workspace=<name>, the Workspace's namespace */
  readonly pods?: readonly LiveObject[];
  /** children whose apply failed, by childKey */
  readonly failures?: ReadonlyMap<string, ApplyFailure>;
  /** an error of this reconcile not tied to one child (e.g. a prune that failed) */
  readonly reconcileError?: string;
  readonly now: Date;
}

export const REASONS = {
  resourceReady: "workspaceResourceStatusSuccess",
  noProvisioning: "NoProvisioning",
  nodeClaimNotReady: "NodeClaimNotReady",
  inferenceReady: "WorkspaceInferenceStatusSuccess",
  inferencePending: "WorkspaceInferenceStatusPending",
  inferenceFailed: "WorkspaceInferenceStatusFailed",
  jobStarted: "WorkspaceTuningJobStatusStarted",
  jobPending: "WorkspaceTuningJobStatusPending",
  jobFailed: "WorkspaceTuningJobStatusFailed",
  succeeded: "workspaceSucceeded",
  ready: "workspaceReady",
  pending: "workspacePending",
  failed: "workspaceFailed",
  applyFailed: "ApplyFailed",
  // inference pods that cannot start, as KAITO classifies them
  imagePullError: "ImagePullError",
  crashLoop: "ContainerCrashLoopBackOff",
  oomKilled: "ContainerOOMKilled",
  startError: "ContainerStartError",
  unschedulable: "Unschedulable",
} as const;

interface Verdict {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  /** a stage that needs a person: the Workspace as a whole has failed */
  readonly failed?: boolean;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet"]);

export function computeStatus(input: StatusInput): WorkspaceStatus {
  const { workspace, plan, desired } = input;
  const claims = desired.filter((c) => isClusterScopedChild(c.kind));
  const resource = resourceVerdict(input, claims);
  const conditions: [ConditionType, Verdict][] = [["ResourceReady", resource]];
  let summary: Verdict;
  let state: WorkspaceState;

  if (plan.mode === "tuning") {
    const job = desired.find((c) => c.kind === "Job");
    const { started, outcome } = jobVerdicts(input, job);
    conditions.push(["JobStarted", started]);
    summary = outcome;
    state = outcome.status === "True" ? "Succeeded" : outcome.failed ? "Failed" : started.status === "True" ? "Running" : "Pending";
  } else {
    const inference = inferenceVerdict(input, desired, resource.status === "True");
    conditions.push(["InferenceReady", inference]);
    if (resource.status === "True" && inference.status === "True") {
      summary = { status: "True", reason: REASONS.succeeded, message: "workspace succeeds" };
    } else {
      // A failed stage shows in its own condition; the summary stays "waiting", as KAITO's does.
      const waitingFor = resource.status === "True" ? "inference workload readiness" : "its GPU nodes";
      summary = { status: "False", reason: REASONS.pending, message: `workspace is waiting for ${waitingFor}` };
    }
    const previous = workspace.status?.state;
    state = summary.status === "True" ? "Ready" : previous === "Ready" || previous === "NotReady" ? "NotReady" : "Pending";
  }

  if (summary.status !== "True" && input.reconcileError !== undefined) {
    summary = { ...summary, message: `${summary.message} (last reconcile error: ${input.reconcileError})` };
  }
  conditions.push(["WorkspaceSucceeded", summary]);
  conditions.push(["WorkspaceReady", summary.status === "True" ? { status: "True", reason: REASONS.ready, message: "workspace is ready" } : summary]);

  const workerNodes = claims
    .map((c) => stringAt(input.observed.get(childKey(c.kind, c.metadata.namespace, c.metadata.name ?? ""))?.status, "nodeName"))
    .filter((n): n is string => n !== undefined && n !== "")
    .sort();
  return statusOf(workspace, conditions, input.now, {
    workerNodes,
    v1beta1: { targetNodeCount: plan.nodeCount, state },
  });
}

/**
 * The Workspace as far as its status may go: a Workspace someone writes as kaito.sh/v1alpha1
 * (its managedFields say so) must not get v1beta1-only status fields. Server-side apply checks
 * every manager's fields in that manager's version, and the API server refuses the write
 * ("failed to convert new object: .status.state: field not declared in schema"); and read
 * through v1alpha1 the fields would be pruned anyway.
 */
export function statusView(workspace: Workspace): Workspace {
  const fields = (workspace.metadata.managedFields ?? []) as { apiVersion?: unknown }[];
  return fields.some((f) => f.apiVersion === "kaito.sh/v1alpha1") ? { ...workspace, apiVersion: "kaito.sh/v1alpha1" } : workspace;
}

/** The status of a Workspace that cannot be expanded (invalid, or one KAITO's controller would get stuck on). */
export function computeInvalidStatus(workspace: Workspace, message: string, now: Date): WorkspaceStatus {
  const verdict: Verdict = { status: "False", reason: REASONS.failed, message: `invalid Workspace: ${message}` };
  return statusOf(workspace, [["WorkspaceSucceeded", verdict], ["WorkspaceReady", verdict]], now, { workerNodes: [], v1beta1: { state: "Failed" } });
}

function statusOf(
  workspace: Workspace,
  verdicts: readonly [ConditionType, Verdict][],
  now: Date,
  extra: { workerNodes: readonly string[]; v1beta1: { targetNodeCount?: number; state: WorkspaceState } },
): WorkspaceStatus {
  const previous = workspace.status?.conditions ?? [];
  const generation = workspace.metadata.generation;
  const conditions = verdicts.map(([type, v]) => {
    const before = previous.find((c) => c.type === type);
    const condition: Condition = {
      type,
      status: v.status,
      reason: v.reason,
      message: v.message,
      // Moves only when the status does, so "since when" stays meaningful.
      lastTransitionTime: before && before.status === v.status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now),
    };
    if (generation !== undefined) condition.observedGeneration = generation;
    return condition;
  });
  const status: WorkspaceStatus = { conditions };
  if (extra.workerNodes.length > 0) status.workerNodes = [...extra.workerNodes];
  // v1alpha1 has neither field: written there, the API server would prune them and every
  // reconcile would see a difference to write again.
  if (workspace.apiVersion !== "kaito.sh/v1alpha1") {
    if (extra.v1beta1.targetNodeCount !== undefined) status.targetNodeCount = extra.v1beta1.targetNodeCount;
    status.state = extra.v1beta1.state;
  }
  return status;
}

/** Seconds precision, as metav1.Time serializes. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

// ---- stages ------------------------------------------------------------------------------------

function failureOf(input: StatusInput, child: KubeObject | undefined): ApplyFailure | undefined {
  return child ? input.failures?.get(childKey(child.kind, child.metadata.namespace, child.metadata.name ?? "")) : undefined;
}

function observedOf(input: StatusInput, child: KubeObject): LiveObject | undefined {
  return input.observed.get(childKey(child.kind, child.metadata.namespace, child.metadata.name ?? ""));
}

const applyFailed = (child: KubeObject, failure: ApplyFailure): Verdict => ({
  status: "False",
  reason: REASONS.applyFailed,
  message: `cannot apply ${child.kind} ${child.metadata.name ?? ""}: ${failure.message}`,
  failed: true,
});

const notCreated = (child: KubeObject, failure: ApplyFailure | undefined): string =>
  `${child.kind} ${child.metadata.name ?? ""} is not created yet${failure ? ` (last error: ${failure.message})` : ""}`;

// Karpenter's lifecycle conditions, v1 (NodeClaim) and v1alpha5 (Machine), in the order they turn True.
const CLAIM_STAGES = ["Launched", "MachineLaunched", "Registered", "MachineRegistered", "Initialized", "MachineInitialized", "Ready"];
const CAPACITY_MESSAGE = "all requested instance types were unavailable";

function resourceVerdict(input: StatusInput, claims: readonly KubeObject[]): Verdict {
  if (claims.length === 0) {
    return {
      status: "True",
      reason: REASONS.noProvisioning,
      message: `no GPU nodes to provision: the Workspace runs on existing nodes (resource.preferredNodes)`,
    };
  }
  let ready = 0;
  let waiting: string | undefined;
  for (const claim of claims) {
    const failure = failureOf(input, claim);
    if (failure?.permanent) return applyFailed(claim, failure);
    const live = observedOf(input, claim);
    if (!live) {
      waiting ??= notCreated(claim, failure);
      continue;
    }
    const name = claim.metadata.name ?? "";
    if (live.metadata?.deletionTimestamp) {
      waiting ??= `${claim.kind} ${name} is being deleted`;
      continue;
    }
    const conditions = conditionsOf(live);
    if (conditions.some((c) => c.type === "Ready" && c.status === "True")) {
      ready++;
      continue;
    }
    // A launch the cloud refused needs a person (quota, capacity): surface Karpenter's words.
    const broken = conditions.find((c) => c.status === "False" && (c.reason.includes("Failed") || c.message.includes(CAPACITY_MESSAGE)));
    if (broken) {
      return {
        status: "False",
        reason: broken.reason.includes("Failed") ? broken.reason : REASONS.nodeClaimNotReady,
        message: broken.message || `${claim.kind} ${name}: ${broken.type} ${broken.reason}`,
        failed: true,
      };
    }
    waiting ??= `${claim.kind} ${name} is not ready${stageDetail(conditions)}`;
  }
  if (ready === claims.length) return { status: "True", reason: REASONS.resourceReady, message: "workspace resource is ready" };
  return { status: "False", reason: REASONS.nodeClaimNotReady, message: `${ready} of ${claims.length} node claims ready; ${waiting ?? ""}`.trim() };
}

function stageDetail(conditions: readonly LiveCondition[]): string {
  for (const stage of CLAIM_STAGES) {
    const c = conditions.find((x) => x.type === stage);
    if (c && c.status !== "True") return ` (${c.type} ${c.status}${c.reason ? `: ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""})`;
  }
  return "";
}

function inferenceVerdict(input: StatusInput, desired: readonly KubeObject[], nodesReady: boolean): Verdict {
  const verdict = workloadVerdict(input, desired);
  // The replica counts say "not available" alike for a model still loading and one that can never
  // start; the pods tell them apart. An apply that failed for good stays the cause to report.
  if (verdict.status === "True" || verdict.reason === REASONS.applyFailed) return verdict;
  const broken = podFailure(input.pods ?? [], nodesReady);
  if (!broken) return verdict;
  // The kubelet's words move while the failure stays (back-off durations, ErrImagePull taking
  // turns with ImagePullBackOff, the scheduler's node counts): the same failure of the same
  // container keeps the message already written, so it costs no status write per retry.
  const before = input.workspace.status?.conditions?.find((c) => c.type === "InferenceReady");
  const message = before && before.status === "False" && before.reason === broken.reason && before.message.startsWith(broken.subject) ? before.message : broken.message;
  return { status: "False", reason: broken.reason, message, failed: true };
}

function workloadVerdict(input: StatusInput, desired: readonly KubeObject[]): Verdict {
  const workload = desired.find((c) => WORKLOAD_KINDS.has(c.kind));
  // A Service or ConfigMap that cannot be applied breaks inference as surely as the workload.
  for (const child of desired) {
    if (isClusterScopedChild(child.kind)) continue;
    const failure = failureOf(input, child);
    if (failure?.permanent) return applyFailed(child, failure);
  }
  if (!workload) return { status: "False", reason: REASONS.inferencePending, message: "Inference workload is not ready: nothing to run" };
  const live = observedOf(input, workload);
  const pending = (detail: string): Verdict => ({ status: "False", reason: REASONS.inferencePending, message: `Inference workload is not ready: ${detail}` });
  if (!live) return pending(notCreated(workload, failureOf(input, workload)));
  const name = `${workload.kind} ${workload.metadata.name ?? ""}`;
  const want = numberAt(live.spec, "replicas") ?? 1;
  const status = live.status;
  const generation = live.metadata?.generation;
  const observedGeneration = numberAt(status, "observedGeneration");
  const current = generation === undefined || (observedGeneration !== undefined && observedGeneration >= generation);

  if (workload.kind === "Deployment") {
    const progressing = conditionsOf(live).find((c) => c.type === "Progressing");
    if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
      return { status: "False", reason: REASONS.inferenceFailed, message: `${name}: ${progressing.message || "progress deadline exceeded"}`, failed: true };
    }
    const updated = numberAt(status, "updatedReplicas") ?? 0;
    const available = numberAt(status, "availableReplicas") ?? 0;
    const readyCount = numberAt(status, "readyReplicas") ?? 0;
    if (current && updated >= want && available >= want && readyCount >= want) return success();
    // The message leaves out what moves in each step of a new Deployment's first sync
    // (observedGeneration, updatedReplicas), so that does not cost a status write per step; a
    // spec change not yet observed is worth saying.
    const rollingOut = observedGeneration !== undefined && !current;
    return pending(`${name} has ${Math.min(available, readyCount)}/${want} replicas available${rollingOut ? " (rolling out a new revision)" : ""}`);
  }

  // StatefulSet: one pod per node, all of them needed to serve a model split across nodes.
  const readyCount = numberAt(status, "readyReplicas") ?? 0;
  if (current && readyCount >= want) return success();
  const rollingOut = observedGeneration !== undefined && !current;
  return pending(`${name} has ${readyCount}/${want} replicas ready${rollingOut ? " (rolling out a new revision)" : ""}`);
}

// ---- inference pods -----------------------------------------------------------------------------

interface PodFailure {
  readonly reason: string;
  /** the pod and container: the part of the message that names what failed */
  readonly subject: string;
  readonly message: string;
}

const IMAGE_PULL = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName"]);
const START_ERRORS = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
/** Enough of the kubelet's or scheduler's message to act on; the full text is in the pod's status. */
const MAX_DETAIL = 300;

/**
 * The first pod failure a person must act on, by pod name, then init containers (they run
 * first: an adapter's image pull blocks the model), then containers, each in status order.
 * Unschedulable counts only once the nodes are ready: until then every pod of a Workspace waits
 * for its GPU nodes, as it should.
 */
function podFailure(pods: readonly LiveObject[], nodesReady: boolean): PodFailure | undefined {
  const live = pods
    .filter((p) => !p.metadata?.deletionTimestamp && !["Succeeded", "Failed"].includes(stringAt(p.status, "phase") ?? ""))
    .sort((a, b) => compare(a.metadata?.name ?? "", b.metadata?.name ?? ""));
  for (const pod of live) {
    const podName = pod.metadata?.name ?? "";
    const scheduled = conditionsOf(pod).find((c) => c.type === "PodScheduled");
    if (nodesReady && scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
      const subject = `pod "${podName}" is unschedulable`;
      return { reason: REASONS.unschedulable, subject, message: `${subject}${detail(scheduled.message)}` };
    }
    const status = record(pod.status);
    for (const field of ["initContainerStatuses", "containerStatuses"]) {
      const list = status[field];
      if (!Array.isArray(list)) continue;
      for (const container of list) {
        const found = containerFailure(podName, container);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function containerFailure(podName: string, container: unknown): PodFailure | undefined {
  const subject = `pod "${podName}": container "${stringAt(container, "name") ?? ""}"`;
  const state = record(record(container)["state"]);
  const waiting = state["waiting"];
  const terminated = [state["terminated"], record(record(container)["lastState"])["terminated"]];
  const oom = terminated.find((t) => stringAt(t, "reason") === "OOMKilled");
  // Before the crash loop that usually follows it: the kill says why the container keeps dying.
  if (oom !== undefined) {
    const code = numberAt(oom, "exitCode");
    return {
      reason: REASONS.oomKilled,
      subject,
      message: `${subject} was OOMKilled${code === undefined ? "" : ` (exit code ${code})`}; reduce memory usage or use a larger instance type`,
    };
  }
  const reason = stringAt(waiting, "reason") ?? "";
  const said = stringAt(waiting, "message");
  if (IMAGE_PULL.has(reason)) return { reason: REASONS.imagePullError, subject, message: `${subject} image pull failed (${reason})${detail(said)}` };
  if (START_ERRORS.has(reason)) return { reason: REASONS.startError, subject, message: `${subject} cannot start (${reason})${detail(said)}` };
  if (reason === "CrashLoopBackOff") {
    // The kubelet's own message here is a back-off timer; the last termination says what happened.
    const last = record(record(container)["lastState"])["terminated"];
    const code = numberAt(last, "exitCode");
    const ended = stringAt(last, "reason");
    const why = [code === undefined ? "" : `exit code ${code}`, ended ? `(${ended})` : ""].filter((s) => s !== "").join(" ");
    const message = stringAt(last, "message");
    return {
      reason: REASONS.crashLoop,
      subject,
      message: `${subject} is in CrashLoopBackOff${why ? `; last termination: ${why}` : ""}${detail(message)}`,
    };
  }
  return undefined;
}

/** ": <text>", on one line and cut to MAX_DETAIL characters; "" for no text. */
function detail(text: string | undefined): string {
  const line = (text ?? "").replace(/\s+/g, " ").trim();
  if (line === "") return "";
  return `: ${line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL - 3)}...` : line}`;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const success = (): Verdict => ({ status: "True", reason: REASONS.inferenceReady, message: "Inference has been deployed successfully" });

function jobVerdicts(input: StatusInput, job: KubeObject | undefined): { started: Verdict; outcome: Verdict } {
  const notStarted = (detail?: string): { started: Verdict; outcome: Verdict } => ({
    started: { status: "False", reason: REASONS.jobPending, message: `Tuning job has not started${detail ? `: ${detail}` : ""}` },
    outcome: { status: "False", reason: REASONS.pending, message: "workspace is initializing, tuning job has not started" },
  });
  if (!job) return notStarted("nothing to run");
  const failure = failureOf(input, job);
  if (failure?.permanent) {
    const verdict = applyFailed(job, failure);
    return { started: verdict, outcome: { ...verdict, reason: REASONS.failed } };
  }
  const live = observedOf(input, job);
  if (!live) return notStarted(notCreated(job, failure));
  const name = job.metadata.name ?? "";
  const conditions = conditionsOf(live);
  const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (failed) {
    const detail = [failed.reason, failed.message].filter((s) => s !== "").join(": ");
    return {
      started: { status: "False", reason: REASONS.jobFailed, message: "tuning job failed", failed: true },
      outcome: { status: "False", reason: REASONS.failed, message: `tuning job ${name} failed${detail ? `: ${detail}` : ""}`, failed: true },
    };
  }
  const status = record(live.status);
  const succeeded = (numberAt(status, "succeeded") ?? 0) > 0 || conditions.some((c) => c.type === "Complete" && c.status === "True");
  const running = (numberAt(status, "active") ?? 0) > 0 || (numberAt(status, "ready") ?? 0) > 0;
  if (!succeeded && !running) return notStarted();
  const started: Verdict = { status: "True", reason: REASONS.jobStarted, message: "Tuning job has started" };
  if (succeeded) return { started, outcome: { status: "True", reason: REASONS.succeeded, message: "workspace succeeds" } };
  return { started, outcome: { status: "False", reason: REASONS.pending, message: "workspace has not completed yet, tuning job is running" } };
}

// ---- comparing -----------------------------------------------------------------------------------

const OUR_CONDITIONS: ReadonlySet<string> = new Set(["ResourceReady", "InferenceReady", "JobStarted", "WorkspaceSucceeded", "WorkspaceReady"]);

/**
 * True when `live` already shows everything `wanted` says, in the fields the controller owns:
 * then there is nothing to write (conditions of other types, written by someone else, are
 * left out of the comparison).
 */
export function sameStatus(wanted: WorkspaceStatus, live: WorkspaceStatus | undefined): boolean {
  const ours = (s: WorkspaceStatus | undefined): Condition[] =>
    (s?.conditions ?? []).filter((c) => OUR_CONDITIONS.has(c.type)).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const a = ours(wanted);
  const b = ours(live);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return false;
    if (
      x.type !== y.type ||
      x.status !== y.status ||
      x.reason !== y.reason ||
      x.message !== y.message ||
      x.lastTransitionTime !== y.lastTransitionTime ||
      x.observedGeneration !== y.observedGeneration
    ) {
      return false;
    }
  }
  const nodes = (s: WorkspaceStatus | undefined): string => JSON.stringify(s?.workerNodes ?? []);
  return nodes(wanted) === nodes(live) && wanted.state === live?.state && wanted.targetNodeCount === live?.targetNodeCount;
}
