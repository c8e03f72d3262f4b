// Property tests of the one expansion (DESIGN.md, "The one rule") over generated valid
// Workspaces drawn from the real catalog (./arbitraries.ts): idempotent, same bytes whatever the
// input's key order, input untouched, every child valid for its kind's schema, and the invariants
// that tie children to their Workspace. fast-check prints the seed and path of any failure; set
// FC_SEED (and FC_PATH) to replay one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import type { IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout";
import { NodeClaim } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodeClaim";
import type { INodeClaim } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodeClaim";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import { Service } from "kubernetes-models/v1/Service";
import type { IService } from "kubernetes-models/v1/Service";
import {
  ANNOTATION_ENABLE_LB,
  ANNOTATION_GPUS_PER_NODE,
  ANNOTATION_NODE_IMAGE_FAMILY,
  ANNOTATION_ROLLOUT_STEPS,
  ARGO_TRACKING_LABELS,
  DEFAULT_CANARY_STEPS,
  LABEL_WORKSPACE,
  LABEL_WORKSPACE_NAMESPACE,
  checkWorkspace,
  expand,
  expandOptions,
  parseRolloutSteps,
  versionOf,
} from "../../workspace/index.js";
import type { ExpandOptions, Expansion, KubeObject, NodeClaimKind, Workspace, WorkloadKind } from "../../workspace/index.js";
import { workspaceSchemaViolations } from "../../workspace/api/validator.js";
import { findInstanceType } from "../../workspace/catalog/catalog.js";
import type { Machine } from "../../workspace/expand/node-claim.js";
import { printYamlStream } from "../../workspace/render/print.js";
import { fitPreset } from "../../workspace/sizing.js";
import { V1ALPHA1_DEFAULT_INSTANCE_TYPE } from "../../workspace/validate/resource.js";
import { candidateWorkspace, catalog, checkOptions, isValid, validWorkspace } from "./arbitraries.js";

const NUM_RUNS = 200;
const NODE_CLAIM_KINDS: readonly NodeClaimKind[] = ["Machine", "NodeClaim"];
const WORKLOAD_KINDS: readonly WorkloadKind[] = ["Deployment", "Rollout"];
const OPTIONS_NAMESPACE = checkOptions.namespace;

// The failing assertion's message goes into the report, next to the seed and the counterexample.
fc.configureGlobal({
  includeErrorInReport: true,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
});

interface Kinds {
  readonly nodeClaimKind: NodeClaimKind;
  readonly workloadKind: WorkloadKind;
}
const optionsFor = ({ nodeClaimKind, workloadKind }: Kinds): ExpandOptions =>
  expandOptions({ nodeClaimKind, workloadKind, namespace: OPTIONS_NAMESPACE });
/** Every combination of the kinds a road may ask for. */
const ALL_KINDS: readonly Kinds[] = NODE_CLAIM_KINDS.flatMap((nodeClaimKind) => WORKLOAD_KINDS.map((workloadKind) => ({ nodeClaimKind, workloadKind })));
const kinds = fc.constantFrom(...ALL_KINDS);
const show = (k: Kinds): string => `${k.nodeClaimKind}+${k.workloadKind}`;
const render = (e: Expansion): string => printYamlStream([e.workspace, ...e.children]);

// ---- helpers ---------------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the seed comes from fast-check, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same JSON value with the keys of every object, at every depth, in a shuffled order; arrays keep theirs. */
export function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = entries[i];
    entries[i] = entries[j] ?? entries[i];
    if (swap) entries[j] = swap;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function objectsIn(value: unknown, into = new Set<object>()): Set<object> {
  if (value !== null && typeof value === "object") {
    into.add(value);
    for (const v of Object.values(value)) objectsIn(v, into);
  }
  return into;
}

