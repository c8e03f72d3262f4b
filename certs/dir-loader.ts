// Serving certificates from a mounted Secret (cert-manager, or anything writing a
// kubernetes.io/tls Secret). The kubelet updates such a volume by writing a new timestamped
// directory and atomically swapping the `..data` symlink, so the directory is watched, not the
// files; fs.watch is not reliable on every filesystem, so a slow poll backs it up.
import { watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { keyMatchesCertificate, parseCertificate, parseCertificates } from "./inspect.js";
import type { ServingCerts } from "./types.js";

export const CERT_DIR_FILES = { tlsCert: "tls.crt", tlsKey: "tls.key", caCert: "ca.crt" } as const;

/**
 * Reads and checks tls.crt, tls.key and (optional) ca.crt. Throws when the certificate or key
 * does not parse or they do not belong together, which is also what a directory caught half
 * way through an update looks like.
 */
export async function loadCertDir(dir: string): Promise<ServingCerts> {
  const tlsCert = await readRequired(dir, CERT_DIR_FILES.tlsCert);
  const tlsKey = await readRequired(dir, CERT_DIR_FILES.tlsKey);
  const caCert = await readOptional(dir, CERT_DIR_FILES.caCert);

  const leaf = guard(`${CERT_DIR_FILES.tlsCert} in ${dir}`, () => parseCertificate(tlsCert));
  const matches = guard(`${CERT_DIR_FILES.tlsKey} in ${dir}`, () => keyMatchesCertificate(leaf, tlsKey));
  if (!matches) throw new Error(`${dir}: ${CERT_DIR_FILES.tlsKey} does not belong to ${CERT_DIR_FILES.tlsCert}`);
  if (caCert !== undefined) guard(`${CERT_DIR_FILES.caCert} in ${dir}`, () => parseCertificates(caCert));
  return caCert === undefined ? { tlsCert, tlsKey } : { tlsCert, tlsKey, caCert };
}

export interface CertDirWatchOptions {
  /** called with each new valid set (not with the initial one, which watchCertDir returns) */
  readonly onChange: (certs: ServingCerts) => void;
  /** an update that could not be used (yet); the previous set stays in service */
  readonly onError?: (err: unknown) => void;
  /** quiet time after a filesystem event before reading (default 250 ms) */
  readonly debounceMs?: number;
  /** fallback re-read interval (default 10 s, as controller-runtime's certwatcher) */
  readonly pollIntervalMs?: number;
}

export interface CertDirWatcher {
  /** the set in service */
  readonly current: ServingCerts;
  /** re-reads now; true when a new set was taken */
  reload(): Promise<boolean>;
  stop(): void;
}

/** Loads the directory (throwing if it is not usable now) and keeps watching it. */
export async function watchCertDir(dir: string, options: CertDirWatchOptions): Promise<CertDirWatcher> {
  let current = await loadCertDir(dir);
  const debounceMs = options.debounceMs ?? 250;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<boolean> | undefined;
  let again = false;
  let stopped = false;
  let lastError: string | undefined;

  const loadOnce = async (): Promise<boolean> => {
    let next: ServingCerts;
    try {
      next = await loadCertDir(dir);
    } catch (err) {
      // A poll would repeat the same complaint every interval; say it once per distinct problem.
      const text = err instanceof Error ? err.message : String(err);
      if (text !== lastError) options.onError?.(err);
      lastError = text;
      return false;
    }
    lastError = undefined;
    if (stopped || sameCerts(current, next)) return false;
    current = next;
    options.onChange(next);
    return true;
  };

  // One read at a time; an event during a read triggers one more read afterwards, so the last
  // state of the directory is always the one that gets loaded.
  const reload = async (): Promise<boolean> => {
    if (loading !== undefined) {
      again = true;
      return loading;
    }
    loading = (async () => {
      let changed = false;
      do {
        again = false;
        changed = (await loadOnce()) || changed;
      } while (again && !stopped);
      return changed;
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  };

  const schedule = (): void => {
    if (stopped) return;
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      void reload();
    }, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, schedule);
    watcher.on("error", (err) => {
      options.onError?.(err);
      watcher?.close();
      watcher = undefined;
    });
  } catch (err) {
    // Polling alone still works, only slower to notice.
    options.onError?.(err);
  }
  const poll = setInterval(() => void reload(), options.pollIntervalMs ?? 10_000);
  poll.unref();

  return {
    get current() {
      return current;
    },
    reload,
    stop() {
      stopped = true;
      watcher?.close();
      watcher = undefined;
      clearInterval(poll);
      if (debounce !== undefined) clearTimeout(debounce);
      debounce = undefined;
    },
  };
}

function sameCerts(a: ServingCerts, b: ServingCerts): boolean {
  return a.tlsCert === b.tlsCert && a.tlsKey === b.tlsKey && a.caCert === b.caCert;
}

async function readRequired(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), "utf8");
  } catch (err) {
    throw new Error(`cannot read ${join(dir, file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function readOptional(dir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), "utf8");
  } catch (err) {
    if (typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT") return undefined;
    throw new Error(`cannot read ${join(dir, file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function guard<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new Error(`${what} does not parse: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
