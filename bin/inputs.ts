// Reading the manifests a command is given: files, folders (walked recursively, in sorted order,
// following symbolic links once each) and "-" for standard input. Only regular files are read:
// a device (/dev/zero) never ends and a named pipe may never open. Unreadable or malformed input
// is an InputError (exit 3) naming the path, never a stack trace.
import { open, readdir, realpath, stat } from "node:fs/promises";
import { constants } from "node:fs";
import type { Stats } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Readable } from "node:stream";
import { decodeManifest, parseYamlStream, SourceError, yamlDocuments } from "../workspace/index.js";
import type { SourceDocument } from "../workspace/index.js";
import { LOCK_API_VERSION, LOCK_FILE_NAME, LOCK_KIND } from "../workspace/models/lock-format.js";
import { objectsOf } from "../workspace/render/stream.js";
import type { ObjectSource, SourceObject } from "../workspace/render/stream.js";

const MANIFEST = /\.(ya?ml|json)$/i;
/** kustomize's own files are build instructions, not objects to apply. */
/** kustomize's own files are build instructions, not objects to apply; the model lock is read apart. */
const SKIPPED_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization", LOCK_FILE_NAME]);

/** A model lock under another name, given among the inputs, is still not an object to apply. */
const isModelLock = (value: unknown): boolean => {
  const v = value as { apiVersion?: unknown; kind?: unknown } | null;
  return v !== null && typeof v === "object" && v.apiVersion === LOCK_API_VERSION && v.kind === LOCK_KIND;
};
/** Refuse inputs that are surely not manifests before reading them into memory. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many levels of symbolic links",
  ENOTDIR: "a path component is not a folder",
  EISDIR: "is a folder",
  ENAMETOOLONG: "the name is too long",
};

/** An I/O failure as the user should read it: `path: permission denied (EACCES)`. */
export function readFailure(path: string, err: unknown): InputError {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return new InputError(`${path}: ${REASONS[code] ?? "cannot be read"} (${code})`);
  return new InputError(`${path}: cannot be read: ${err instanceof Error ? err.message : String(err)}`);
}

async function guarded<T>(path: string, io: () => Promise<T>): Promise<T> {
  try {
    return await io();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw readFailure(path, err);
  }
}

