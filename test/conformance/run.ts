// npm run conformance [-- --corpus DIR (default: KAITO_CONFORMANCE_CORPUS, else ../shared/conformance)] [--version v0.12|v0.3] [--case SUBSTRING] [--verbose] [-o json]
//
// Renders every Workspace of KAITO's conformance corpus for its KAITO version and compares our
// verdict and children with KAITO's, after the normalisations in normalise.ts (KAITO's own
// nondeterminism and our documented deviations) and nothing else. Exits 1 on any difference.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeObject } from "../../workspace/expand/meta.js";
import { isKaitoVersion } from "../../workspace/kaito/profiles.js";
import type { KaitoVersion, ModelLock } from "../../workspace/kaito/types.js";
import { expandOptions } from "../../workspace/options.js";
import type { ExpandOptions } from "../../workspace/options.js";
import type { Checked } from "../../workspace/plan.js";
import { checkWorkspace } from "../../workspace/validate/check.js";
import { KAITO_VERSIONS, emptyModelLock } from "../../workspace/kaito/types.js";
import { errorsOf, formatViolation } from "../../workspace/violation.js";
import type { CorpusCase } from "./corpus.js";
import { loadVersion } from "./corpus.js";
import { firstDifference } from "./compare.js";
import type { Difference } from "./compare.js";
import { V0_3_DEVIATIONS } from "./deviations-v0_3.js";
import { findCorpus } from "../helpers/corpus.js";
import { normalise } from "./normalise.js";
import { corpusCaseLock } from "./corpus-lock.js";

/** The UID the corpus gave every Workspace; ours would come from the API server. */
export const CORPUS_UID = "00000000-0000-0000-0000-000000000001";

export type CaseResult =
  | { readonly case: string; readonly status: "identical" | "agreed-refusal" | "accepted-despite-panic" }
  | { readonly case: string; readonly status: "verdict-mismatch"; readonly detail: string }
  | { readonly case: string; readonly status: "differing"; readonly detail: string; readonly object?: string; readonly difference?: Difference }
  | { readonly case: string; readonly status: "crashed"; readonly detail: string };

const withUid = (ws: Record<string, unknown>): Record<string, unknown> => ({
  ...ws,
  metadata: { ...(ws.metadata as object), uid: CORPUS_UID },
});

const label = (o: KubeObject) => `${o.kind}/${o.metadata.name ?? ""}`;

/** The options a case is checked with: its release, settings and cluster, and nothing assumed. */
export function caseOptions(c: CorpusCase, models: ModelLock = emptyModelLock): ExpandOptions {
  return expandOptions({
    kaitoVersion: c.version,
    settings: c.settings,
    cluster: { ...c.cluster, configMaps: [...c.committed.filter((o) => o.kind === "ConfigMap"), ...c.cluster.configMaps] },
    models,
    // The corpus lists what exists in the cluster: nothing else does.
    assumeNamedSecrets: false,
  });
}

/** The case's Workspace as the corpus applied it (with the UID KAITO's children carry). */
export const caseWorkspace = (c: CorpusCase): Record<string, unknown> => withUid(c.workspace);

/** One case through the same check and expansion every road uses (schema, name, KAITO's verdict). */
export function runCase(c: CorpusCase, models: ModelLock = emptyModelLock): CaseResult {
  const options = caseOptions(c, models);
  let result: ReturnType<typeof checkWorkspace>;
  try {
    result = checkWorkspace(caseWorkspace(c), options);
  } catch (err) {
    return { case: c.name, status: "crashed", detail: err instanceof Error ? err.message : String(err) };
  }
  // v0.3.2's webhook panics on purpose (an unregistered preset); the API server then refuses the
  // Workspace (failurePolicy Fail), so there a panic is a refusal. v0.12's panics are bugs.
  const kaitoPanicked = c.index.webhookRejectKind === "webhook-panic" && c.version !== "v0.3";
  if (c.index.webhook === "rejected" && !kaitoPanicked) {
    if (!result.checked) return { case: c.name, status: "agreed-refusal" };
    return { case: c.name, status: "verdict-mismatch", detail: `KAITO refuses (${firstLine(c.rejected)}); we accept` };
  }
  if (!result.checked) {
    const why = errorsOf(result.violations).map(formatViolation).join("; ");
    return { case: c.name, status: "verdict-mismatch", detail: `KAITO ${kaitoPanicked ? "panics (a KAITO bug we do not copy)" : "accepts"}; we refuse: ${why}` };
  }
  if (kaitoPanicked) return { case: c.name, status: "accepted-despite-panic" };
  return compareChildren(c, result.checked);
}

