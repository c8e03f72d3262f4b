// Properties of the one expansion over real inputs: every Workspace of KAITO's conformance corpus
// that KAITO admits (both releases) and every bundled example. The corpus checks what the
// children are; these check how expand behaves: idempotent, deterministic whatever the key order,
// never mutating its input, and only emitting objects the API server would accept.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
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
import { Service } from "kubernetes-models/v1/Service";
import type { IService } from "kubernetes-models/v1/Service";
import { expand, expandOptions } from "../../workspace/index.js";
import type { ExpandOptions, Expansion, KubeObject } from "../../workspace/index.js";
import { printYamlStream } from "../../workspace/render/print.js";
import { loadVersion } from "../conformance/corpus.js";
import { corpusCaseLock } from "../conformance/corpus-lock.js";
import { KAITO_VERSIONS } from "../../workspace/kaito/types.js";
import { corpusRoot } from "../helpers/corpus.js";
import { exampleWorkspaces } from "../helpers/examples.js";
import { seededRandom } from "../helpers/random.js";

fc.configureGlobal({ includeErrorInReport: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) });

interface Input {
  readonly label: string;
  readonly workspace: unknown;
  readonly options: ExpandOptions;
}

function inputs(): Input[] {
  const out: Input[] = [];
  for (const version of KAITO_VERSIONS) {
    for (const c of loadVersion(corpusRoot(), version)) {
      if (c.index.webhook !== "accepted" || c.reconcileError) continue;
      const options = expandOptions({
        kaitoVersion: version,
        settings: c.settings,
        cluster: { ...c.cluster, configMaps: [...c.committed, ...c.cluster.configMaps] },
        models: corpusCaseLock(c),
        assumeNamedSecrets: false,
      });
      out.push({ label: `${version}/${c.name}`, workspace: c.workspace, options });
    }
  }
  for (const e of exampleWorkspaces()) out.push({ label: e.file, workspace: e.workspace, options: expandOptions({ cluster: e.cluster }) });
  return out;
}

const ALL = inputs();
const render = (e: Expansion): string => printYamlStream([e.workspace, ...e.children]);

/** The same JSON value with the keys of every object, at every depth, in a shuffled order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
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

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateChild(child: KubeObject): void {
  const as = <T>() => child as unknown as T;
  switch (child.kind) {
    case "Deployment":
      return new Deployment(as<IDeployment>()).validate();
    case "StatefulSet":
      return new StatefulSet(as<IStatefulSet>()).validate();
    case "Service":
      return new Service(as<IService>()).validate();
    case "ConfigMap":
      return new ConfigMap(as<IConfigMap>()).validate();
    case "Job":
      return new Job(as<IJob>()).validate();
    case "NodeClaim":
      return new NodeClaim(as<INodeClaim>()).validate();
    case "Machine": {
      // No published model of the long-gone v1alpha5 API: its shape, as Karpenter v0.3x served it.
      const spec = child.spec as { requirements?: unknown; machineTemplateRef?: { name?: unknown } } | undefined;
      assert.equal(child.apiVersion, "karpenter.sh/v1alpha5");
      assert.ok(Array.isArray(spec?.requirements) && typeof spec?.machineTemplateRef?.name === "string");
      return;
    }
    default:
      assert.fail(`unexpected child kind ${child.kind}`);
  }
}

describe("expand over every admitted corpus Workspace and every example", () => {
  it("has inputs from both KAITO releases and the examples", () => {
    assert.ok(ALL.some((i) => i.label.startsWith("v0.12/")));
    assert.ok(ALL.some((i) => i.label.startsWith("v0.3/")));
    assert.ok(ALL.some((i) => i.label.startsWith("examples/")));
  });

  it("is idempotent: expanding its own Workspace gives the same Workspace and children", () => {
    for (const input of ALL) {
      const first = expand(input.workspace, input.options);
      const second = expand(first.workspace, input.options);
      assert.equal(render(second), render(first), input.label);
    }
  });

  it("never mutates its input", () => {
    for (const input of ALL) {
      const frozen = deepFreeze(structuredClone(input.workspace));
      assert.doesNotThrow(() => expand(frozen, input.options), input.label);
    }
  });

  it("gives the same bytes whatever the key order of the input", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL), fc.integer(), (input, seed) => {
        const shuffled = shuffleKeys(input.workspace, seededRandom(seed));
        assert.equal(render(expand(shuffled, input.options)), render(expand(input.workspace, input.options)), input.label);
      }),
      { numRuns: 150 },
    );
  });

  it("emits only children the API server's schemas accept, with valid names", () => {
    for (const input of ALL) {
      for (const child of expand(input.workspace, input.options).children) {
        const name = child.metadata.name ?? "";
        assert.ok(name.length <= 253 && DNS1123_SUBDOMAIN.test(name), `${input.label}: ${child.kind} name ${JSON.stringify(name)}`);
        assert.doesNotThrow(() => validateChild(child), `${input.label}: ${child.kind}/${name}`);
      }
    }
  });
});
