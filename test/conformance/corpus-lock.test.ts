// The lock entries `models add` derives from the corpus's Hugging Face answers carry the values
// KAITO derived from the same answers, as its output shows them: the disk size (weights + 80 Gi)
// on the NodeClaim and the weights volume, the vLLM model, served name and formats, the token for
// gated models; and the models KAITO refused are the ones `models add` refuses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../workspace/expand/meta.js";
import { modelNameOf } from "../../workspace/models/from-hub.js";
import { corpusRoot } from "../helpers/corpus.js";
import { corpusHubModels } from "../helpers/hub-answers.js";
import { loadVersion } from "./corpus.js";
import type { CorpusCase } from "./corpus.js";
import { askedIds, corpusCaseLock, corpusEntry } from "./corpus-lock.js";

const cases = loadVersion(corpusRoot(), "v0.12").filter((c) => c.hubAnswers !== undefined);
const presetOf = (c: CorpusCase) => String((c.workspace.inference as { preset: { name: string } }).preset.name);

interface Shown {
  nodeClaimStorage?: string;
  volumeStorage?: string;
  command: string;
  hfTokenEnv: boolean;
}

function shown(expected: readonly KubeObject[], wsName: string): Shown {
  const claim = expected.find((o) => o.kind === "NodeClaim") as { spec?: { resources?: { requests?: { storage?: string } } } } | undefined;
  const sts = expected.find((o) => o.kind === "StatefulSet") as
    | { spec: { template: { spec: { containers: { name: string; command?: string[]; env?: { name: string }[] }[] } }; volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[] } }
    | undefined;
  const main = sts?.spec.template.spec.containers.find((c) => c.name === wsName);
  return {
    nodeClaimStorage: claim?.spec?.resources?.requests?.storage,
    volumeStorage: sts?.spec.volumeClaimTemplates?.[0]?.spec.resources.requests.storage,
    command: (main?.command ?? []).join(" "),
    hfTokenEnv: (main?.env ?? []).some((e) => e.name === "HF_TOKEN"),
  };
}

describe("the corpus lock", () => {
  it("covers every case whose model KAITO looked up on the hub", () => {
    assert.ok(cases.length >= 8, `only ${cases.length} cases with hub answers`);
    const rendered = cases.filter((c) => c.expected !== undefined);
    assert.ok(rendered.length >= 5);
    for (const c of rendered) {
      const lock = corpusCaseLock(c);
      assert.deepEqual(lock.models.map((m) => m.name.toLowerCase()), askedIds(c), c.name);
    }
  });

  it("gives KAITO's disk size, vLLM model, served name and formats for every accepted case", () => {
    let checked = 0;
    for (const c of cases.filter((x) => x.expected !== undefined)) {
      const entry = corpusCaseLock(c).models.find((m) => m.name.toLowerCase() === presetOf(c).toLowerCase());
      assert.ok(entry, `${c.name}: no lock entry for ${presetOf(c)}`);
      const wsName = String((c.workspace.metadata as { name: string }).name);
      const kaito = shown(c.expected ?? [], wsName);
      const disk = `${Math.trunc(Number.parseFloat(entry.modelFileSize)) + 80}Gi`;
      assert.equal(kaito.nodeClaimStorage, disk, `${c.name}: NodeClaim storage`);
      if (kaito.volumeStorage !== undefined) assert.equal(kaito.volumeStorage, disk, `${c.name}: weights volume`);
      for (const flag of [
        `--model=${entry.name.toLowerCase()}`,
        `--served-model-name=${modelNameOf(entry.name)}`,
        `--load_format=${entry.loadFormat ?? "auto"}`,
        `--config_format=${entry.configFormat ?? entry.loadFormat ?? "auto"}`,
        `--tokenizer_mode=${entry.tokenizerMode ?? entry.loadFormat ?? "auto"}`,
      ]) {
        assert.ok(kaito.command.split(/\s+/).includes(flag), `${c.name}: KAITO's command lacks ${flag}: ${kaito.command.slice(0, 300)}`);
      }
      // KAITO marks a model gated when the hub refused it without a token; its pod then reads HF_TOKEN.
      if (entry.gated) assert.ok(kaito.hfTokenEnv, `${c.name}: gated, yet KAITO's pod has no HF_TOKEN`);
      checked++;
    }
    assert.ok(checked >= 5);
  });

  it("marks gated exactly the models the hub refused without a token", () => {
    const { models } = corpusHubModels();
    const gated = [...models.values()].map(corpusEntry).filter((e) => e?.gated).map((e) => e?.name);
    assert.deepEqual(gated, ["meta-llama/Llama-3.2-1B-Instruct"]);
  });

  it("leaves out the models KAITO refused, with KAITO's reason", () => {
    const { models, missing } = corpusHubModels();
    assert.ok(missing.has("contoso/no-such-model"));
    const t5 = models.get("google-t5/t5-small");
    assert.ok(t5);
    assert.equal(corpusEntry(t5), undefined);
    for (const c of cases.filter((x) => x.rejected !== undefined && askedIds(x).includes("google-t5/t5-small"))) {
      assert.match(c.rejected ?? "", /unsupported model architecture for google-t5\/t5-small: T5ForConditionalGeneration/);
      assert.deepEqual(corpusCaseLock(c).models, []);
    }
  });
});
