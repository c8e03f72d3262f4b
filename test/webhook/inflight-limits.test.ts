// What the server holds at once is bounded, whoever sends it: request bodies in flight (stalled
// uploads of the largest body once held 590 MiB for 40 s) and open connections. Past the bodies'
// bound a request gets 429 with Retry-After before its body is read, probes keep answering, and
// the room comes back as the held requests end. The memory figure is in `npm run bench:hostile`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect } from "node:tls";
import type { TLSSocket } from "node:tls";
import { selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import type { AdmissionReview, WebhookHandle } from "../../webhook/index.js";
import { capturedLogger, httpsPost, rawConnection, sleep, WANTED } from "./harness.js";
import type { RawConnection } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";

const MIB = 1024 * 1024;
const LIMITS = { maxInFlightBodyBytes: 8 * MIB, maxConnections: 12 };

let handle: WebhookHandle;
let ca: string;
let lines: () => Record<string, unknown>[];
const open: TLSSocket[] = [];

before(async () => {
  const captured = capturedLogger("info");
  lines = captured.lines;
  handle = await startWebhook({ certificates: selfSignedCertificates(WANTED), port: 0, host: "127.0.0.1", logger: captured.logger, limits: LIMITS });
  await handle.ready();
  ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
});
after(async () => {
  for (const s of open) s.destroy();
  await handle.close();
});

/** A connection that declares a body of `declared` bytes and sends all but the last byte. */
async function stalledUpload(declared: number, chunked = false): Promise<RawConnection> {
  const held = await rawConnection(handle.address.port, ca);
  open.push(held.socket);
  const length = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${declared}`;
  held.socket.write(`POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
  if (chunked) held.socket.write(`${(64 * 1024).toString(16)}\r\n${" ".repeat(64 * 1024)}\r\n`);
  else held.socket.write(" ".repeat(declared - 1));
  return held;
}

const good = (): Promise<{ status: number; body: string }> => httpsPost(handle.url, "/mutate", JSON.stringify(admissionReview({ object: phi3() })), { ca, servername: "localhost" });

describe("bounds on what the server holds at once", () => {
  it("takes bodies up to the in-flight bound, refuses the next with 429 unread, and serves again once they end", async () => {
    const held = [await stalledUpload(3 * MIB), await stalledUpload(3 * MIB)];
    await sleep(100);
    assert.equal(handle.server.inFlightBodyBytes, 6 * MIB);
    const gauge = await handle.metrics.registry.getSingleMetricAsString("admission_requests_in_flight");
    assert.match(gauge, /^admission_requests_in_flight 2$/m, "both held reviews are in flight");
    // 6 MiB held: another 3 MiB does not fit in 8, whether declared or chunked (counted as the largest body).
    for (const extra of [await stalledUpload(3 * MIB), await stalledUpload(0, true)]) {
      await extra.closed;
      const answer = extra.received();
      assert.match(answer, /^HTTP\/1\.1 429 /);
      assert.match(answer, /\r\nRetry-After: 1\r\n/i);
      assert.match(answer, /\r\nConnection: close\r\n/i);
      const status = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { reason: string; code: number; message: string };
      assert.equal(status.reason, "TooManyRequests");
      assert.equal(status.code, 429);
      assert.match(status.message, /6291456 bytes are being handled/);
    }
    // A small review still fits beside them, and a probe answers.
    const small = await good();
    assert.equal(small.status, 200);
    assert.equal((JSON.parse(small.body) as AdmissionReview).response.allowed, true);
    assert.equal((await httpsPost(handle.url, "/healthz", "", { ca, servername: "localhost", method: "GET" })).status, 200);

    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await sleep(100);
    assert.equal(handle.server.inFlightBodyBytes, 0, "the room comes back when the held requests end");
    const again = await Promise.all([stalledUpload(3 * MIB), stalledUpload(3 * MIB)]);
    await sleep(100);
    assert.equal(handle.server.inFlightBodyBytes, 6 * MIB);
    for (const h of again) h.socket.destroy();
  });

  it("counts the refusals in a metric and logs them at most once per interval", async () => {
    const metrics = await handle.metrics.registry.getSingleMetricAsString("webhook_requests_refused_busy_total");
    assert.match(metrics, /webhook_requests_refused_busy_total 2$/m);
    const logged = lines().filter((l) => String(l["msg"]).includes("429"));
    assert.equal(logged.length, 1, JSON.stringify(logged));
  });

  it("closes connections past the bound at once, and keeps serving the ones it has", async () => {
    await sleep(100);
    const sockets: TLSSocket[] = [];
    let refused = 0;
    for (let i = 0; i < LIMITS.maxConnections + 3; i += 1) {
      const socket = connect({ host: "127.0.0.1", port: handle.address.port, ca, servername: "localhost" });
      open.push(socket);
      sockets.push(socket);
      const outcome = await new Promise<string>((resolve) => {
        socket.once("secureConnect", () => resolve("open")).once("error", () => resolve("refused")).once("close", () => resolve("refused"));
      });
      if (outcome === "refused") refused += 1;
    }
    assert.ok(refused >= 3, `${refused} of ${sockets.length} connections refused with a bound of ${LIMITS.maxConnections}`);
    for (const s of sockets) s.destroy();
    await sleep(200);
    assert.equal((await good()).status, 200);
  });
});