function compareChildren(c: CorpusCase, outcome: Checked): CaseResult {
  const wsName = String((c.workspace.metadata as { name?: unknown }).name);
  const deviations = c.version === "v0.3" ? V0_3_DEVIATIONS : [];
  const expected = normalise((c.expected ?? []).filter((o) => o.kind !== "ControllerRevision"), wsName, deviations);
  const actual = normalise(outcome.children, wsName, deviations);
  if (c.index.targetNodeCount !== undefined && c.version === "v0.12" && outcome.plan.nodeCount !== c.index.targetNodeCount) {
    return { case: c.name, status: "differing", detail: `targetNodeCount: KAITO ${c.index.targetNodeCount}, ours ${outcome.plan.nodeCount}` };
  }
  if (Boolean(c.reconcileError) !== Boolean(outcome.plan.reconcileError)) {
    return {
      case: c.name,
      status: "differing",
      detail: c.reconcileError ? `KAITO's controller is stuck (${firstLine(c.reconcileError)}); ours is not` : `ours is stuck (${outcome.plan.reconcileError}); KAITO's is not`,
    };
  }
  const want = expected.map(label);
  const got = actual.map(label);
  if (want.join() !== got.join()) {
    return { case: c.name, status: "differing", detail: `objects: KAITO [${want.join(", ")}], ours [${got.join(", ")}]` };
  }
  for (let i = 0; i < expected.length; i++) {
    const difference = firstDifference(expected[i], actual[i]);
    if (difference) return { case: c.name, status: "differing", object: want[i] as string, detail: "field differs", difference };
  }
  return { case: c.name, status: "identical" };
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0]?.slice(0, 200) ?? "";
const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? "(absent)";
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

export interface VersionReport {
  readonly version: KaitoVersion;
  readonly cases: number;
  readonly identical: number;
  readonly agreedRefusals: number;
  readonly acceptedDespitePanic: number;
  readonly differing: readonly CaseResult[];
  readonly verdictMismatches: readonly CaseResult[];
  readonly crashed: readonly CaseResult[];
}

export function report(version: KaitoVersion, results: readonly CaseResult[]): VersionReport {
  const count = (s: CaseResult["status"]) => results.filter((r) => r.status === s).length;
  return {
    version,
    cases: results.length,
    identical: count("identical"),
    agreedRefusals: count("agreed-refusal"),
    acceptedDespitePanic: count("accepted-despite-panic"),
    differing: results.filter((r) => r.status === "differing"),
    verdictMismatches: results.filter((r) => r.status === "verdict-mismatch"),
    crashed: results.filter((r) => r.status === "crashed"),
  };
}

function describe(r: CaseResult): string {
  if (r.status !== "differing" || !r.difference) return `  ${r.case}: ${"detail" in r ? r.detail : r.status}`;
  const d = r.difference;
  return `  ${r.case}: ${r.object} ${d.path}\n      KAITO: ${show(d.expected)}\n      ours:  ${show(d.actual)}`;
}

interface Args {
  corpus: string;
  versions: KaitoVersion[];
  filter?: string;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { corpus: findCorpus() ?? "../shared/conformance", versions: [...KAITO_VERSIONS], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v as string;
    };
    if (a === "--corpus") args.corpus = resolve(value());
    else if (a === "--version") {
      const v = value();
      if (!isKaitoVersion(v)) usage(`--version: expected one of ${KAITO_VERSIONS.join(", ")}, got ${v}`);
      args.versions = [v as KaitoVersion];
    } else if (a === "--case") args.filter = value();
    else if (a === "-o" || a === "--output") args.json = value() === "json";
    else usage(`unknown argument ${a}`);
  }
  return args;
}

function usage(message: string): never {
  console.error(`conformance: ${message}\nusage: npm run conformance -- [--corpus DIR] [--version v0.12|v0.3] [--case SUBSTRING] [-o json]`);
  process.exit(2);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const reports: VersionReport[] = [];
  for (const version of args.versions) {
    const cases = loadVersion(args.corpus, version).filter((c) => !args.filter || c.name.includes(args.filter));
    // Models outside KAITO's catalog come from the lock `models add` makes of the case's hub answers.
    reports.push(report(version, cases.map((c) => runCase(c, corpusCaseLock(c)))));
  }
  if (args.json) console.log(JSON.stringify(reports, null, 2));
  else {
    for (const r of reports) {
      console.log(
        `KAITO ${r.version}: ${r.cases} cases: ${r.identical} identical, ${r.agreedRefusals} refused by both, ${r.acceptedDespitePanic} accepted where KAITO's webhook panics, ` +
          `${r.differing.length} differing, ${r.verdictMismatches.length} verdict mismatches, ${r.crashed.length} crashed`,
      );
      for (const [title, list] of [["differing", r.differing], ["verdict mismatches", r.verdictMismatches], ["crashed", r.crashed]] as const) {
        if (list.length === 0) continue;
        console.log(` ${title}:`);
        for (const item of list) console.log(describe(item));
      }
    }
  }
  const bad = reports.some((r) => r.differing.length + r.verdictMismatches.length + r.crashed.length > 0);
  process.exit(bad ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