const isNodeClaim = (c: KubeObject): boolean => c.kind === "Machine" || c.kind === "NodeClaim";
const ofKind = <T>(children: readonly KubeObject[], kind: string): T[] => children.filter((c) => c.kind === kind) as unknown as T[];
const isSubset = (small: Record<string, string>, big: Record<string, string>): boolean =>
  Object.entries(small).every(([k, v]) => big[k] === v);
const metaOf = (c: KubeObject): IObjectMeta => c.metadata;
const id = (c: KubeObject): string => `${c.kind} ${c.metadata.namespace ?? ""}/${c.metadata.name ?? ""}`;

/** GPUs each node has: the catalog's count for a known type, else the annotation (default 1). */
function expectedGpus(ws: Workspace): number {
  const type = ws.resource?.instanceType ? findInstanceType(catalog, ws.resource.instanceType) : undefined;
  if (type) return type.gpuCount;
  const annotated = ws.metadata.annotations?.[ANNOTATION_GPUS_PER_NODE];
  return annotated ? Number(annotated) : 1;
}

interface Workload {
  readonly kind: string;
  readonly name: string;
  readonly replicas: number;
  readonly selector: Record<string, string>;
  readonly template: IPodTemplateSpec;
}

function workloadsOf(children: readonly KubeObject[]): Workload[] {
  const out: Workload[] = [];
  for (const d of ofKind<IDeployment & KubeObject>(children, "Deployment")) {
    out.push({ kind: d.kind, name: metaOf(d).name ?? "", replicas: d.spec?.replicas ?? 1, selector: d.spec?.selector.matchLabels ?? {}, template: d.spec?.template ?? {} });
  }
  for (const r of ofKind<IRollout & KubeObject>(children, "Rollout")) {
    out.push({ kind: r.kind, name: metaOf(r).name ?? "", replicas: r.spec.replicas ?? 1, selector: r.spec.selector?.matchLabels ?? {}, template: (r.spec.template ?? {}) as IPodTemplateSpec });
  }
  for (const s of ofKind<IStatefulSet & KubeObject>(children, "StatefulSet")) {
    out.push({ kind: s.kind, name: metaOf(s).name ?? "", replicas: s.spec?.replicas ?? 1, selector: s.spec?.selector.matchLabels ?? {}, template: s.spec?.template ?? {} });
  }
  return out;
}

/** The labels of each pod a workload makes, with those its controller adds. */
function podLabels(w: Workload): Record<string, string>[] {
  const base = w.template.metadata?.labels ?? {};
  return Array.from({ length: w.replicas }, (_, i) =>
    w.kind === "StatefulSet"
      ? { ...base, "statefulset.kubernetes.io/pod-name": `${w.name}-${i}`, "apps.kubernetes.io/pod-index": String(i) }
      : { ...base },
  );
}

/** Every pod template among the children: the inference workload's or the tuning Job's. */
function podTemplatesOf(children: readonly KubeObject[]): { owner: string; template: IPodTemplateSpec }[] {
  return [
    ...workloadsOf(children).map((w) => ({ owner: `${w.kind} ${w.name}`, template: w.template })),
    ...ofKind<IJob & KubeObject>(children, "Job").map((j) => ({ owner: `Job ${metaOf(j).name ?? ""}`, template: j.spec?.template ?? {} })),
  ];
}

// ---- the properties --------------------------------------------------------------------------

