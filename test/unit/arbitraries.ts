// fast-check arbitraries of Workspaces drawn from the real built-in catalog, for the property
// tests of expand(). `candidateWorkspace` is every shape a user may write (inference with a
// preset and adapters, tuning, a custom pod template; both API versions); `validWorkspace` is the
// same filtered through checkWorkspace, so a property never sees an invalid Workspace (the test
// file asserts the filter rejects few, so the generator, not the filter, does the work).
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import { checkWorkspace, expandOptions, loadCatalog } from "../../workspace/index.js";
import type {
  AdapterSpec,
  Catalog,
  Condition,
  DataDestination,
  DataSource,
  InstanceType,
  JsonObject,
  LabelSelector,
  ModelPreset,
  ObjectMeta,
  PresetOptions,
  PresetSpec,
  ResourceSpec,
  Workspace,
  WorkspaceStatus,
  WorkspaceVersion,
} from "../../workspace/index.js";
import {
  ANNOTATION_ENABLE_LB,
  ANNOTATION_GPUS_PER_NODE,
  ANNOTATION_NODE_IMAGE_FAMILY,
  ANNOTATION_ROLLOUT_STEPS,
  ANNOTATION_RUNTIME,
  CONDITION_TYPES,
  LABEL_WORKSPACE,
  LABEL_WORKSPACE_NAMESPACE,
} from "../../workspace/index.js";
import { fitPreset } from "../../workspace/sizing.js";
import { V1ALPHA1_DEFAULT_INSTANCE_TYPE } from "../../workspace/validate/resource.js";

export const catalog: Catalog = loadCatalog();

/** Drops the keys whose value is undefined, so generated objects hold only fields that are set. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The value with probability `chance`, else undefined (what it shrinks to). */
const maybe = <T>(arb: Arbitrary<T>, chance = 0.5): Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: Math.round((1 - chance) * 100), arbitrary: fc.constant(undefined) },
    { weight: Math.round(chance * 100), arbitrary: arb },
  );

// ---- names and strings -------------------------------------------------------------------

const LOWER_ALNUM = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
const DNS_CHARS = [...LOWER_ALNUM, "-"];

/** A DNS-1123 label (lower case alphanumerics and '-', alphanumeric at both ends) of min..max characters. */
export function dnsLabelOfLength(min: number, max: number): Arbitrary<string> {
  const edge = fc.constantFrom(...LOWER_ALNUM);
  if (max === 1) return edge;
  return fc.oneof(
    ...(min <= 1 ? [edge] : []),
    fc
      .tuple(edge, fc.string({ unit: fc.constantFrom(...DNS_CHARS), minLength: Math.max(0, min - 2), maxLength: max - 2 }), edge)
      .map(([a, mid, b]) => `${a}${mid}${b}`),
  );
}

/** Mostly short names, sometimes ones near the length limit. */
export const dnsLabel = (max = 63): Arbitrary<string> =>
  fc.oneof({ weight: 5, arbitrary: dnsLabelOfLength(1, Math.min(12, max)) }, { weight: 1, arbitrary: dnsLabelOfLength(Math.max(1, max - 10), max) });

/** Names of our own things (secrets, ConfigMaps): short DNS labels starting with a letter. */
const shortName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

const labelKeyName = fc.stringMatching(/^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,12}[a-zA-Z0-9])?$/);
const labelKey = fc
  .tuple(maybe(fc.constantFrom("example.com", "team.io", "apps.example.org")), labelKeyName)
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,14}[A-Za-z0-9])?)?$/);

const imageComponent = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,6})?$/);
const imageRegistry = fc.constantFrom("docker.io", "ghcr.io", "myregistry.azurecr.io", "localhost:5000", "registry.example.com:443");
const imageTag = fc.stringMatching(/^\w[\w.-]{0,15}$/);
const imageDigest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

