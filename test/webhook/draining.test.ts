// Issue 12, findings 3 and 4: a stopping replica must neither crash nor reset connections. While
// it drains (unready, still listening for --shutdown-delay), every answer — including those the
// app writes synchronously — carries `Connection: close`, and the process exits 0 afterwards.
import assert from "node:assert/strict";
import { Agent } from "node:https";
import { describe, it } from "node:test";
import { httpsPost, sleep } from "./harness.js";
import type { HttpsResult } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";
import { startServe } from "./serve-process.js";
import type { ServeProcess } from "./serve-process.js";

async function untilLogged(serve: ServeProcess, msg: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!serve.logLines().some((l) => l["msg"] === msg)) {
    assert.ok(Date.now() < deadline, `no ${JSON.stringify(msg)} line:\n${serve.stderr()}`);
    await sleep(10);
  }
}

const SYNCHRONOUS_ANSWERS: readonly { method: string; path: string; body: string; headers?: Record<string, string>; status: number }[] = [
  { method: "GET", path: "/readyz", body: "", status: 503 },
  { method: "GET", path: "/healthz", body: "", status: 200 },
  { method: "GET", path: "/no-such-path", body: "", status: 404 },
  { method: "GET", path: "/mutate", body: "", status: 405 },
  { method: "POST", path: "/validate", body: "x", headers: { "content-type": "text/plain" }, status: 400 },
  { method: "POST", path: "/mutate", body: "{not json", status: 400 },
];

describe("draining after SIGTERM", () => {
  it("answers probes, 404, 405 and 400 with Connection: close during the delay, and exits 0", async () => {
    const serve = await startServe(["--port", "0", "--host", "127.0.0.1", "--shutdown-delay", "2", "--no-controller"]);
    const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
    const url = `https://127.0.0.1:${serve.port}`;
    serve.child.kill("SIGTERM");
    await untilLogged(serve, "shutting down");
    for (const round of [1, 2]) {
      for (const req of SYNCHRONOUS_ANSWERS) {
        const answer = await httpsPost(url, req.path, req.body, { ca, servername: "localhost", method: req.method, ...(req.headers && { headers: req.headers }) });
        const what = `round ${round}: ${req.method} ${req.path}`;
        assert.equal(answer.status, req.status, what);
        assert.equal(answer.headers.connection, "close", what);
      }
    }
    assert.equal(await serve.exited, 0, serve.stderr());
    assert.doesNotMatch(serve.stderr(), /ERR_HTTP_HEADERS_SENT|internal error/);
  });

  it("keep-alive load through SIGTERM: no request reset or refused, answers say Connection: close, exit 0", async () => {
    const serve = await startServe(["--port", "0", "--host", "127.0.0.1", "--shutdown-delay", "2", "--shutdown-timeout", "5", "--no-controller"]);
    const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
    const url = `https://127.0.0.1:${serve.port}`;
    const body = JSON.stringify(admissionReview({ object: phi3() }));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answers: { result: HttpsResult; afterSigterm: boolean }[] = [];
    const failures: string[] = [];
    let signalled = false;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const afterSigterm = signalled;
        try {
          answers.push({ result: await httpsPost(url, "/validate", body, { ca, servername: "localhost", agent }), afterSigterm });
        } catch (err) {
          failures.push(`${afterSigterm ? "after" : "before"} SIGTERM: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(500);
    signalled = true;
    serve.child.kill("SIGTERM");
    await untilLogged(serve, "shutting down");
    // The delay is when a cluster's endpoints and pooled connections move away: the load stops
    // within it, as the API server's does once the replica has left the Service's endpoints.
    await sleep(1200);
    stop = true;
    await Promise.all(workers);
    agent.destroy();

    assert.deepEqual(failures, []);
    const before = answers.filter((a) => !a.afterSigterm);
    const after = answers.filter((a) => a.afterSigterm);
    assert.ok(before.some((a) => a.result.reusedSocket), "the load reused keep-alive connections");
    assert.ok(after.length >= 8, `${after.length} answers after SIGTERM`);
    for (const { result } of answers) assert.equal(result.status, 200);
    const closing = after.filter((a) => a.result.headers.connection === "close");
    assert.ok(closing.length >= 8, `${closing.length} of ${after.length} answers after SIGTERM carried Connection: close`);
    assert.equal(await serve.exited, 0, serve.stderr());
    assert.equal(serve.logLines().find((l) => l["msg"] === "stopped")?.["drained"], true, serve.stderr());
  });
});
