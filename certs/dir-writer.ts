// Writing a certificate set as files (the `certs` command's output, laid out like a mounted
// kubernetes.io/tls Secret plus ca.key). Each file is written to a temporary name and renamed,
// so a reader (or the dir loader) never sees half a file, and keys are never world-readable,
// not even for the moment between create and chmod.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SECRET_KEYS } from "./secret-store.js";
import type { CertBundle } from "./types.js";

export const KEY_FILE_MODE = 0o600;
export const CERT_FILE_MODE = 0o644;

/** Writes ca.crt, ca.key, tls.crt, tls.key into `dir` (created 0700 if absent); returns the paths. */
export async function writeCertDir(dir: string, bundle: CertBundle): Promise<string[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: [string, string, number][] = [
    [SECRET_KEYS.caCert, bundle.caCert, CERT_FILE_MODE],
    [SECRET_KEYS.caKey, bundle.caKey, KEY_FILE_MODE],
    [SECRET_KEYS.tlsCert, bundle.tlsCert, CERT_FILE_MODE],
    [SECRET_KEYS.tlsKey, bundle.tlsKey, KEY_FILE_MODE],
  ];
  const written: string[] = [];
  for (const [name, content, mode] of files) {
    const path = join(dir, name);
    await writeAtomically(path, content, mode);
    written.push(path);
  }
  return written;
}

/** ca.crt and ca.key from an earlier run, or undefined when either is absent. */
export async function readCertDirCA(dir: string): Promise<{ caCert: string; caKey: string } | undefined> {
  try {
    const caCert = await readFile(join(dir, SECRET_KEYS.caCert), "utf8");
    const caKey = await readFile(join(dir, SECRET_KEYS.caKey), "utf8");
    return { caCert, caKey };
  } catch (err) {
    if (typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT") return undefined;
    throw err;
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, content, { mode, flag: "wx" });
    // The umask may have narrowed the mode; certificates should still be readable by others.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