/** A valid image reference: [registry/]path[:tag][@digest], the path in lower case. */
export const imageRef: Arbitrary<string> = fc
  .record({
    registry: maybe(imageRegistry),
    path: fc.array(imageComponent, { minLength: 1, maxLength: 3 }),
    tag: maybe(imageTag, 0.75),
    digest: maybe(imageDigest, 0.15),
  })
  .map(({ registry, path, tag, digest }) => `${registry ? `${registry}/` : ""}${path.join("/")}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`);

const secretNames = fc.uniqueArray(shortName, { minLength: 1, maxLength: 2 });

/** A decimal string from 0 to 1, in the spellings people use. */
const strength: Arbitrary<string> = fc.oneof(
  fc.constantFrom("0", "1", "1.0", "0.5", ".5", "0.0", "1.00"),
  fc.integer({ min: 0, max: 999 }).map((n) => `0.${String(n).padStart(3, "0")}`),
);

const volumeSource: Arbitrary<JsonObject> = fc.oneof(
  shortName.map((claimName): JsonObject => ({ persistentVolumeClaim: { claimName } })),
  fc.record({ claimName: shortName, readOnly: fc.boolean() }).map((pvc): JsonObject => ({ persistentVolumeClaim: pvc })),
  fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z0-9]{1,8}){0,2}$/).map((path): JsonObject => ({ hostPath: { path, type: "DirectoryOrCreate" } })),
  fc.constant<JsonObject>({ emptyDir: {} }),
  fc.record({ secretName: shortName, optional: fc.boolean() }).map((secret): JsonObject => ({ secret })),
);

// ---- metadata ------------------------------------------------------------------------------

const ARGO_TRACKING = fc.constantFrom("app.kubernetes.io/instance", "argocd.argoproj.io/instance");

/** The Workspace's labels: the user's own, maybe Argo CD's tracking label, now and then one of KAITO's (a stale copy). */
const labels: Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.dictionary(labelKey, labelValue, { maxKeys: 4 }),
    maybe(fc.tuple(ARGO_TRACKING, dnsLabelOfLength(1, 12)), 0.2),
    maybe(fc.tuple(fc.constantFrom(LABEL_WORKSPACE, LABEL_WORKSPACE_NAMESPACE), dnsLabelOfLength(1, 12)), 0.1),
  )
  .map(([own, ...extra]) => ({ ...own, ...Object.fromEntries(extra.filter((e) => e !== undefined)) }));

const wellKnownAnnotations: Arbitrary<Record<string, string>> = fc
  .record({
    lb: maybe(fc.constantFrom("True", "False"), 0.3),
    family: maybe(fc.constantFrom("ubuntu", "azurelinux"), 0.3),
    gpus: maybe(fc.integer({ min: 1, max: 16 }).map(String), 0.15),
  })
  .map(({ lb, family, gpus }) => ({
    ...(lb ? { [ANNOTATION_ENABLE_LB]: lb } : {}),
    ...(family ? { [ANNOTATION_NODE_IMAGE_FAMILY]: family } : {}),
    ...(gpus ? { [ANNOTATION_GPUS_PER_NODE]: gpus } : {}),
  }));

/** Canary steps for a Rollout, as JSON or as YAML flow: [{setWeight: 50}, {pause: {duration: 10m}}]. */
const rolloutSteps: Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 100 }).map((w) => ({ yaml: `{setWeight: ${w}}`, json: { setWeight: w } })),
        fc.constant({ yaml: "{pause: {}}", json: { pause: {} } }),
        fc
          .tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom("s", "m", "h"))
          .map(([n, unit]) => ({ yaml: `{pause: {duration: ${n}${unit}}}`, json: { pause: { duration: `${n}${unit}` } } })),
      ),
      { maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([steps, asJson]) => (asJson ? JSON.stringify(steps.map((s) => s.json)) : `[${steps.map((s) => s.yaml).join(", ")}]`));

const annotations: Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.dictionary(fc.constantFrom("example.com/owner", "note", "team.io/cost-center", "a.b/c"), fc.string({ maxLength: 24 }), { maxKeys: 3 }),
    wellKnownAnnotations,
    maybe(rolloutSteps, 0.2),
  )
  .map(([free, known, steps]) => ({ ...free, ...known, ...(steps === undefined ? {} : { [ANNOTATION_ROLLOUT_STEPS]: steps }) }));

