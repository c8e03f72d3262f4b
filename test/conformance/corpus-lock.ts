// The model lock a corpus case renders with: what `kaito-gitops models add` makes of the canned
// Hugging Face answers KAITO's generator was given in that case (the case's hf/ folder; a refused
// request's answers come from the case of the same model that sent a token). Derived through
// workspace/models/from-hub, the same code `models add` runs, never typed in.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ModelLock } from "../../workspace/kaito/types.js";
import { emptyModelLock } from "../../workspace/kaito/types.js";
import type { ModelFacts } from "../../workspace/models/facts.js";
import { factsFromHub, HubAnswerError, parseFileList, parseModelConfig } from "../../workspace/models/from-hub.js";
import type { CorpusHubModel } from "../helpers/hub-answers.js";
import { answersSha, corpusHubModels } from "../helpers/hub-answers.js";
import type { CorpusCase } from "./corpus.js";

const answersByCorpus = new Map<string, Map<string, CorpusHubModel>>();

function answersOf(corpusRoot: string): Map<string, CorpusHubModel> {
  let models = answersByCorpus.get(corpusRoot);
  if (!models) {
    models = corpusHubModels(corpusRoot).models;
    answersByCorpus.set(corpusRoot, models);
  }
  return models;
}

/** The lower-case ids a case asked the hub about (its hf/requests.tsv). */
export function askedIds(c: CorpusCase): string[] {
  if (!c.hubAnswers) return [];
  const rows = readFileSync(join(c.hubAnswers, "requests.tsv"), "utf8").trim().split("\n").slice(1);
  const ids = rows.map((r) => /\/api\/models\/([^/]+\/[^/]+)\/tree\//.exec(r.split("\t")[1] ?? "")?.[1]?.toLowerCase()).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/** A model's lock entry from the corpus answers, or undefined when `models add` would refuse it. */
export function corpusEntry(m: CorpusHubModel): ModelFacts | undefined {
  try {
    return factsFromHub({
      id: m.id,
      revision: answersSha(m.tree, m.config),
      files: parseFileList(m.tree, m.id),
      config: parseModelConfig(m.config, m.id),
      gated: m.gated,
    });
  } catch (e) {
    if (e instanceof HubAnswerError) return undefined;
    throw e;
  }
}

export function corpusCaseLock(c: CorpusCase): ModelLock {
  const asked = askedIds(c);
  if (asked.length === 0) return emptyModelLock;
  // <corpus>/<version folder>/<case>
  const answers = answersOf(dirname(dirname(c.dir)));
  const models = asked.map((id) => answers.get(id)).flatMap((m) => (m ? [corpusEntry(m)] : [])).filter((f): f is ModelFacts => f !== undefined);
  return { models };
}
