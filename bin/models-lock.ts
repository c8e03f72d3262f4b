// Which model lock a render uses: the file --models-lock names, else every kaito-models.lock.yaml
// beside the inputs (in a folder given, or next to a file given) and in the current folder. Several
// found are merged; the same model pinned differently in two of them is an error naming both.
import { dirname, relative, resolve } from "node:path";
import { stat } from "node:fs/promises";
import { LockFileError, readLockFile } from "../hub/lock-file.js";
import type { ModelLock } from "../workspace/kaito/types.js";
import type { ModelFacts } from "../workspace/models/facts.js";
import { LOCK_FILE_NAME } from "../workspace/models/lock-format.js";
import { findLockedModel, lockDrift, ModelLockError } from "../workspace/models/lock.js";
import { InputError } from "./inputs.js";

async function isDir(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
}

/** The lock files a render of `inputs` would read, without --models-lock; absolute paths. */
export async function lockCandidates(inputs: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  const consider = async (dir: string) => {
    const path = resolve(dir, LOCK_FILE_NAME);
    if (!found.includes(path) && (await isDir(path)) === false) found.push(path);
  };
  for (const input of inputs) {
    if (input === "-") continue;
    const abs = resolve(cwd, input);
    await consider((await isDir(abs)) ? abs : dirname(abs));
  }
  await consider(cwd);
  return found;
}

const shown = (path: string, cwd: string) => {
  const rel = relative(cwd, path);
  return rel.startsWith("..") ? path : rel;
};

async function read(path: string, cwd: string, missingOk: boolean): Promise<ModelLock> {
  try {
    return await readLockFile(path, shown(path, cwd), missingOk);
  } catch (e) {
    if (e instanceof ModelLockError || e instanceof LockFileError) throw new InputError(e.message);
    throw e;
  }
}

/** The model lock for a render: undefined when there is none. Without `inputs`, only `file`. */
export async function modelsLockFrom(file: string | undefined, inputs: readonly string[] | undefined, cwd: string): Promise<ModelLock | undefined> {
  if (file !== undefined) return read(resolve(cwd, file), cwd, false);
  if (inputs === undefined) return undefined;
  const paths = await lockCandidates(inputs, cwd);
  if (paths.length === 0) return undefined;
  const models: ModelFacts[] = [];
  const from = new Map<ModelFacts, string>();
  for (const path of paths) {
    for (const m of (await read(path, cwd, false)).models) {
      const prior = findLockedModel({ models }, m.name);
      if (!prior) {
        models.push(m);
        from.set(m, path);
      } else if (lockDrift(prior, m).length > 0) {
        throw new InputError(`${shown(path, cwd)}: ${m.name} is pinned differently in ${shown(from.get(prior) ?? "", cwd)}; keep one lock, or name it with --models-lock`);
      }
    }
  }
  return { models };
}