/** metadata without annotations' runtime (the workload arbitrary decides it). */
const metadata = (runtime: string | undefined): Arbitrary<ObjectMeta> =>
  fc
    .record({
      // The Service is named after the Workspace (a DNS-1035 label: a leading letter), and a
      // StatefulSet's pods need names of at most 52 characters.
      name: dnsLabel(52).map((n) => (/^[0-9]/.test(n) ? `w${n}`.slice(0, 52).replace(/-+$/, "") : n)),
      namespace: maybe(dnsLabel(63)),
      uid: maybe(fc.uuid()),
      labels: maybe(labels, 0.6),
      annotations: maybe(annotations),
      // What a live object read back from the API server also has.
      live: maybe(
        fc.record({
          resourceVersion: fc.integer({ min: 1, max: 999999 }).map(String),
          generation: fc.integer({ min: 1, max: 50 }),
          creationTimestamp: fc.constantFrom("2025-06-01T12:00:00Z", "2026-01-31T23:59:59Z"),
          finalizers: fc.constantFrom<string[]>(["kaito.sh/finalizer"], ["example.com/keep", "kaito.sh/finalizer"]),
        }),
        0.2,
      ),
    })
    .map(({ live, ...m }) => {
      const anns = runtime ? { ...m.annotations, [ANNOTATION_RUNTIME]: runtime } : m.annotations;
      return defined({ ...m, ...live, annotations: anns && Object.keys(anns).length > 0 ? anns : undefined });
    });

const labelSelector: Arbitrary<LabelSelector> = fc
  .record({
    matchLabels: fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }),
    matchExpressions: maybe(
      fc.uniqueArray(
        fc.record({ key: labelKey, value: labelValue }).map(({ key, value }) => ({ key: `expr.example.com/${key.replace(/^.*\//, "")}`, operator: "In" as const, values: [value] })),
        { minLength: 1, maxLength: 2, selector: (e) => e.key },
      ),
      0.25,
    ),
  })
  .map((s) => defined(s));

const nodeName = fc.stringMatching(/^aks-gpu-[0-9]{5}-vmss0000[0-9a-z]{2}$/);

const status = (version: WorkspaceVersion): Arbitrary<WorkspaceStatus> => {
  const condition = (type: string): Arbitrary<Condition> =>
    fc
      .record({
        status: fc.constantFrom("True" as const, "False" as const, "Unknown" as const),
        reason: fc.stringMatching(/^[A-Z][a-zA-Z]{0,12}$/),
        message: fc.string({ maxLength: 30 }),
        lastTransitionTime: fc
          .date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
          .map((d) => d.toISOString().replace(/\.\d{3}Z$/, "Z")),
        observedGeneration: maybe(fc.integer({ min: 1, max: 20 })),
      })
      .map((c) => defined({ type, ...c }));
  return fc
    .record({
      conditions: maybe(fc.subarray([...CONDITION_TYPES], { minLength: 1 }).chain((types) => fc.tuple(...types.map(condition))), 0.7),
      workerNodes: maybe(fc.uniqueArray(nodeName, { maxLength: 2 }), 0.3),
      targetNodeCount: version === "v1beta1" ? maybe(fc.integer({ min: 0, max: 4 })) : fc.constant(undefined),
      state: version === "v1beta1" ? maybe(fc.constantFrom("Pending" as const, "Ready" as const, "Running" as const)) : fc.constant(undefined),
    })
    .map((s) => defined(s));
};

// ---- the catalog, filtered -------------------------------------------------------------------

const allTypes: readonly InstanceType[] = [...catalog.instanceTypes.values()];

/** Presets a user may serve without a private image: not deprecated, weights baked in or downloaded. */
export const inferencePresets: readonly ModelPreset[] = [...catalog.presets.values()].filter(
  (p) => !p.deprecated && (p.weights === "image" || p.weights === "download"),
);
export const tuningPresets: readonly ModelPreset[] = [...catalog.presets.values()].filter((p) => !p.deprecated && p.tuning);

