// The only ways our children may differ from KAITO's: the corpus's own normalisations (KAITO's
// nondeterminism: clock-named node claims, Go-map flag and affinity order) and the deviations we
// chose on purpose, each listed in docs/conformance.md. Applied to both sides before comparing.
import type { KubeObject } from "../../workspace/expand/meta.js";

export interface Normalisation {
  readonly id: string;
  /** One line: what is normalised. */
  readonly summary: string;
  /** Why (a deliberate deviation's reason, copied into docs/conformance.md). */
  readonly reason: string;
  readonly apply: (objects: KubeObject[], workspaceName: string) => KubeObject[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const NODE_CLAIM_KINDS = new Set(["NodeClaim", "Machine"]);
/** Match expressions KAITO appends after the user's matchLabels; they keep their place. */
const APPENDED_AFFINITY_KEYS = new Set(["kaito.sh/workspace", "kaito.sh/workspacenamespace"]);

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A deep copy that also drops `undefined` members, so both sides compare as the JSON they print. */
export const plain = (o: KubeObject): KubeObject => JSON.parse(JSON.stringify(o)) as KubeObject;

function renameNodeClaims(objects: KubeObject[]): KubeObject[] {
  let n = 0;
  return objects.map((o) => {
    if (!NODE_CLAIM_KINDS.has(o.kind)) return o;
    const name = `ws${String(n++).padStart(9, "0")}`;
    const out: KubeObject = { ...o, metadata: { ...o.metadata, name } };
    const spec = out.spec;
    if (o.kind === "Machine" && isObject(spec) && isObject(spec.machineTemplateRef)) {
      out.spec = { ...spec, machineTemplateRef: { ...spec.machineTemplateRef, name } };
    }
    return out;
  });
}

function dropRevisionAnnotation(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    const annotations = o.metadata.annotations;
    if (!annotations || !("workspace.kaito.io/revision" in annotations)) return o;
    const rest = { ...annotations };
    delete rest["workspace.kaito.io/revision"];
    const metadata = { ...o.metadata };
    if (Object.keys(rest).length > 0) metadata.annotations = rest;
    else delete metadata.annotations;
    return { ...o, metadata };
  });
}

/** Shell words, split at spaces outside quotes and outside `$( … )`. */
export function shellTokens(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "$" && text[i + 1] === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if ((c === " " || c === "\n") && depth === 0) {
      if (current !== "") tokens.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  if (current !== "") tokens.push(current);
  return tokens;
}

/** Each maximal run of `--flag` words in byte order; a `;` closing a run stays at its end. */
export function sortFlagRuns(text: string): string {
  const tokens = shellTokens(text);
  const out: string[] = [];
  let run: string[] = [];
  const flush = (terminator: string) => {
    const sorted = [...run].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (terminator && sorted.length > 0) sorted[sorted.length - 1] += terminator;
    out.push(...sorted);
    run = [];
  };
  for (const token of tokens) {
    if (!token.startsWith("--")) {
      flush("");
      out.push(token);
      continue;
    }
    if (token.endsWith(";")) {
      run.push(token.slice(0, -1));
      flush(";");
    } else run.push(token);
  }
  flush("");
  return out.join(" ");
}

function mapStrings(value: Json, fn: (s: string) => string): Json {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  return value;
}

function podSpecOf(o: KubeObject): JsonObject | undefined {
  const spec = o.spec;
  if (!isObject(spec)) return undefined;
  if (isObject(spec.template) && isObject(spec.template.spec)) return spec.template.spec;
  return undefined;
}

function sortMainContainerFlags(objects: KubeObject[], workspaceName: string): KubeObject[] {
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod || !Array.isArray(pod.containers)) continue;
    for (const container of pod.containers) {
      if (!isObject(container) || container.name !== workspaceName) continue;
      for (const key of ["command", "args"]) {
        if (Array.isArray(container[key])) container[key] = mapStrings(container[key] as Json, sortFlagRuns);
      }
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const p = container[probe];
        if (isObject(p) && isObject(p.exec) && Array.isArray(p.exec.command)) p.exec.command = mapStrings(p.exec.command, sortFlagRuns);
      }
    }
  }
  return objects;
}

