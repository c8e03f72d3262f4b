// Reading the manifests a command is given: files, folders (walked recursively, in sorted order)
// and "-" for standard input. Unreadable or malformed input is reported with file:line:col.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Readable } from "node:stream";
import { parseYamlStream, SourceError } from "../workspace/index.js";
import type { SourceDocument } from "../workspace/index.js";
import { LOCK_API_VERSION, LOCK_FILE_NAME, LOCK_KIND } from "../workspace/models/lock-format.js";

/** A model lock under another name, given among the inputs, is still not an object to apply. */
const isModelLock = (doc: SourceDocument): boolean => {
  const v = doc.value as { apiVersion?: unknown; kind?: unknown } | null;
  return v !== null && typeof v === "object" && v.apiVersion === LOCK_API_VERSION && v.kind === LOCK_KIND;
};

const MANIFEST = /\.(ya?ml|json)$/i;
/** kustomize's own files are build instructions, not objects to apply; the model lock is read apart. */
const SKIPPED_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization", LOCK_FILE_NAME]);
/** Refuse inputs that are surely not manifests before reading them into memory. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new InputError(`-: standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && MANIFEST.test(entry.name) && !SKIPPED_FILES.has(entry.name)) out.push(path);
  }
}

/** The files behind the arguments, in order: each argument's files sorted, folders recursively. */
export async function expandPaths(args: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    if (arg === "-") {
      files.push("-");
      continue;
    }
    const abs = resolve(cwd, arg);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new InputError(`${arg}: no such file or folder`);
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(abs, found);
      files.push(...found.map((f) => displayPath(f, cwd)));
    } else {
      files.push(arg);
    }
  }
  return files;
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel.startsWith("..") ? abs : rel;
}

export interface Inputs {
  readonly files: readonly string[];
  readonly docs: readonly SourceDocument[];
}

export async function readDocuments(args: readonly string[], cwd: string, stdin: Readable): Promise<Inputs> {
  const docs: SourceDocument[] = [];
  const files = await expandPaths(args, cwd);
  for (const file of files) {
    let text: string;
    if (file === "-") {
      text = await readStream(stdin);
    } else {
      const abs = resolve(cwd, file);
      const info = await stat(abs);
      if (info.size > MAX_INPUT_BYTES) throw new InputError(`${file}: larger than ${MAX_INPUT_BYTES} bytes; not a manifest file`);
      text = await readFile(abs, "utf8");
    }
    try {
      docs.push(...parseYamlStream(text, file).filter((d) => !isModelLock(d)));
    } catch (e) {
      if (e instanceof SourceError) throw new InputError(e.message);
      throw e;
    }
  }
  return { files, docs };
}
