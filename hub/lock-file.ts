// The lock on disk: read (missing means empty), and written all at once — to a temporary file in
// the same folder, then renamed over the old one — so no reader ever sees half a lock.
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { ModelLock } from "../workspace/kaito/types.js";
import { emptyModelLock } from "../workspace/kaito/types.js";
import { MAX_LOCK_BYTES, parseModelLock, serializeModelLock } from "../workspace/models/lock.js";

/** The lock at `path`; a missing file is an empty lock when `missingOk`. Throws ModelLockError. */
export async function readLockFile(path: string, shown: string, missingOk: boolean): Promise<ModelLock> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    if (missingOk) return emptyModelLock;
    throw new LockFileError(`${shown}: no such model lock`);
  }
  if (size > MAX_LOCK_BYTES) throw new LockFileError(`${shown}: larger than ${MAX_LOCK_BYTES} bytes; not a model lock`);
  return parseModelLock(await readFile(path, "utf8"), shown);
}

export class LockFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockFileError";
  }
}

/** Write the lock's text atomically; an interrupted write leaves the old lock (or none) in place. */
export async function writeLockFile(path: string, lock: ModelLock): Promise<void> {
  const text = serializeModelLock(lock);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