/** Instance types on which the preset fits; a single-node preset only where one node holds it. */
export function fittingTypes(preset: ModelPreset): InstanceType[] {
  return allTypes.filter((t) => {
    const fit = fitPreset(preset, t);
    return !fit.perGPUTooSmall && (preset.multiNode || fit.minNodes === 1);
  });
}

const tuningTypes = (preset: ModelPreset): InstanceType[] => allTypes.filter((t) => t.gpuMemoryGiB >= (preset.tuning?.gpuMemoryGiB ?? 0));

const usablePresets = inferencePresets.filter((p) => fittingTypes(p).length > 0);
const usableTuningPresets = tuningPresets.filter((p) => tuningTypes(p).length > 0);
if (usablePresets.length === 0 || usableTuningPresets.length === 0) throw new Error("the built-in catalog has no usable presets");

const DEFAULT_TYPE = V1ALPHA1_DEFAULT_INSTANCE_TYPE.toLowerCase();

const versionsFor = (preset: ModelPreset | undefined): WorkspaceVersion[] => (preset?.authRequired ? ["v1beta1"] : ["v1alpha1", "v1beta1"]);

/** resource: an instance type from `types` (v1alpha1 may leave out its default), a count from minNodes, maybe existing nodes. */
function resource(
  version: WorkspaceVersion,
  types: readonly InstanceType[],
  minNodes: (t: InstanceType) => number,
  countSpread: number,
): Arbitrary<ResourceSpec> {
  return fc
    .record({
      type: fc.constantFrom(...types),
      // The catalog matches instance types case-insensitively, as KAITO does.
      typeCase: fc.constantFrom("as-is", "as-is", "as-is", "as-is", "lower", "upper"),
      omitType: fc.boolean(),
      extra: maybe(fc.integer({ min: 0, max: countSpread })),
      preferredNodes: maybe(fc.uniqueArray(nodeName, { minLength: 1, maxLength: 2 }), 0.2),
      labelSelector,
      // v1beta1 only: GPU partitioning of BYO nodes (checked for shape, carried through).
      partition:
        version === "v1beta1"
          ? maybe(fc.record({ mode: fc.constantFrom("mig" as const, "accelerator" as const), profile: maybe(fc.constantFrom("1g.10gb", "3g.40gb")), count: maybe(fc.integer({ min: 1, max: 7 })) }).map((p) => defined(p)), 0.15)
          : fc.constant(undefined),
    })
    .map(({ type, typeCase, omitType, extra, preferredNodes, labelSelector: selector, partition }) => {
      // Leaving the type out means v1alpha1's default, or (v1beta1) no provisioning: existing nodes only.
      const mayOmit = (version === "v1alpha1" && type.name.toLowerCase() === DEFAULT_TYPE) || (version === "v1beta1" && preferredNodes !== undefined);
      const spelt = typeCase === "lower" ? type.name.toLowerCase() : typeCase === "upper" ? type.name.toUpperCase() : type.name;
      const instanceType = omitType && mayOmit ? undefined : spelt;
      const count = extra === undefined ? undefined : (instanceType || version === "v1alpha1" ? minNodes(type) : 1) + extra;
      return defined({ instanceType, count, labelSelector: selector, preferredNodes, partition });
    });
}

// ---- inference with a preset -----------------------------------------------------------------

const adapter: Arbitrary<AdapterSpec> = fc
    .record({
      // "volume" as well: its volume, "adapter-volume", once clashed with the shared copy volume.
      name: fc.oneof({ weight: 12, arbitrary: dnsLabel(55) }, { weight: 1, arbitrary: fc.constant("volume") }),
      fromImage: fc.nat(5),
      image: imageRef,
      volumeSource,
      imagePullSecrets: maybe(secretNames, 0.25),
      strength: maybe(strength),
    })
    .map(({ name, fromImage, image, volumeSource: vs, imagePullSecrets, strength: s }): AdapterSpec => {
      const source: DataSource = fromImage > 0 ? defined({ name, image, imagePullSecrets }) : { name, volumeSource: vs };
      return defined({ source, strength: s });
    });

