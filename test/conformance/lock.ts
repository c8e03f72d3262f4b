// The model lock a user of a corpus case would have committed: an entry for each model outside
// KAITO's catalog that KAITO asked the (canned) Hugging Face hub about in that case, derived from
// the hub's answers the way `kaito-gitops models add` does. Models the hub refused (404) or whose
// architecture vLLM cannot serve get no entry, as `models add` would refuse them.
import { dirname } from "node:path";
import type { ModelLock } from "../../workspace/kaito/types.js";
import { emptyModelLock } from "../../workspace/kaito/types.js";
import type { ModelFacts } from "../../workspace/models/facts.js";
import { HubAnswerError, factsFromHub, parseFileList, parseModelConfig } from "../../workspace/models/from-hub.js";
import { corpusHubModels } from "../helpers/hub-answers.js";
import type { CorpusCase } from "./corpus.js";

const byRoot = new Map<string, ReturnType<typeof corpusHubModels>>();

export function lockFromCorpus(c: CorpusCase): ModelLock {
  if (!c.hubAnswers || c.version !== "v0.12") return emptyModelLock;
  const root = dirname(dirname(c.dir));
  let hub = byRoot.get(root);
  if (!hub) {
    hub = corpusHubModels(root);
    byRoot.set(root, hub);
  }
  const models: ModelFacts[] = [];
  for (const m of hub.models.values()) {
    if (!m.cases.includes(c.name)) continue;
    try {
      models.push(factsFromHub({ id: m.id, files: parseFileList(m.tree, `${m.id} tree.json`), config: parseModelConfig(m.config, `${m.id} config.json`), gated: m.gated }));
    } catch (err) {
      if (!(err instanceof HubAnswerError)) throw err;
    }
  }
  return { models };
}
