// The canned Hugging Face answers of KAITO's conformance corpus (kaito-v0.12/*/hf/, see its
// README): per model the file list and config.json KAITO's generator was given, whether the hub
// refused anonymous requests, and the id as the case's Workspace spells it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { corpusRoot } from "./corpus.js";

export interface CorpusHubModel {
  /** The id as a Workspace of the corpus spells it (the hub's answers are filed under lower case). */
  readonly id: string;
  readonly tree: string;
  readonly config: string;
  /** The corpus hub answered 401 to requests without an Authorization header. */
  readonly gated: boolean;
  /** The cases that asked the hub for this model. */
  readonly cases: readonly string[];
}

function presetName(caseDir: string): string | undefined {
  const text = readFileSync(join(caseDir, "workspace.yaml"), "utf8");
  for (const doc of parseAllDocuments(text)) {
    const ws = doc.toJS() as { kind?: string; inference?: { preset?: { name?: string } }; tuning?: { preset?: { name?: string } } } | null;
    if (ws?.kind === "Workspace") return ws.inference?.preset?.name ?? ws.tuning?.preset?.name;
  }
  return undefined;
}

/** Every model the corpus hub knows, keyed by lower-case id; plus the ids it answered 404 for. */
export function corpusHubModels(root = corpusRoot()): { models: Map<string, CorpusHubModel>; missing: Set<string> } {
  const base = join(root, "kaito-v0.12");
  const seen = new Map<string, { cases: string[]; gated: boolean; spelled?: string }>();
  const missing = new Set<string>();
  for (const name of readdirSync(base).sort()) {
    const hf = join(base, name, "hf");
    if (!existsSync(join(hf, "requests.tsv"))) continue;
    const rows = readFileSync(join(hf, "requests.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    for (const [, url, auth, status] of rows) {
      const m = /\/api\/models\/([^/]+\/[^/]+)\/tree\//.exec(url ?? "");
      if (!m) continue;
      const key = (m[1] as string).toLowerCase();
      if (status === "404") {
        missing.add(key);
        continue;
      }
      const entry = seen.get(key) ?? { cases: [], gated: false };
      entry.cases.push(name);
      entry.gated ||= status === "401" && auth === "false";
      const spelled = presetName(join(base, name));
      if (spelled?.toLowerCase() === key) entry.spelled ??= spelled;
      seen.set(key, entry);
    }
  }
  const models = new Map<string, CorpusHubModel>();
  for (const [key, entry] of seen) {
    // A refused case has no answers; the case that sent a token holds them.
    const folder = entry.cases.map((c) => join(base, c, "hf", key)).find((f) => existsSync(join(f, "tree.json")));
    if (!folder) continue;
    models.set(key, {
      id: entry.spelled ?? key,
      tree: readFileSync(join(folder, "tree.json"), "utf8"),
      config: readFileSync(join(folder, "config.json"), "utf8"),
      gated: entry.gated,
      cases: entry.cases,
    });
  }
  return { models, missing };
}
