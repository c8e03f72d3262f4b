// Issue 12, findings 3 and 4: a stopping replica must neither crash nor reset connections. While
// it drains (unready, still listening for --shutdown-delay), every answer — including those the
// app writes synchronously — carries `Connection: close`, and the process exits 0 afterwards.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { httpsPost, sleep } from "./harness.js";
import { startServe } from "./serve-process.js";

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
    const deadline = Date.now() + 5000;
    while (!serve.logLines().some((l) => l["msg"] === "shutting down")) {
      assert.ok(Date.now() < deadline, `no "shutting down" line:\n${serve.stderr()}`);
      await sleep(10);
    }
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
});