describe("the Workspace generator", () => {
  it("yields Workspaces that checkWorkspace accepts, rejecting few candidates", () => {
    const candidates = fc.sample(candidateWorkspace, { numRuns: 400 });
    const rejected = candidates.filter((w) => !isValid(w));
    const reasons = rejected
      .flatMap((w) => checkWorkspace(w, catalog, checkOptions).violations.filter((v) => v.severity === "error"))
      .map((v) => `${v.rule} at ${v.path.join(".")}: ${v.message}`);
    assert.ok(rejected.length <= candidates.length * 0.05, `${rejected.length} of ${candidates.length} rejected:\n${[...new Set(reasons)].slice(0, 10).join("\n")}`);
    // and the kinds of Workspace all occur
    const valid = candidates.filter(isValid);
    assert.ok(valid.some((w) => w.tuning));
    assert.ok(valid.some((w) => w.inference?.template));
    assert.ok(valid.some((w) => (w.inference?.adapters?.length ?? 0) > 0));
    assert.ok(valid.some((w) => w.apiVersion === "kaito.sh/v1alpha1") && valid.some((w) => w.apiVersion === "kaito.sh/v1beta1"));
  });

  it("covers models split across nodes", () => {
    const distributed = fc
      .sample(validWorkspace, { numRuns: 300 })
      .filter((w) => expand(w, catalog, checkOptions).plan.distributed);
    assert.ok(distributed.length > 0, "no generated Workspace spans several nodes");
  });
});

