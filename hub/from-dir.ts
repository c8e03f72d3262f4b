// A lock entry from a local copy of a model (air-gapped users): config.json plus the weight files,
// or only their index (model.safetensors.index.json, whose metadata.total_size gives the weights'
// size). The same derivation as from the hub; the folder stands in for the hub's file list.
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { ModelFacts } from "../workspace/models/facts.js";
import { factsFromHub, HubAnswerError, MAX_CONFIG_BYTES, MAX_FILE_LIST_ENTRIES, parseModelConfig, selectWeightFiles } from "../workspace/models/from-hub.js";
import type { HubFile } from "../workspace/models/from-hub.js";
import { checkModelId } from "./resolve.js";

const MAX_DEPTH = 8;
const INDEX = /\.safetensors\.index\.json$/;

export interface FromDirOptions {
  readonly id: string;
  /** The commit the copy was taken at; a Hugging Face cache snapshot folder is named by it. */
  readonly revision?: string;
  readonly gated?: boolean;
}

async function listFiles(root: string): Promise<HubFile[]> {
  const out: HubFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // huggingface-cli keeps its own bookkeeping under .cache/; git under .git/.
      if (e.name.startsWith(".")) continue;
      const path = join(dir, e.name);
      // Hugging Face cache snapshots are symbolic links into blobs/: follow them for files.
      const info = e.isSymbolicLink() ? await stat(path).catch(() => undefined) : await lstat(path);
      if (!info) continue;
      if (info.isDirectory() && !e.isSymbolicLink()) await walk(path, depth + 1);
      else if (info.isFile()) {
        out.push({ type: "file", path: relative(root, path).split(sep).join("/"), size: info.size });
        if (out.length > MAX_FILE_LIST_ENTRIES) throw new HubAnswerError(`${root}: more than ${MAX_FILE_LIST_ENTRIES} files; not a model folder`);
      }
    }
  };
  await walk(root, 0);
  return out;
}

async function readBounded(path: string): Promise<string> {
  const info = await stat(path);
  if (info.size > MAX_CONFIG_BYTES) throw new HubAnswerError(`${path}: larger than ${MAX_CONFIG_BYTES} bytes; not a model configuration`);
  return readFile(path, "utf8");
}

/** When only the index is there, its metadata.total_size stands in for the shards it names. */
async function indexOnly(root: string, files: HubFile[]): Promise<HubFile[]> {
  const index = files.find((f) => INDEX.test(f.path));
  if (!index || files.some((f) => f.path.includes(".safetensors") && !INDEX.test(f.path))) return files;
  const text = await readBounded(join(root, index.path));
  let total: unknown;
  try {
    total = (JSON.parse(text) as { metadata?: { total_size?: unknown } }).metadata?.total_size;
  } catch {
    throw new HubAnswerError(`${join(root, index.path)}: not valid JSON`);
  }
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total <= 0) {
    throw new HubAnswerError(`${join(root, index.path)}: metadata.total_size must be the weights' size in bytes`);
  }
  return [...files, { type: "file", path: index.path.replace(INDEX, ".safetensors (shards, from the index)"), size: total }];
}

export async function factsFromDir(dir: string, options: FromDirOptions): Promise<ModelFacts> {
  checkModelId(options.id);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new HubAnswerError(`--from-dir ${dir}: no such folder`);
  }
  if (!info.isDirectory()) throw new HubAnswerError(`--from-dir ${dir}: not a folder`);
  const snapshot = basename(dir);
  const revision = options.revision ?? (/^[0-9a-f]{40}$/.test(snapshot) ? snapshot : undefined);
  if (revision !== undefined && !/^[0-9a-f]{40}$/.test(revision)) throw new HubAnswerError(`--revision must be a commit sha (40 hex digits); got ${JSON.stringify(revision.slice(0, 60))}`);

  const files = await indexOnly(dir, await listFiles(dir));
  const weights = selectWeightFiles(files);
  if (weights.files.length === 0) throw new HubAnswerError(`${dir}: no .safetensors or .bin files and no model.safetensors.index.json; KAITO cannot size ${options.id}`);
  const configName = files.some((f) => f.path === "config.json") ? "config.json" : weights.mistralFormat && files.some((f) => f.path === "params.json") ? "params.json" : undefined;
  if (!configName) throw new HubAnswerError(`${dir}: no config.json`);
  const configPath = join(dir, configName);
  const config = parseModelConfig(await readBounded(configPath), configPath);
  return factsFromHub({ id: options.id, revision, files, config, gated: options.gated === true, source: dir });
}