function notRegular(path: string, info: Stats): InputError {
  const what = info.isFIFO() ? "a named pipe" : info.isCharacterDevice() || info.isBlockDevice() ? "a device" : info.isSocket() ? "a socket" : "not a regular file";
  return new InputError(`${path}: ${what}, not a regular file or folder; to read it, pipe it to standard input and pass -`);
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new InputError(`-: standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A regular file's bytes, checked as the file opened (not as it was listed). */
async function readRegularFile(abs: string, shown: string): Promise<Buffer> {
  return guarded(shown, async () => {
    // O_NONBLOCK: opening a FIFO that replaced the file since it was listed does not hang.
    const handle = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notRegular(shown, info);
      if (info.size > MAX_INPUT_BYTES) throw new InputError(`${shown}: larger than ${MAX_INPUT_BYTES} bytes; not a manifest file`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  });
}

interface Walk {
  readonly files: string[];
  /** real paths of the folders entered, so a link back up is not followed forever */
  readonly seen: Set<string>;
  readonly notes: string[];
}

async function walk(dir: string, shown: string, state: Walk): Promise<void> {
  const real = await guarded(shown, () => realpath(dir));
  if (state.seen.has(real)) {
    state.notes.push(`${shown}: a symbolic link to a folder already read; skipped`);
    return;
  }
  state.seen.add(real);
  const entries = await guarded(shown, () => readdir(dir, { withFileTypes: true }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    const shownPath = join(shown, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target === undefined) {
        state.notes.push(`${shownPath}: a broken symbolic link; skipped`);
        continue;
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) await walk(path, shownPath, state);
    else if (!MANIFEST.test(entry.name) || SKIPPED_FILES.has(entry.name)) continue;
    else if (isFile) state.files.push(path);
    else state.notes.push(`${shownPath}: not a regular file (a pipe, device or socket); skipped`);
  }
}

export interface Paths {
  readonly files: readonly string[];
  /** what the walk skipped and why (broken links, link loops), for stderr */
  readonly notes: readonly string[];
}

/** The files behind the arguments, in order: each argument's files sorted, folders recursively. */
export async function expandPaths(args: readonly string[], cwd: string): Promise<string[]> {
  return [...(await listInputs(args, cwd)).files];
}

export async function listInputs(args: readonly string[], cwd: string): Promise<Paths> {
  const files: string[] = [];
  const notes: string[] = [];
  for (const arg of args) {
    if (arg === "-") {
      files.push("-");
      continue;
    }
    const abs = resolve(cwd, arg);
    const info = await guarded(arg, () => stat(abs));
    if (info.isDirectory()) {
      const state: Walk = { files: [], seen: new Set(), notes };
      await walk(abs, arg, state);
      files.push(...state.files.map((f) => displayPath(f, cwd)));
    } else if (info.isFile()) {
      files.push(arg);
    } else {
      throw notRegular(arg, info);
    }
  }
  return { files, notes };
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith("..") ? abs : rel;
}

/** The text of one input (a path from expandPaths, or "-"), decoded and checked to be text. */
export async function readInput(file: string, cwd: string, stdin: Readable): Promise<string> {
  const bytes = file === "-" ? await readStream(stdin) : await readRegularFile(resolve(cwd, file), file);
  try {
    return decodeManifest(bytes, file);
  } catch (e) {
    if (e instanceof SourceError) throw new InputError(e.message);
    throw e;
  }
}

export interface Inputs {
  readonly files: readonly string[];
  readonly docs: readonly SourceDocument[];
  /** what the folder walk skipped, for stderr */
  readonly notes: readonly string[];
}

export async function readDocuments(args: readonly string[], cwd: string, stdin: Readable): Promise<Inputs> {
  const docs: SourceDocument[] = [];
  const { files, notes } = await listInputs(args, cwd);
  for (const file of files) {
    const text = await readInput(file, cwd, stdin);
    try {
      docs.push(...parseYamlStream(text, file).filter((d) => !isModelLock(d.value)));
    } catch (e) {
      if (e instanceof SourceError) throw new InputError(e.message);
      throw e;
    }
  }
  return { files, docs, notes };
}

export interface Sources {
  readonly files: readonly string[];
  /** what the folder walk skipped, for stderr */
  readonly notes: readonly string[];
  /**
   * The input objects, parsed anew on every call, one document at a time: only the texts are
   * kept. A malformed document throws InputError when it is reached.
   */
  readonly objects: ObjectSource;
}

/**
 * The texts of every input, read and decoded now; parsed as they are iterated. `skip`: files that
 * configure the command (the --settings file) and may sit among the manifests: read apart, not rendered.
 */
export async function readSources(args: readonly string[], cwd: string, stdin: Readable, skip: readonly string[] = []): Promise<Sources> {
  const skipped = new Set(skip.map((p) => resolve(cwd, p)));
  const listed = await listInputs(args, cwd);
  const files = listed.files.filter((f) => f === "-" || !skipped.has(resolve(cwd, f)));
  const notes = listed.notes;
  const texts: { file: string; text: string }[] = [];
  for (const file of files) texts.push({ file, text: await readInput(file, cwd, stdin) });
  return { files, notes, objects: () => parsedObjects(texts) };
}

function* parsedObjects(texts: readonly { file: string; text: string }[]): Generator<SourceObject> {
  for (const { file, text } of texts) {
    try {
      for (const src of objectsOf(yamlDocuments(text, file))) if (!isModelLock(src.value)) yield src;
    } catch (e) {
      if (e instanceof SourceError) throw new InputError(e.message);
      throw e;
    }
  }
}
