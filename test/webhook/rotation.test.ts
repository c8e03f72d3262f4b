// Certificate rotation under load: the mounted Secret is replaced (the kubelet's atomic ..data
// symlink swap, and a careless in-place overwrite) while requests stream in over keep-alive and
// fresh connections. No request may fail; new connections must see the new certificate, and
// connections opened before keep theirs (setSecureContext does not drop them).
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { issueServingCert } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { ServingCerts } from "../../certs/types.js";
import { createLogger, createMetrics, directoryCertificates, startWebhook } from "../../webhook/index.js";
import type { WebhookHandle } from "../../webhook/index.js";
import { bundle, httpsPost, responseOf, sleep, WANTED } from "./harness.js";
import type { HttpsResult } from "./harness.js";
import { admissionReview, phi3, uidOf } from "./review.js";

const ca = bundle();
const leaf = (): ServingCerts => {
  const issued = issueServingCert({ certPem: ca.caCert, keyPem: ca.caKey }, WANTED, new Date(), { keyPem: generateRsaKeySync() });
  return { tlsCert: issued.certPem, tlsKey: issued.keyPem, caCert: ca.caCert };
};
const serialOf = (certs: ServingCerts): string => new X509Certificate(certs.tlsCert).serialNumber;

let dir: string;
let stamp = 0;

/** The kubelet's update of a Secret volume: a new timestamped dir, then an atomic ..data swap. */
async function kubeletSwap(certs: ServingCerts): Promise<void> {
  stamp += 1;
  const data = `..2026_11_24_12_00_${String(stamp).padStart(2, "0")}`;
  await mkdir(join(dir, data));
  await writeFile(join(dir, data, "tls.crt"), certs.tlsCert);
  await writeFile(join(dir, data, "tls.key"), certs.tlsKey);
  await writeFile(join(dir, data, "ca.crt"), certs.caCert ?? "");
  await symlink(data, join(dir, "..data_tmp"));
  await rename(join(dir, "..data_tmp"), join(dir, "..data"));
}

/** Someone copying files over the old ones, one at a time: states in between are mismatched. */
async function overwriteInPlace(certs: ServingCerts): Promise<void> {
  await rm(join(dir, "tls.crt"));
  await rm(join(dir, "tls.key"));
  await writeFile(join(dir, "tls.crt"), certs.tlsCert);
  await sleep(30);
  await writeFile(join(dir, "tls.key"), certs.tlsKey);
}

let handle: WebhookHandle;
const metrics = createMetrics({ processMetrics: false });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kaito-webhook-rotation-"));
  await kubeletSwap(leaf());
  for (const file of ["tls.crt", "tls.key", "ca.crt"]) await symlink(join("..data", file), join(dir, file));
  handle = await startWebhook({
    certificates: directoryCertificates({ dir, debounceMs: 50, pollIntervalMs: 200 }),
    port: 0,
    host: "127.0.0.1",
    metrics,
    logger: createLogger({ level: "silent" }),
  });
  await handle.ready();
});
after(async () => {
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

async function freshSerial(): Promise<string> {
  return (await httpsPost(handle.url, "/healthz", "", { ca: ca.caCert, method: "GET" })).serial;
}

async function waitForSerial(serial: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await freshSerial()) !== serial) {
    if (Date.now() > deadline) assert.fail(`the server did not pick up certificate ${serial} within 10 s`);
    await sleep(25);
  }
}

describe("certificate rotation during a stream of requests", () => {
  it("fails no request, serves new connections the new certificate, keeps open connections", async () => {
    const first = await freshSerial();
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
    const results: { result?: HttpsResult; error?: unknown; uid: string; fresh: boolean }[] = [];
    let streaming = true;
    const worker = async (fresh: boolean): Promise<void> => {
      while (streaming) {
        const review = admissionReview({ object: phi3() });
        try {
          const result = await httpsPost(handle.url, "/mutate", JSON.stringify(review), { ca: ca.caCert, agent: fresh ? false : keepAlive });
          results.push({ result, uid: uidOf(review), fresh });
        } catch (error) {
          results.push({ error, uid: uidOf(review), fresh });
        }
      }
    };
    const workers = [...Array.from({ length: 4 }, () => worker(false)), ...Array.from({ length: 2 }, () => worker(true))];

    await sleep(200);
    const second = leaf();
    await kubeletSwap(second);
    await waitForSerial(serialOf(second));
    await sleep(200);
    const third = leaf();
    await overwriteInPlace(third);
    await waitForSerial(serialOf(third));
    await sleep(200);
    streaming = false;
    await Promise.all(workers);
    keepAlive.destroy();

    const failures = results.filter((r) => r.error !== undefined || r.result?.status !== 200);
    assert.deepEqual(
      failures.map((f) => String(f.error ?? `${f.result?.status} ${f.result?.body}`)),
      [],
      "no request failed",
    );
    for (const r of results) assert.equal(responseOf(JSON.parse(r.result?.body ?? "")).uid, r.uid);
    assert.ok(results.length > 100, `only ${results.length} requests in the stream`);

    const seen = new Set(results.filter((r) => r.fresh).map((r) => r.result?.serial));
    assert.ok(seen.has(first) && seen.has(serialOf(second)) && seen.has(serialOf(third)), `fresh connections saw ${[...seen].join(", ")}`);
    // A keep-alive connection opened on the first certificate went on answering after the swap.
    const lastOnFirst = results.filter((r) => !r.fresh && r.result?.serial === first).length;
    assert.ok(lastOnFirst > 0);
    assert.ok(
      results.some((r) => !r.fresh && r.result?.reusedSocket && r.result.serial !== serialOf(third)),
      "requests on connections opened before the last rotation",
    );
    assert.equal(await freshSerial(), serialOf(third));
    const text = await metrics.registry.getSingleMetricAsString("webhook_certificate_loads_total");
    assert.match(text, /webhook_certificate_loads_total 3$/m, text);
  });
});