function presetSpec(version: WorkspaceVersion, preset: ModelPreset): Arbitrary<PresetSpec> {
  const secretAllowed = version === "v1beta1" && preset.weights === "download";
  return fc
    .record({
      access: fc.constantFrom("unset", "unset", "public", "private"),
      image: imageRef,
      imagePullSecrets: maybe(secretNames, 0.25),
      modelAccessSecret: preset.authRequired ? shortName : secretAllowed ? maybe(shortName) : fc.constant(undefined),
    })
    .map(({ access, image, imagePullSecrets, modelAccessSecret }) => {
      const presetOptions: PresetOptions = defined({ image: access === "private" ? image : undefined, imagePullSecrets, modelAccessSecret });
      return defined({
        name: preset.name,
        accessMode: access === "unset" ? undefined : (access as "public" | "private"),
        presetOptions: Object.keys(presetOptions).length > 0 ? presetOptions : undefined,
      });
    });
}

const presetInference: Arbitrary<Workspace> = fc
  .constantFrom(...usablePresets)
  .chain((preset) => fc.record({ preset: fc.constant(preset), version: fc.constantFrom(...versionsFor(preset)), runtime: maybe(fc.constantFrom(...preset.runtimes)) }))
  .chain(({ preset, version, runtime }) =>
    fc
      .record({
        metadata: metadata(runtime),
        resource: resource(version, fittingTypes(preset), (t) => fitPreset(preset, t).minNodes, 2),
        preset: presetSpec(version, preset),
        adapters: maybe(fc.uniqueArray(adapter, { minLength: 1, maxLength: 3, selector: (a) => a.source?.name })),
        config: maybe(shortName, 0.2),
        status: maybe(status(version), 0.2),
      })
      .map(({ metadata: meta, resource: res, preset: spec, adapters, config, status: st }) =>
        defined({
          apiVersion: `kaito.sh/${version}` as const,
          kind: "Workspace" as const,
          // A Workspace named like an adapter's init container (adapter-<name>) is refused by validation.
          metadata: adapters?.some((a) => `adapter-${a.source?.name}` === meta.name) ? { ...meta, name: `ws-${meta.name}`.slice(0, 52).replace(/-+$/, "") } : meta,
          resource: res,
          inference: defined({ preset: spec, adapters, config }),
          status: st,
        }),
      ),
  );

// ---- tuning ----------------------------------------------------------------------------------

/** https://example.com/... data files, some with a query string; now and then an encoded space (a raw one is refused). */
const dataUrl: Arbitrary<string> = fc
  .record({
    path: fc.stringMatching(/^[a-z0-9]{1,10}(\/[a-z0-9_-]{1,10}){0,2}$/),
    spaced: fc.nat(30).map((n) => n === 30),
    ext: fc.constantFrom("parquet", "json", "csv"),
    query: maybe(fc.stringMatching(/^[a-z]{1,6}=[A-Za-z0-9%]{1,12}(&[a-z]{1,6}=[A-Za-z0-9]{1,8})?$/), 0.3),
  })
  .map(({ path, spaced, ext, query }) => `https://example.com/${path}${spaced ? "%20copy" : ""}.${ext}${query ? `?${query}` : ""}`);

const tuningInput: Arbitrary<DataSource> = fc
  .record({
    kind: fc.constantFrom("urls", "image", "volumeSource"),
    name: maybe(shortName, 0.25),
    urls: fc.array(dataUrl, { minLength: 1, maxLength: 3 }),
    image: imageRef,
    volumeSource,
    imagePullSecrets: maybe(secretNames, 0.25),
  })
  .map(({ kind, name, urls, image, volumeSource: vs, imagePullSecrets }) =>
    kind === "urls" ? defined({ name, urls }) : kind === "image" ? defined({ name, image, imagePullSecrets }) : defined({ name, volumeSource: vs }),
  );

const tuningOutput: Arbitrary<DataDestination> = fc.oneof(
  fc.record({ image: imageRef, imagePushSecret: shortName }),
  volumeSource.map((vs) => ({ volumeSource: vs })),
);

