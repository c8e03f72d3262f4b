// One model id to one lock entry: pin the commit `main` points at, read the file list and
// config.json at that commit, and derive the facts as KAITO v0.12 would (workspace/models/from-hub).
// A token is sent only after the hub refused an anonymous request; that refusal is what makes the
// model gated for KAITO (its controller then needs the Workspace's modelAccessSecret).
import type { ModelFacts } from "../workspace/models/facts.js";
import { factsFromHub, HubAnswerError, parseFileList, parseModelConfig, selectWeightFiles, MAX_CONFIG_BYTES } from "../workspace/models/from-hub.js";
import type { HubClient } from "./client.js";
import { HubError, MAX_INFO_BYTES, MAX_LIST_BYTES } from "./client.js";

/** Hugging Face repository ids: org/name, letters, digits, ".", "_", "-". */
export const HF_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

export function checkModelId(id: string): void {
  if (!HF_ID.test(id)) {
    throw new HubError("malformed", `${JSON.stringify(id.slice(0, 200))} is not a Hugging Face model id (ORG/MODEL: letters, digits, ".", "_", "-")`);
  }
}

/** `why`: what the hub said, e.g. "the hub answered 401 for URL without a token". */
export function gatedMessage(id: string, why: string): string {
  return (
    `${id} is gated: ${why}. ` +
    `Accept the model's terms on the hub, then give a token that may read it (--token-file FILE or HF_TOKEN). ` +
    `Workspaces serving it need inference.preset.presetOptions.modelAccessSecret: a Secret with the key HF_TOKEN.`
  );
}

export interface Resolution {
  readonly facts: ModelFacts;
  /** Remarks for the user (stderr): e.g. a file list the hub paged. */
  readonly notes: readonly string[];
}

/** Resolve one id against the hub; HubError or HubAnswerError says why it cannot be locked. */
export async function resolveModel(id: string, client: HubClient): Promise<Resolution> {
  checkModelId(id);
  const notes: string[] = [];
  let gated = false;

  const fetchText = async (url: string, maxBytes: number, what: string, missing: () => string) => {
    let answer = await client.get(url, maxBytes, gated);
    if ("status" in answer && (answer.status === 401 || answer.status === 403) && !gated) {
      gated = true;
      if (!client.hasToken) throw new HubError("gated", gatedMessage(id, `the hub answered ${answer.status} for ${url} without a token`));
      answer = await client.get(url, maxBytes, true);
    }
    if ("status" in answer) {
      if (answer.status === 404) throw new HubError("not-found", missing());
      throw new HubError("gated", `${url}: the hub refused the token (${answer.status}) for the ${what}; has its owner accepted ${id}'s terms on the hub?`);
    }
    return answer;
  };

  const infoUrl = client.revisionUrl(id);
  const info = await fetchText(infoUrl, MAX_INFO_BYTES, "model information", () => `${id}: no such model on ${client.endpoint} (404 for ${infoUrl}); check the spelling, or give a token if it is private`);
  const { sha, published, gatedFlag } = readInfo(info.text, info.url, id);
  // The hub reports gating on the model itself too; anonymous reads of small files may still pass.
  if (gatedFlag && !gated) {
    gated = true;
    if (!client.hasToken) throw new HubError("gated", gatedMessage(id, `the hub marks it gated (${infoUrl})`));
  }

  const treeUrl = client.treeUrl(id, sha);
  const tree = await fetchText(treeUrl, MAX_LIST_BYTES, "file list", () => `${id}: the hub has no file list at revision ${sha} (404 for ${treeUrl})`);
  if (typeof tree.headers.link === "string" && /rel="?next"?/.test(tree.headers.link)) {
    notes.push(`${id}: the hub paged the file list; like KAITO, only the first page is counted`);
  }
  const files = parseFileList(tree.text, tree.url);
  const weights = selectWeightFiles(files);
  if (weights.files.length === 0) {
    throw new HubAnswerError(`${id}: no .safetensors or .bin files at revision ${sha}; KAITO cannot size or serve it (it lists ${files.length} file(s))`);
  }

  // Mistral's consolidated format may ship params.json instead of config.json; KAITO falls back to it.
  const configUrl = client.fileUrl(id, sha, "config.json");
  let config: { text: string; url: string };
  try {
    config = await fetchText(configUrl, MAX_CONFIG_BYTES, "config.json", () => `${id}: no config.json at revision ${sha} (404 for ${configUrl})`);
  } catch (e) {
    if (!(e instanceof HubError && e.failure === "not-found" && weights.mistralFormat)) throw e;
    const paramsUrl = client.fileUrl(id, sha, "params.json");
    config = await fetchText(paramsUrl, MAX_CONFIG_BYTES, "params.json", () => `${id}: neither config.json nor params.json at revision ${sha}`);
  }
  const facts = factsFromHub({ id: published, revision: sha, files, config: parseModelConfig(config.text, config.url), gated, source: id });
  return { facts, notes };
}

function readInfo(text: string, url: string, asked: string): { sha: string; published: string; gatedFlag: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HubError("malformed", `${url}: the model information is not valid JSON; truncated or not a Hugging Face answer`);
  }
  const info = (value ?? {}) as { sha?: unknown; id?: unknown; gated?: unknown };
  if (typeof info.sha !== "string" || !/^[0-9a-f]{40}$/.test(info.sha)) {
    throw new HubError("malformed", `${url}: the model information has no commit sha (40 hex digits)`);
  }
  // The lock keeps the id as the hub publishes it, when the hub says (it matches ids case-insensitively).
  const published = typeof info.id === "string" && info.id.toLowerCase() === asked.toLowerCase() && HF_ID.test(info.id) ? info.id : asked;
  const gatedFlag = info.gated === true || info.gated === "auto" || info.gated === "manual";
  return { sha: info.sha, published, gatedFlag };
}
