// The webhook's defaulter asks only for KAITO's verdict and the stored Workspace (admitWorkspace),
// without building the children. That shortcut is only sound if it never disagrees with the full
// expansion: for every Workspace of KAITO's corpus (both releases, each in its cluster and with its
// model lock) and every bundled example, it must refuse exactly what checkWorkspace refuses, with
// the same errors, and admit the very Workspace checkWorkspace returns.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { admitWorkspace, checkWorkspace, errorsOf, expandOptions } from "../../workspace/index.js";
import type { ExpandOptions } from "../../workspace/index.js";
import { KAITO_VERSIONS } from "../../workspace/kaito/types.js";
import { corpusRoot } from "../helpers/corpus.js";
import { exampleWorkspaces } from "../helpers/examples.js";
import { loadVersion } from "./corpus.js";
import { corpusCaseLock } from "./corpus-lock.js";
import { caseOptions, caseWorkspace } from "./run.js";

function agree(input: unknown, options: ExpandOptions, oldObject?: unknown): "admitted" | "refused" {
  const full = checkWorkspace(input, options, oldObject);
  const short = admitWorkspace(input, options, oldObject);
  assert.deepEqual(errorsOf(short.violations), errorsOf(full.violations), "the same errors");
  assert.deepEqual(short.workspace, full.checked?.workspace, "the same admitted Workspace");
  return short.workspace ? "admitted" : "refused";
}

describe("admission without children agrees with the full expansion", () => {
  const corpus = corpusRoot();
  for (const version of KAITO_VERSIONS) {
    it(`on every case of KAITO ${version}'s corpus`, () => {
      const verdicts = { admitted: 0, refused: 0 };
      for (const c of loadVersion(corpus, version)) {
        const lock = c.hubAnswers === undefined ? undefined : corpusCaseLock(c);
        verdicts[agree(caseWorkspace(c), caseOptions(c, lock))] += 1;
      }
      // Both verdicts occur, so agreement is not vacuous.
      assert.ok(verdicts.admitted > 10 && verdicts.refused > 5, JSON.stringify(verdicts));
    });
  }

  it("on every bundled example, and on an UPDATE that changes an immutable field", () => {
    for (const example of exampleWorkspaces()) {
      const options = expandOptions({ namespace: "default", cluster: example.cluster });
      assert.equal(agree(example.workspace, options), "admitted", example.file);
      const resource = (example.workspace.resource ?? {}) as Record<string, unknown>;
      if (typeof resource.instanceType !== "string") continue;
      const changed = { ...example.workspace, resource: { ...resource, instanceType: "Standard_NC96ads_A100_v4" } };
      const old = checkWorkspace(example.workspace, options).checked?.workspace;
      if (resource.instanceType !== "Standard_NC96ads_A100_v4") assert.equal(agree(changed, options, old), "refused", `${example.file}: instanceType is immutable`);
    }
  });
});
