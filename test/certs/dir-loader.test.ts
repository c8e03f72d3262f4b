import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadCertDir, watchCertDir } from "../../certs/dir-loader.js";
import type { CertDirWatcher } from "../../certs/dir-loader.js";
import { issueBundle } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { CertBundle, ServingCerts } from "../../certs/types.js";

const now = new Date("2026-11-24T12:00:00Z");
const wanted = { service: "kaito-webhook", namespace: "kaito-system" };
const [k1, k2, k3] = [generateRsaKeySync(), generateRsaKeySync(), generateRsaKeySync()] as [string, string, string];
const first: CertBundle = issueBundle(wanted, now, { caKeyPem: k1, tlsKeyPem: k2 });
const second: CertBundle = issueBundle(wanted, now, { caKeyPem: k1, tlsKeyPem: k3 });

const dirs: string[] = [];
const watchers: CertDirWatcher[] = [];
after(async () => {
  for (const watcher of watchers) watcher.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kaito-certs-"));
  dirs.push(dir);
  return dir;
}

async function writeFlat(dir: string, certs: ServingCerts): Promise<void> {
  await writeFile(join(dir, "tls.crt"), certs.tlsCert);
  await writeFile(join(dir, "tls.key"), certs.tlsKey);
  if (certs.caCert !== undefined) await writeFile(join(dir, "ca.crt"), certs.caCert);
}

/** What the kubelet does: a new timestamped dir, then an atomic rename of the ..data symlink. */
async function kubeletSwap(dir: string, certs: ServingCerts, stamp: string): Promise<void> {
  const data = join(dir, `..${stamp}`);
  await mkdir(data);
  await writeFlat(data, certs);
  await symlink(`..${stamp}`, join(dir, "..data_tmp"));
  await rename(join(dir, "..data_tmp"), join(dir, "..data"));
}

/** Resolves with the next onChange, or rejects after `ms`. */
function changes(): { onChange: (c: ServingCerts) => void; next: (ms: number) => Promise<ServingCerts>; count: () => number } {
  const seen: ServingCerts[] = [];
  let waiter: ((c: ServingCerts) => void) | undefined;
  return {
    onChange: (c) => {
      seen.push(c);
      waiter?.(c);
    },
    next: (ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no change within ${ms} ms`)), ms);
        waiter = (c) => {
          clearTimeout(timer);
          waiter = undefined;
          resolve(c);
        };
      }),
    count: () => seen.length,
  };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("loadCertDir", () => {
  it("reads tls.crt, tls.key and ca.crt", async () => {
    const dir = await tempDir();
    await writeFlat(dir, first);
    assert.deepEqual(await loadCertDir(dir), { tlsCert: first.tlsCert, tlsKey: first.tlsKey, caCert: first.caCert });
  });

  it("treats ca.crt as optional (a Secret from a public ACME issuer has none)", async () => {
    const dir = await tempDir();
    await writeFlat(dir, { tlsCert: first.tlsCert, tlsKey: first.tlsKey });
    assert.deepEqual(await loadCertDir(dir), { tlsCert: first.tlsCert, tlsKey: first.tlsKey });
  });

  it("rejects a certificate and key that do not belong together, and missing or broken files", async () => {
    const dir = await tempDir();
    await writeFlat(dir, { tlsCert: second.tlsCert, tlsKey: first.tlsKey });
    await assert.rejects(loadCertDir(dir), /tls\.key does not belong to tls\.crt/);
    await writeFile(join(dir, "tls.crt"), "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
    await assert.rejects(loadCertDir(dir), /tls\.crt in .* does not parse/);
    await assert.rejects(loadCertDir(join(dir, "absent")), /cannot read .*tls\.crt/);
  });
});

describe("watchCertDir", () => {
  it("picks up replaced files", async () => {
    const dir = await tempDir();
    await writeFlat(dir, first);
    const seen = changes();
    const watcher = await watchCertDir(dir, { onChange: seen.onChange, debounceMs: 50, pollIntervalMs: 200 });
    watchers.push(watcher);
    assert.equal(watcher.current.tlsCert, first.tlsCert);

    const next = seen.next(5000);
    await writeFlat(dir, second);
    const got = await next;
    assert.equal(got.tlsCert, second.tlsCert);
    assert.equal(got.tlsKey, second.tlsKey);
    assert.equal(watcher.current, got);
    watcher.stop();
  });

  it("picks up a kubelet-style ..data symlink swap", async () => {
    const dir = await tempDir();
    await kubeletSwap(dir, first, "2026_11_24_12_00_00.1");
    for (const file of ["tls.crt", "tls.key", "ca.crt"]) await symlink(join("..data", file), join(dir, file));
    const seen = changes();
    const watcher = await watchCertDir(dir, { onChange: seen.onChange, debounceMs: 50, pollIntervalMs: 200 });
    watchers.push(watcher);
    assert.equal(watcher.current.tlsCert, first.tlsCert);

    const next = seen.next(5000);
    await kubeletSwap(dir, second, "2026_11_24_13_00_00.2");
    assert.equal((await next).tlsCert, second.tlsCert);
    watcher.stop();
  });

  it("ignores a mismatched cert/key pair and keeps serving the last good one", async () => {
    const dir = await tempDir();
    await writeFlat(dir, first);
    const seen = changes();
    const errors: unknown[] = [];
    const watcher = await watchCertDir(dir, {
      onChange: seen.onChange,
      onError: (err) => errors.push(err),
      debounceMs: 50,
      pollIntervalMs: 100,
    });
    watchers.push(watcher);

    // Half an update: the new certificate is there, its key is not yet.
    await writeFile(join(dir, "tls.crt"), second.tlsCert);
    await delay(600);
    assert.equal(seen.count(), 0);
    assert.equal(watcher.current.tlsCert, first.tlsCert);
    // ~6 polls happened; the same problem is reported once, not at every poll (a read that
    // caught the file mid-write may add one "does not parse" before it).
    assert.ok(errors.length >= 1 && errors.length <= 2, `errors: ${errors.length}`);
    assert.match(String(errors.at(-1)), /does not belong/);

    const next = seen.next(5000);
    await writeFile(join(dir, "tls.key"), second.tlsKey);
    assert.equal((await next).tlsKey, second.tlsKey);
    watcher.stop();
  });

  it("refuses to start on a directory it cannot use", async () => {
    const dir = await tempDir();
    await writeFlat(dir, { tlsCert: first.tlsCert, tlsKey: second.tlsKey });
    await assert.rejects(watchCertDir(dir, { onChange: () => undefined }), /does not belong/);
  });

  it("stops calling back after stop", async () => {
    const dir = await tempDir();
    await writeFlat(dir, first);
    const seen = changes();
    const watcher = await watchCertDir(dir, { onChange: seen.onChange, debounceMs: 20, pollIntervalMs: 50 });
    watcher.stop();
    await writeFlat(dir, second);
    await delay(300);
    assert.equal(seen.count(), 0);
  });
});
