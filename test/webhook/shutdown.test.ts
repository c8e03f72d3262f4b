// Graceful shutdown: close() (what SIGTERM does) stops new connections at once, lets a request
// already in flight finish and answer, closes idle keep-alive connections, and forces whatever is
// left at the bound.
import assert from "node:assert/strict";
import { connect as tcpConnect } from "node:net";
import { describe, it } from "node:test";
import { connect } from "node:tls";
import type { TLSSocket } from "node:tls";
import { createLogger, selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import type { WebhookHandle } from "../../webhook/index.js";
import { sleep, WANTED } from "./harness.js";
import { admissionReview, phi3, uidOf } from "./review.js";
import { startServe } from "./serve-process.js";

interface RawExchange {
  socket: TLSSocket;
  /** everything the server sent, once the connection closed */
  closed: Promise<string>;
}

/** A TLS connection to the webhook that writes exactly what it is told, when it is told. */
function rawConnection(port: number, ca: string): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      let received = "";
      socket.on("data", (d: Buffer) => (received += d.toString("utf8")));
      const closed = new Promise<string>((done) => socket.on("close", () => done(received)));
      resolve({ socket, closed });
    });
    socket.on("error", (err) => reject(err));
  });
}

function slowRequest(body: string): { head: string; firstHalf: string; secondHalf: string } {
  const half = Math.floor(body.length / 2);
  return {
    head: `POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    firstHalf: body.slice(0, half),
    secondHalf: body.slice(half),
  };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port });
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", (err: Error & { code?: string }) => resolve(err.code === "ECONNREFUSED"));
  });
}

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function start(shutdownTimeoutMs: number): Promise<{ handle: WebhookHandle; ca: string }> {
  const handle = await startWebhook({
    certificates: selfSignedCertificates(WANTED),
    port: 0,
    host: "127.0.0.1",
    shutdownTimeoutMs,
    logger: createLogger({ level: "silent" }),
  });
  await handle.ready();
  return { handle, ca: Buffer.from(handle.caBundle ?? "", "base64").toString("utf8") };
}

describe("graceful shutdown", () => {
  it("finishes a slow in-flight request after close() while new connections are refused", async () => {
    const { handle, ca } = await start(5000);
    const { port } = handle.address;
    const idle = await rawConnection(port, ca);
    idle.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await waitFor("the idle connection's answer", () => idle.socket.bytesRead > 0);

    const review = admissionReview({ object: phi3() });
    const slow = slowRequest(JSON.stringify(review));
    const inFlight = await rawConnection(port, ca);
    inFlight.socket.write(slow.head + slow.firstHalf);
    await waitFor("the request to be in flight", () => handle.server.inFlight === 1);

    const closing = handle.close();
    assert.equal(await connectionRefused(port), true, "no new connection once close() began");
    assert.match(await idle.closed, /^HTTP\/1\.1 200/, "the idle keep-alive connection is closed");
    await sleep(200);
    inFlight.socket.write(slow.secondHalf);
    const answer = await inFlight.closed;
    const [head, body] = answer.split("\r\n\r\n");
    assert.match(head ?? "", /^HTTP\/1\.1 200 OK/);
    assert.match(head ?? "", /\r\nConnection: close\r\n/i, "the answer tells the client to go away");
    const parsed = JSON.parse(body ?? "") as { response: { uid: string; allowed: boolean; patch?: string } };
    assert.equal(parsed.response.uid, uidOf(review));
    assert.equal(parsed.response.allowed, true);
    assert.ok(parsed.response.patch);
    const report = await closing;
    assert.equal(report.drained, true);
    assert.equal(report.forcedConnections, 0);
    assert.equal(handle.readiness.isReady(), false);
  });

  it("closes what is still open at the bound, and returns soon after it", async () => {
    const { handle, ca } = await start(300);
    const stuck = await rawConnection(handle.address.port, ca);
    const slow = slowRequest(JSON.stringify(admissionReview({ object: phi3() })));
    stuck.socket.write(slow.head + slow.firstHalf);
    await waitFor("the request to be in flight", () => handle.server.inFlight === 1);
    const started = Date.now();
    const report = await handle.close();
    const took = Date.now() - started;
    assert.equal(report.drained, false);
    assert.equal(report.forcedConnections, 1);
    assert.ok(took >= 290 && took < 2000, `took ${took} ms`);
    await stuck.closed;
    assert.deepEqual(await handle.close(), report, "close() is idempotent");
  });

  it("`kaito-gitops serve` drains on SIGTERM and exits 0", async () => {
    const serve = await startServe(["--port", "0", "--host", "127.0.0.1", "--shutdown-timeout", "10"]);
    const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
    const review = admissionReview({ object: phi3() });
    const slow = slowRequest(JSON.stringify(review));
    const inFlight = await rawConnection(serve.port, ca);
    inFlight.socket.write(slow.head + slow.firstHalf);
    await sleep(200);
    serve.child.kill("SIGTERM");
    await waitFor("the listener to close", () => serve.logLines().some((l) => l["msg"] === "shutting down"));
    assert.equal(await connectionRefused(serve.port), true);
    inFlight.socket.write(slow.secondHalf);
    const answer = await inFlight.closed;
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    assert.ok(answer.includes(uidOf(review)));
    assert.equal(await serve.exited, 0);
    const stopped = serve.logLines().find((l) => l["msg"] === "stopped");
    assert.equal(stopped?.["drained"], true, serve.stderr());
  });
});