const tuning: Arbitrary<Workspace> = fc
  .constantFrom(...usableTuningPresets)
  .chain((preset) => fc.record({ preset: fc.constant(preset), version: fc.constantFrom(...versionsFor(preset)) }))
  .chain(({ preset, version }) =>
    fc
      .record({
        metadata: metadata(undefined),
        resource: resource(version, tuningTypes(preset), () => 1, 0),
        preset: presetSpec(version, preset),
        method: fc.constantFrom(...(preset.tuning?.methods ?? [])),
        config: maybe(shortName, 0.2),
        input: tuningInput,
        output: tuningOutput,
      })
      .map(({ metadata: meta, resource: res, preset: spec, method, config, input, output }) =>
        defined({
          apiVersion: `kaito.sh/${version}` as const,
          kind: "Workspace" as const,
          metadata: meta,
          resource: res,
          tuning: defined({ preset: spec, method, config, input, output }),
        }),
      ),
  );

// ---- a custom pod template --------------------------------------------------------------------

const container: Arbitrary<JsonObject> = fc
  .record({
    image: imageRef,
    args: maybe(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 })),
    port: maybe(fc.integer({ min: 1, max: 65535 })),
    gpus: maybe(fc.integer({ min: 1, max: 8 })),
  })
  .map(({ image, args, port, gpus }): JsonObject => ({
    image,
    ...(args ? { args } : {}),
    ...(port === undefined ? {} : { ports: [{ containerPort: port, protocol: "TCP" }] }),
    ...(gpus === undefined ? {} : { resources: { limits: { "nvidia.com/gpu": String(gpus) } } }),
  }));

const podTemplate: Arbitrary<JsonObject> = fc
  .record({
    labels: maybe(fc.dictionary(labelKey, labelValue, { maxKeys: 2 })),
    containers: fc.uniqueArray(fc.tuple(dnsLabelOfLength(1, 12), container), { minLength: 1, maxLength: 2, selector: ([n]) => n }),
    toleration: maybe(fc.constantFrom<JsonObject>({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, { key: "dedicated", operator: "Equal", value: "ml", effect: "NoExecute" })),
  })
  .map(({ labels: l, containers, toleration }): JsonObject => {
    const spec: JsonObject = {
      containers: containers.map(([name, c]): JsonObject => ({ name, ...c })),
      ...(toleration ? { tolerations: [toleration] } : {}),
    };
    return l ? { metadata: { labels: l }, spec } : { spec };
  });

const templateInference: Arbitrary<Workspace> = fc.constantFrom<WorkspaceVersion>("v1alpha1", "v1beta1").chain((version) =>
  fc
    .record({
      metadata: metadata(undefined),
      resource: resource(version, allTypes, () => 1, 2),
      template: podTemplate,
      status: maybe(status(version), 0.15),
    })
    .map(({ metadata: meta, resource: res, template, status: st }) =>
      defined({
        apiVersion: `kaito.sh/${version}` as const,
        kind: "Workspace" as const,
        metadata: meta,
        resource: res,
        inference: { template },
        status: st,
      }),
    ),
);

// ---- all together ----------------------------------------------------------------------------

/**
 * Workspaces as a user might write them; nearly all valid (see the filter-rate test). Plain JSON,
 * as a YAML or JSON parser gives (fast-check builds records and dictionaries without a prototype).
 */
export const candidateWorkspace: Arbitrary<Workspace> = fc
  .oneof({ weight: 6, arbitrary: presetInference }, { weight: 3, arbitrary: tuning }, { weight: 1, arbitrary: templateInference })
  .map((ws) => JSON.parse(JSON.stringify(ws)) as Workspace);

/** The options that decide validity (the node claim kind does not). */
export const checkOptions = expandOptions({ namespace: "team-default" });

export const isValid = (ws: Workspace): boolean => checkWorkspace(ws, catalog, checkOptions).checked !== undefined;

/** Valid Workspaces only. */
export const validWorkspace: Arbitrary<Workspace> = candidateWorkspace.filter(isValid);
