// /healthz, /readyz and /metrics, and the routes around the admission endpoints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connect } from "node:tls";
import request from "supertest";
import { certValidity } from "../../certs/index.js";
import { createLogger, createMetrics, selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import { expandOptions } from "../../workspace/index.js";
import type { ExpandOptions } from "../../workspace/index.js";
import { responseOf, testApp, WANTED } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("probes", () => {
  it("/healthz answers ok", async () => {
    const res = await request(testApp().app).get("/healthz");
    assert.equal(res.status, 200);
    assert.equal(res.text, "ok\n");
  });

  it("/readyz is 503 with the gates that are closed, and admission waits with 503, before the expansion settings are loaded", async () => {
    const { app, readiness } = testApp({ ready: false, context: () => undefined });
    readiness.gate("certificates", "starting");
    readiness.gate("settings", "loading");
    const res = await request(app).get("/readyz");
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, {
      ready: false,
      checks: { certificates: { ready: false, detail: "starting" }, settings: { ready: false, detail: "loading" } },
    });
    const admission = await request(app).post("/mutate").send(admissionReview({ object: phi3() }));
    assert.equal(admission.status, 503);
    assert.equal((admission.body as { reason: string }).reason, "ServiceUnavailable");
  });

  it("the served webhook turns ready when the expansion settings arrive, not before", async () => {
    const pending = deferred<ExpandOptions>();
    const handle = await startWebhook({
      certificates: selfSignedCertificates(WANTED),
      expandOptions: pending.promise,
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent" }),
    });
    try {
      const ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
      const before = await request(handle.url).get("/readyz").ca(ca);
      assert.equal(before.status, 503);
      assert.deepEqual((before.body as { checks: unknown }).checks, {
        certificates: { ready: true, detail: "self-signed in memory; trust the caBundle printed at start" },
        settings: { ready: false, detail: "loading" },
      });
      pending.resolve(expandOptions());
      await handle.ready();
      const after = await request(handle.url).get("/readyz").ca(ca);
      assert.equal(after.status, 200);
      assert.equal((after.body as { ready: boolean }).ready, true);
    } finally {
      await handle.close();
    }
  });

  it("settings that fail to load keep /readyz false with the reason, and ready() rejects", async () => {
    const handle = await startWebhook({
      certificates: selfSignedCertificates(WANTED),
      expandOptions: Promise.reject(new Error("settings.yaml:3:5: cloudProvider must be one of azure, aws")),
      port: 0,
      host: "127.0.0.1",
      logger: createLogger({ level: "silent" }),
    });
    try {
      await assert.rejects(handle.ready(), /settings\.yaml:3:5/);
      assert.equal(handle.readiness.isReady(), false);
      assert.match(handle.readiness.report()["settings"]?.detail ?? "", /^failed: settings\.yaml:3:5/);
    } finally {
      await handle.close();
    }
  });

  it("/readyz turns 503 as soon as shutdown starts", async () => {
    const { app, readiness } = testApp();
    assert.equal((await request(app).get("/readyz")).status, 200);
    readiness.drain();
    const res = await request(app).get("/readyz");
    assert.equal(res.status, 503);
    assert.deepEqual((res.body as { checks: Record<string, unknown> }).checks["shutdown"], { ready: false, detail: "shutting down" });
  });
});

describe("routes", () => {
  it("answers unknown paths with a JSON 404 and GET /mutate with 405", async () => {
    const { app } = testApp();
    const missing = await request(app).get("/nope");
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { kind: string }).kind, "Status");
    const wrongMethod = await request(app).get("/mutate");
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers["allow"], "POST");
  });

  it("sends no X-Powered-By or ETag", async () => {
    const res = await request(testApp().app).post("/mutate").send(admissionReview({ object: phi3() }));
    assert.equal(res.headers["x-powered-by"], undefined);
    assert.equal(res.headers["etag"], undefined);
  });
});

describe("/metrics", () => {
  it("exposes request counts by webhook, operation and result, the latency histogram and in-flight gauge", async () => {
    const { app } = testApp();
    const invalid = phi3();
    (invalid["inference"] as { preset: { name: string } }).preset.name = "nope";
    await request(app).post("/mutate").send(admissionReview({ object: phi3() }));
    await request(app).post("/mutate").send(admissionReview({ object: phi3() }));
    await request(app).post("/mutate").send(admissionReview({ object: invalid }));
    await request(app).post("/validate").send(admissionReview({ operation: "DELETE", object: null, oldObject: phi3() }));
    await request(app).post("/validate").set("Content-Type", "application/json").send("{oops");
    const res = await request(app).get("/metrics");
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
    const text = res.text;
    for (const line of [
      'admission_requests_total{webhook="mutate",operation="CREATE",result="patched"} 2',
      'admission_requests_total{webhook="mutate",operation="CREATE",result="denied"} 1',
      'admission_requests_total{webhook="validate",operation="DELETE",result="ignored"} 1',
      'admission_requests_total{webhook="validate",operation="unknown",result="bad_request"} 1',
      'admission_review_duration_seconds_count{webhook="mutate",operation="CREATE"} 3',
      'admission_review_duration_seconds_bucket{le="+Inf",webhook="validate",operation="DELETE"} 1',
      "admission_requests_in_flight 0",
    ]) {
      assert.ok(text.includes(line), `missing ${line} in\n${text}`);
    }
    assert.match(text, /# TYPE admission_review_duration_seconds histogram/);
    assert.match(text, /admission_review_duration_seconds_bucket\{le="0\.0005",webhook="mutate",operation="CREATE"\}/);
  });

  it("exposes the serving certificate's expiry and process metrics on a served webhook", async () => {
    const metrics = createMetrics();
    const handle = await startWebhook({
      certificates: selfSignedCertificates(WANTED),
      port: 0,
      host: "127.0.0.1",
      metrics,
      logger: createLogger({ level: "silent" }),
    });
    try {
      const ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
      const text = (await request(handle.url).get("/metrics").ca(ca)).text;
      const served = await request(handle.url).post("/mutate").ca(ca).send(admissionReview({ object: phi3() }));
      assert.equal(responseOf(served.body).allowed, true);
      const expiry = /^webhook_certificate_expiry_timestamp_seconds (\d+(\.\d+)?)$/m.exec(text);
      assert.ok(expiry, text);
      // The certificate the server presents, read from a real handshake.
      const leaf = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: handle.address.port, ca, servername: "localhost" }, () => {
          resolve(socket.getPeerX509Certificate()?.toString() ?? "");
          socket.end();
        });
        socket.on("error", reject);
      });
      assert.equal(Number(expiry[1]), certValidity(leaf).notAfter.getTime() / 1000);
      assert.match(text, /^webhook_certificate_loads_total 1$/m);
      assert.match(text, /^process_resident_memory_bytes \d+/m);
    } finally {
      await handle.close();
    }
  });
});