function sortAffinity(objects: KubeObject[]): KubeObject[] {
  for (const o of objects) {
    const pod = podSpecOf(o);
    const required = isObject(pod?.affinity) && isObject(pod.affinity.nodeAffinity) ? pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
    if (!isObject(required) || !Array.isArray(required.nodeSelectorTerms)) continue;
    for (const term of required.nodeSelectorTerms) {
      if (!isObject(term) || !Array.isArray(term.matchExpressions)) continue;
      const exprs = term.matchExpressions;
      let lead = 0;
      while (lead < exprs.length) {
        const e = exprs[lead];
        if (isObject(e) && APPENDED_AFFINITY_KEYS.has(String(e.key))) break;
        lead++;
      }
      const key = (e: Json) => (isObject(e) ? String(e.key) : "");
      const sorted = exprs.slice(0, lead).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      term.matchExpressions = [...sorted, ...exprs.slice(lead)];
    }
  }
  return objects;
}

/** KAITO's nondeterminism, as the corpus README describes it. */
export const CORPUS_NORMALISATIONS: readonly Normalisation[] = [
  { id: "node-claim-names", summary: "node claims renamed ws000000000, ws000000001, ... in creation order",
    reason: "KAITO names them from the clock; ours are a hash of namespace, name and index (reproducible renders)",
    apply: renameNodeClaims },
  { id: "flag-order", summary: "runs of --flags in the main container's shell commands sorted",
    reason: "KAITO iterates a Go map; order is not meaningful to vLLM's argument parser",
    apply: sortMainContainerFlags },
  { id: "affinity-order", summary: "the user's node-affinity expressions sorted by key",
    reason: "KAITO iterates a Go map; expressions of one term are ANDed, so order carries no meaning",
    apply: sortAffinity },
];

/** KAITO's puller script and ours state the image and the target directory each in their own way. */
const PULLER_INPUTS = [
  { image: /^\s*\[ ! -z "\$\{IMG_REF\}" \] \|\| IMG_REF='([^'\n]*)'$/m, target: /^\s*\[ ! -z "\$\{VOL_DIR\}" \] \|\| VOL_DIR='([^'\n]*)'$/m },
  { image: /^image=\$\{1:-'([^\n]*)'\}$/m, target: /^target=\$\{2:-'([^\n]*)'\}$/m },
];
const PULLER_IMAGE = "mcr.microsoft.com/aks/skopeo:1.14.4-6";

/** A puller script reduced to its inputs, or undefined when it is neither KAITO's nor ours. */
function pullerInputs(script: string): string | undefined {
  for (const form of PULLER_INPUTS) {
    const image = form.image.exec(script)?.[1];
    const target = form.target.exec(script)?.[1];
    if (image !== undefined && target !== undefined) return `<adapter puller script: image=${image} target=${target}>`;
  }
  return undefined;
}

function replacePullerScripts(objects: KubeObject[]): KubeObject[] {
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod || !Array.isArray(pod.initContainers)) continue;
    for (const c of pod.initContainers) {
      if (!isObject(c) || c.image !== PULLER_IMAGE || !Array.isArray(c.args) || typeof c.args[0] !== "string") continue;
      const reduced = pullerInputs(c.args[0]);
      if (reduced !== undefined) c.args = [reduced, ...c.args.slice(1)];
    }
  }
  return objects;
}

/** Where we differ from KAITO on purpose (docs/conformance.md says why). */
export const DELIBERATE_DEVIATIONS: readonly Normalisation[] = [
  {
    id: "revision-annotation",
    summary: "workspace.kaito.io/revision on the workload is left out",
    reason: "KAITO's controller counts its own reconcile revisions; a renderer has none (our controller may write it)",
    apply: dropRevisionAnnotation,
  },
  {
    id: "adapter-puller-script",
    summary: "the shell script of each adapter puller init container is reduced to its inputs (image reference, target directory)",
    reason: "KAITO embeds its own script text, which we do not copy; ours takes the same inputs (image and target directory) and leaves the same result (the image's /data at the target)",
    apply: replacePullerScripts,
  },
];

export function normalise(objects: readonly KubeObject[], workspaceName: string): KubeObject[] {
  let out = objects.map(plain);
  for (const n of [...CORPUS_NORMALISATIONS, ...DELIBERATE_DEVIATIONS]) out = n.apply(out, workspaceName);
  return out;
}