describe("expand: properties over generated Workspaces", () => {
  it("is idempotent: expanding the expanded Workspace changes nothing, for both node claim (and workload) kinds", () => {
    fc.assert(
      fc.property(validWorkspace, (ws) => {
        for (const k of ALL_KINDS) {
          const once = expand(ws, catalog, optionsFor(k));
          const twice = expand(once.workspace, catalog, optionsFor(k));
          assert.deepEqual(twice.workspace, once.workspace, `${show(k)}: the Workspace changed on re-expansion`);
          assert.deepEqual(twice.children, once.children, `${show(k)}: the children changed on re-expansion`);
          assert.deepEqual(twice.plan, once.plan, `${show(k)}: the plan changed on re-expansion`);
          assert.equal(render(twice), render(once), `${show(k)}: the bytes changed on re-expansion`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("gives the same bytes for the same input, whatever the order of its keys", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, fc.integer(), (ws, kind, seed) => {
        const options = optionsFor(kind);
        const first = render(expand(ws, catalog, options));
        assert.equal(render(expand(ws, catalog, options)), first, "two runs gave different bytes");
        const shuffled = shuffleKeys(ws, prng(seed));
        assert.deepEqual(shuffled, ws);
        assert.equal(render(expand(shuffled, catalog, options)), first, "shuffled keys gave different bytes");
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("does not mutate its input, nor hand back any part of it", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, (ws, kind) => {
        const before = structuredClone(ws);
        // Frozen: a write anywhere in the input throws (ES modules are strict code).
        const frozen = deepFreeze(structuredClone(ws));
        const fromFrozen = expand(frozen, catalog, optionsFor(kind));
        const e = expand(ws, catalog, optionsFor(kind));
        assert.deepEqual(ws, before);
        assert.deepEqual(fromFrozen.workspace, e.workspace);
        assert.deepEqual(fromFrozen.children, e.children);
        const inputObjects = objectsIn(ws);
        const shared = [...objectsIn([e.workspace, e.children])].filter((o) => inputObjects.has(o));
        assert.deepEqual(shared, [], "the expansion shares objects with its input: changing one changes the other");
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("gives children that pass the schema of their kind, and a Workspace that passes ours", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, (ws, kind) => {
        const e = expand(ws, catalog, optionsFor(kind));
        const version = versionOf(e.workspace);
        assert.equal(typeof version, "string");
        if (typeof version === "string") assert.deepEqual(workspaceSchemaViolations(e.workspace, version), []);
        for (const child of e.children) validateChild(child, e, kind);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("keeps the invariants that tie children to their Workspace", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, (ws, kind) => {
        checkInvariants(ws, expand(ws, catalog, optionsFor(kind)), kind);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("gives pods the API server accepts: unique container, volume and mount names, mounts of existing volumes", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, (ws, kind) => {
        const e = expand(ws, catalog, optionsFor(kind));
        for (const { owner, template } of podTemplatesOf(e.children)) checkPod(owner, template);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("has the tuning Job download exactly the Workspace's data URLs", () => {
    fc.assert(
      fc.property(
        validWorkspace.filter((w) => (w.tuning?.input?.urls?.length ?? 0) > 0),
        (ws) => {
          const job = ofKind<IJob & KubeObject>(expand(ws, catalog, checkOptions).children, "Job")[0];
          const downloader = job?.spec?.template.spec?.initContainers?.find((c) => c.name === "data-downloader");
          const value = downloader?.env?.find((v) => v.name === "DATA_URLS")?.value ?? "";
          // The script loops over the words of $DATA_URLS.
          assert.deepEqual(value.split(/\s+/).filter((w) => w !== ""), ws.tuning?.input?.urls);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("gives children names and labels the API server accepts", () => {
    fc.assert(
      fc.property(validWorkspace, kinds, (ws, kind) => {
        checkNames(expand(ws, catalog, optionsFor(kind)));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---- schemas ---------------------------------------------------------------------------------

function validateChild(child: KubeObject, e: Expansion, kind: Kinds): void {
  const as = <T>(): T => child as unknown as T;
  switch (child.kind) {
    case "Deployment":
      new Deployment(as<IDeployment>()).validate();
      return;
    case "StatefulSet":
      new StatefulSet(as<IStatefulSet>()).validate();
      return;
    case "Service":
      new Service(as<IService>()).validate();
      return;
    case "ConfigMap":
      new ConfigMap(as<IConfigMap>()).validate();
      return;
    case "Job":
      new Job(as<IJob>()).validate();
      return;
    case "Rollout":
      assert.equal(kind.workloadKind, "Rollout");
      new Rollout(as<IRollout>()).validate();
      return;
    case "NodeClaim":
      assert.equal(kind.nodeClaimKind, "NodeClaim");
      new NodeClaim(as<INodeClaim>()).validate();
      return;
    case "Machine":
      assert.equal(kind.nodeClaimKind, "Machine");
      checkMachine(as<Machine>(), e);
      return;
    default:
      assert.fail(`unexpected child kind ${child.kind} (${child.apiVersion})`);
  }
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The shape node-claim.ts declares for karpenter.sh/v1alpha5 Machine, exactly. */
function checkMachine(m: Machine, e: Expansion): void {
  assert.deepEqual(Object.keys(m).sort(), ["apiVersion", "kind", "metadata", "spec"]);
  assert.equal(m.apiVersion, "karpenter.sh/v1alpha5");
  assert.deepEqual(Object.keys(m.metadata).sort(), ["labels", "name"]);
  assert.match(m.metadata.name ?? "", /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  for (const [k, v] of Object.entries(m.metadata.labels ?? {})) {
    assert.equal(typeof v, "string", `label ${k}`);
    assert.match(v, LABEL_VALUE, `label ${k}`);
  }
  assert.equal(m.metadata.labels?.["karpenter.sh/provisioner-name"], "default");
  assert.deepEqual(Object.keys(m.spec).sort(), ["machineTemplateRef", "requirements", "resources", "taints"]);
  assert.deepEqual(m.spec.machineTemplateRef, { name: m.metadata.name });
  assert.ok(m.spec.requirements.length > 0);
  for (const r of m.spec.requirements) {
    assert.deepEqual(Object.keys(r).sort(), ["key", "operator", "values"]);
    assert.equal(typeof r.key, "string");
    assert.ok(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"].includes(r.operator), r.operator);
    assert.ok(Array.isArray(r.values) && r.values.length > 0 && r.values.every((v) => typeof v === "string" && v !== ""), `values of ${r.key}`);
  }
  const instanceType = m.spec.requirements.find((r) => r.key === "node.kubernetes.io/instance-type");
  assert.deepEqual(instanceType?.values, [e.plan.instanceType?.name ?? e.workspace.resource?.instanceType]);
  assert.deepEqual(Object.keys(m.spec.resources), ["requests"]);
  assert.deepEqual(Object.keys(m.spec.resources.requests), ["storage"]);
  const disk = e.plan.preset ? Math.ceil(e.plan.preset.diskGiB) : 1024;
  assert.equal(m.spec.resources.requests.storage, `${disk}Gi`);
  assert.deepEqual(m.spec.taints, [{ key: "sku", value: "gpu", effect: "NoSchedule" }]);
}

// ---- invariants ------------------------------------------------------------------------------

function checkInvariants(input: Workspace, e: Expansion, kind: Kinds): void {
  const ws = e.workspace;
  const name = ws.metadata.name ?? "";
  const namespace = ws.metadata.namespace;
  const uid = ws.metadata.uid;
  assert.equal(name, input.metadata.name);
  assert.equal(namespace, input.metadata.namespace ?? OPTIONS_NAMESPACE);
  assert.equal(uid, input.metadata.uid);
  const ownLabels = Object.fromEntries(
    Object.entries(input.metadata.labels ?? {}).filter(([k]) => !ARGO_TRACKING_LABELS.has(k) && k !== LABEL_WORKSPACE),
  );

  // metadata of every child
  for (const child of e.children) {
    const labels = child.metadata.labels ?? {};
    assert.equal(labels[LABEL_WORKSPACE], name, `${id(child)}: label ${LABEL_WORKSPACE}`);
    for (const argo of ARGO_TRACKING_LABELS) assert.ok(!(argo in labels), `${id(child)} inherits Argo CD's tracking label ${argo}`);
    if (isNodeClaim(child)) {
      assert.equal(child.kind, kind.nodeClaimKind);
      assert.equal(child.metadata.namespace, undefined, `${id(child)} is cluster-scoped`);
      assert.equal(child.metadata.ownerReferences, undefined, `${id(child)}: a namespaced owner cannot own it`);
      assert.equal(labels[LABEL_WORKSPACE_NAMESPACE], namespace, `${id(child)}: label ${LABEL_WORKSPACE_NAMESPACE}`);
      assert.ok(isSubset(e.plan.nodeLabels, labels), `${id(child)} lacks the labels of resource.labelSelector`);
    } else {
      assert.equal(child.metadata.namespace, namespace, `${id(child)}: namespace`);
      assert.ok(isSubset(ownLabels, labels), `${id(child)} lacks the Workspace's labels`);
      if (uid) {
        assert.deepEqual(child.metadata.ownerReferences, [
          { apiVersion: ws.apiVersion, kind: "Workspace", name, uid, controller: true, blockOwnerDeletion: true },
        ]);
      } else {
        assert.equal(child.metadata.ownerReferences, undefined, `${id(child)} has an owner but the Workspace has no uid`);
      }
    }
  }

  // names unique per kind and namespace
  const ids = e.children.map(id);
  assert.equal(new Set(ids).size, ids.length, `duplicate children: ${ids.join(", ")}`);

  // the resource, resolved and recorded
  const resource = ws.resource;
  assert.ok(resource);
  const inputResource = input.resource;
  const preferred = resource.preferredNodes?.length ?? 0;
  const defaultType = input.apiVersion === "kaito.sh/v1alpha1" && preferred === 0 ? V1ALPHA1_DEFAULT_INSTANCE_TYPE : undefined;
  const typeName = inputResource?.instanceType || defaultType;
  assert.equal(resource.instanceType, typeName);
  const type = typeName ? findInstanceType(catalog, typeName) : undefined;
  const preset = e.plan.preset;
  const count = resource.count ?? 0;
  const derived =
    inputResource?.count ?? (e.plan.mode === "tuning" ? 1 : preset && type ? fitPreset(preset, type).minNodes : Math.max(1, preferred));
  assert.equal(count, derived, "resource.count as defaulted (tuning runs on one node)");
  assert.equal(e.plan.nodeCount, count);
  assert.equal(e.plan.distributed, e.plan.mode === "inference" && preset !== undefined && type !== undefined && fitPreset(preset, type).minNodes > 1);

  // node claims: one per node to provision, on the Workspace's instance type
  const claims = e.children.filter(isNodeClaim);
  assert.equal(claims.length, typeName ? Math.max(0, count - preferred) : 0, "node claims");
  assert.equal(claims.length, e.plan.nodesToProvision);
  for (const claim of claims) {
    const requirements = (claim.spec as { requirements: { key: string; values?: string[] }[] }).requirements;
    // The catalog's spelling of the SKU, whatever case the Workspace wrote it in.
    assert.deepEqual(requirements.find((r) => r.key === "node.kubernetes.io/instance-type")?.values, [type?.name ?? typeName]);
    if (claim.kind === "NodeClaim") {
      const family = ws.metadata.annotations?.[ANNOTATION_NODE_IMAGE_FAMILY] ?? "ubuntu";
      assert.equal(claim.metadata.annotations?.[ANNOTATION_NODE_IMAGE_FAMILY], family, `${id(claim)}: node image family`);
    }
  }

  // which children
  const workloads = workloadsOf(e.children);
  const services = ofKind<IService & KubeObject>(e.children, "Service");
  const headless = services.filter((s) => s.spec?.clusterIP === "None");
  const statefulSets = workloads.filter((w) => w.kind === "StatefulSet");
  const jobs = ofKind<IJob & KubeObject>(e.children, "Job");
  const configMaps = ofKind<IConfigMap & KubeObject>(e.children, "ConfigMap");
  if (e.plan.mode === "tuning") {
    assert.equal(jobs.length, 1);
    assert.deepEqual([workloads.length, services.length], [0, 0]);
    assert.equal(configMaps.length, ws.tuning?.config ? 0 : 1);
  } else {
    assert.equal(jobs.length, 0);
    assert.equal(workloads.length, 1);
    assert.equal(statefulSets.length, e.plan.distributed ? 1 : 0, "a StatefulSet iff the model spans nodes");
    // A model on one node gets the workload kind asked for; Rollouts manage no StatefulSets.
    const single = workloads.filter((w) => w.kind !== "StatefulSet").map((w) => w.kind);
    assert.deepEqual(single, e.plan.distributed ? [] : [kind.workloadKind]);
    assert.equal(headless.length, e.plan.distributed ? 1 : 0, "a headless Service iff the model spans nodes");
    assert.equal(services.length, 1 + headless.length);
    assert.equal(configMaps.length, preset && !ws.inference?.config ? 1 : 0);
  }

  // workloads: replicas, selectors, GPUs
  for (const r of ofKind<IRollout & KubeObject>(e.children, "Rollout")) {
    const annotated = ws.metadata.annotations?.[ANNOTATION_ROLLOUT_STEPS];
    const parsed = annotated === undefined ? undefined : parseRolloutSteps(annotated);
    const steps = parsed && "steps" in parsed ? parsed.steps : DEFAULT_CANARY_STEPS;
    assert.deepEqual(r.spec.strategy?.canary?.steps, steps, "Rollout steps");
  }
  // A Deployment or Rollout must not be declared failed while its model is still within its startup budget.
  for (const d of [...ofKind<IDeployment & KubeObject>(e.children, "Deployment"), ...ofKind<IRollout & KubeObject>(e.children, "Rollout")]) {
    const spec = d.spec as { progressDeadlineSeconds?: number; template?: IPodTemplateSpec } | undefined;
    const budget = Math.max(
      0,
      ...(spec?.template?.spec?.containers ?? []).map((c) => (c.startupProbe?.failureThreshold ?? 0) * (c.startupProbe?.periodSeconds ?? 10)),
    );
    assert.ok((spec?.progressDeadlineSeconds ?? 600) > budget, `${id(d)}: progressDeadlineSeconds ${spec?.progressDeadlineSeconds ?? 600} is within the startup budget ${budget}`);
  }
  for (const w of workloads) {
    assert.equal(w.replicas, count, `${w.kind} replicas`);
    assert.ok(Object.keys(w.selector).length > 0);
    assert.ok(isSubset(w.selector, w.template.metadata?.labels ?? {}), `${w.kind}: the selector does not match its pod template`);
  }
  for (const sts of ofKind<IStatefulSet & KubeObject>(e.children, "StatefulSet")) {
    // Its pods get their DNS names from the headless Service.
    assert.equal(sts.spec?.serviceName, headless[0]?.metadata?.name, `${id(sts)}: serviceName`);
  }
  for (const s of services) {
    if (s.spec?.clusterIP !== "None") {
      const lb = ws.metadata.annotations?.[ANNOTATION_ENABLE_LB] === "True";
      assert.equal(s.spec?.type, lb ? "LoadBalancer" : "ClusterIP", `${id(s)}: type`);
    }
    const selector = s.spec?.selector ?? {};
    assert.ok(Object.keys(selector).length > 0, `${id(s)} selects everything`);
    const pods = workloads.flatMap(podLabels);
    const selected = pods.filter((p) => isSubset(selector, p));
    assert.ok(selected.length > 0, `${id(s)} selects no pod`);
    if (!e.plan.distributed || s.spec?.clusterIP === "None") assert.equal(selected.length, pods.length, `${id(s)} misses pods`);
  }
  if (preset) {
    const gpus = String(expectedGpus(ws));
    assert.equal(e.plan.gpusPerNode, Number(gpus));
    for (const { owner, template } of podTemplatesOf(e.children)) {
      const main = template.spec?.containers.find((c) => c.name === name);
      assert.ok(main, `${owner}: no container named after the Workspace`);
      assert.equal(main.resources?.requests?.["nvidia.com/gpu"], gpus, `${owner}: GPU request`);
      assert.equal(main.resources?.limits?.["nvidia.com/gpu"], gpus, `${owner}: GPU limit`);
      // The server is told the same GPU and node counts.
      const script = main.command?.join(" ") ?? "";
      const flags =
        e.plan.mode === "tuning"
          ? [`--num_processes=${gpus}`]
          : e.plan.runtime === "vllm"
            ? [`--tensor-parallel-size=${gpus}`, ...(e.plan.distributed ? [`--pipeline-parallel-size=${count}`] : [])]
            : [`--num_processes=${gpus}`, `--num_machines=${e.plan.distributed ? count : 1}`];
      for (const flag of flags) assert.ok(script.includes(flag), `${owner}: the command lacks ${flag}: ${script}`);
      if (e.plan.runtime === "vllm") assert.equal(script.includes("--enable-lora"), (ws.inference?.adapters?.length ?? 0) > 0, `${owner}: --enable-lora iff adapters`);
      // Each adapter's strength reaches the model container, defaulted in the Workspace.
      for (const adapter of ws.inference?.adapters ?? []) {
        assert.ok(adapter.strength !== undefined, "adapter strength not defaulted");
        const variable: IEnvVar | undefined = main.env?.find((v) => v.name === adapter.source?.name);
        assert.equal(variable?.value, adapter.strength, `${owner}: strength of adapter ${adapter.source?.name ?? ""}`);
      }
      // Every pull secret the Workspace names, once.
      const spec = ws.inference?.preset ?? ws.tuning?.preset;
      const wanted = [
        ...(spec?.presetOptions?.imagePullSecrets ?? []),
        ...(ws.inference?.adapters ?? []).flatMap((a) => (a.source?.image ? (a.source.imagePullSecrets ?? []) : [])),
        ...(ws.tuning?.input?.image ? (ws.tuning.input.imagePullSecrets ?? []) : []),
      ];
      const pulled = (template.spec?.imagePullSecrets ?? []).map((r) => r.name);
      assert.deepEqual(pulled, [...new Set(wanted)], `${owner}: imagePullSecrets`);
    }
  }
  // ConfigMaps the pods mount exist: ours, or the one the Workspace names
  const known = new Set([...configMaps.map((c) => metaOf(c).name), ws.inference?.config, ws.tuning?.config]);
  for (const { owner, template } of podTemplatesOf(e.children)) {
    for (const v of template.spec?.volumes ?? []) {
      if (v.configMap) assert.ok(known.has(v.configMap.name), `${owner} mounts ConfigMap ${v.configMap.name ?? ""}, which is neither rendered nor named`);
    }
  }
}

// ---- what the API server would reject -----------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkPod(owner: string, template: IPodTemplateSpec): void {
  const spec = template.spec;
  assert.ok(spec, `${owner}: no pod spec`);
  const containers: IContainer[] = [...(spec.initContainers ?? []), ...spec.containers];
  const names = containers.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, `${owner}: container names repeat: ${names.join(", ")}`);
  for (const n of names) assert.ok(DNS1123_LABEL.test(n) && n.length <= 63, `${owner}: container name ${n}`);
  const volumes = (spec.volumes ?? []).map((v) => v.name);
  assert.equal(new Set(volumes).size, volumes.length, `${owner}: volume names repeat: ${volumes.join(", ")}`);
  for (const v of volumes) assert.ok(DNS1123_LABEL.test(v) && v.length <= 63, `${owner}: volume name ${v}`);
  for (const c of containers) {
    const mounts = c.volumeMounts ?? [];
    for (const m of mounts) assert.ok(volumes.includes(m.name), `${owner}: container ${c.name} mounts missing volume ${m.name}`);
    const paths = mounts.map((m) => m.mountPath);
    assert.equal(new Set(paths).size, paths.length, `${owner}: container ${c.name} mounts a path twice`);
    const env = (c.env ?? []).map((v) => v.name);
    assert.equal(new Set(env).size, env.length, `${owner}: container ${c.name} sets an env var twice`);
  }
}

function checkNames(e: Expansion): void {
  const labelValue = (where: string, v: string): void =>
    assert.ok(v.length <= 63 && LABEL_VALUE.test(v), `${where}: ${JSON.stringify(v)} is not a valid label value`);
  for (const child of e.children) {
    const name = child.metadata.name ?? "";
    if (child.kind === "Service") {
      // Service names are DNS-1035 labels: at most 63 characters, starting with a letter.
      assert.ok(name.length <= 63 && DNS1035_LABEL.test(name), `Service name ${JSON.stringify(name)} is not a DNS-1035 label`);
    } else {
      assert.ok(name.length <= 253 && DNS1123_SUBDOMAIN.test(name), `${child.kind} name ${JSON.stringify(name)}`);
    }
    for (const [k, v] of Object.entries(child.metadata.labels ?? {})) labelValue(`${id(child)} label ${k}`, v);
    const spec = child.spec as { selector?: Record<string, unknown> } | undefined;
    if (child.kind === "Service") {
      for (const [k, v] of Object.entries(spec?.selector ?? {})) labelValue(`${id(child)} selector ${k}`, String(v));
    }
  }
  for (const w of workloadsOf(e.children)) {
    if (w.kind === "StatefulSet") {
      // Pods are named <name>-<index> and that name is their hostname, a DNS label.
      const last = `${w.name}-${w.replicas - 1}`;
      assert.ok(last.length <= 63, `StatefulSet ${w.name}: pod name ${last} is longer than 63 characters`);
      // The controller labels each pod controller-revision-hash=<name>-<hash of up to 10 characters>,
      // a label value, so a longer name leaves the StatefulSet unable to create pods (kubernetes#64023).
      assert.ok(w.name.length + 11 <= 63, `StatefulSet ${w.name}: name longer than 52 characters, its pods' controller-revision-hash label would exceed 63`);
    }
  }
  const job = ofKind<IJob & KubeObject>(e.children, "Job")[0];
  if (job) labelValue("Job name (the pods' job-name label)", metaOf(job).name ?? "");
}
