// Issue 12, findings 1, 2, 5 and 6: requests built to cost the server as much as possible. Each
// is answered with a bounded answer (a few KiB at most, whatever the body) while a probe on the
// same server keeps getting answers, and no log line passes its bound. The figures (time, peak
// RSS) are in `npm run bench:hostile`; this test pins the behaviour, with generous time bounds.
import assert from "node:assert/strict";
import { Agent } from "node:https";
import { after, before, describe, it } from "node:test";
import { selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import type { AdmissionReview, WebhookHandle } from "../../webhook/index.js";
import { MAX_LOG_LINE_BYTES } from "../../webhook/log-bounds.js";
import { capturedLogger, httpsPost, rawConnection, sleep, WANTED } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";

const MAX_BODY = 3 * 1024 * 1024;
const MAX_ANSWER = 64 * 1024;

let handle: WebhookHandle;
let ca: string;
let lines: () => Record<string, unknown>[];
let logText: () => string;

before(async () => {
  const captured = capturedLogger("info");
  lines = captured.lines;
  logText = () => lines().map((l) => JSON.stringify(l)).join("\n");
  handle = await startWebhook({
    certificates: selfSignedCertificates(WANTED),
    port: 0,
    host: "127.0.0.1",
    logger: captured.logger,
    timeouts: { requestMs: 600, checkEveryMs: 200 },
  });
  await handle.ready();
  ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
});
after(async () => {
  await handle.close();
});

/** A Workspace review padded with `fill` up to near the body limit. */
function review(workspace: Record<string, unknown>, oldObject?: Record<string, unknown>): string {
  return JSON.stringify(admissionReview({ object: workspace, ...(oldObject && { operation: "UPDATE", oldObject }) }));
}

/** As many copies of `item` as fit in a body of about `bytes`. */
function fill(item: unknown, bytes = MAX_BODY - 4096): unknown[] {
  const size = JSON.stringify(item).length + 1;
  return Array.from({ length: Math.floor(bytes / size) }, () => item);
}

interface Probed {
  status: number;
  body: string;
  ms: number;
  /** /healthz answers received while the request was in flight */
  probes: number;
  /** longest wait for one /healthz answer */
  longestProbeMs: number;
}

/** POSTs `body` while another connection asks /healthz in a loop. */
async function postWhileProbing(path: string, body: string): Promise<Probed> {
  assert.ok(body.length <= MAX_BODY, `the test body is ${body.length} bytes`);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let done = false;
  let probes = 0;
  let longestProbeMs = 0;
  const probing = (async () => {
    while (!done) {
      const started = performance.now();
      const answer = await httpsPost(handle.url, "/healthz", "", { ca, servername: "localhost", agent, method: "GET" });
      assert.equal(answer.status, 200);
      longestProbeMs = Math.max(longestProbeMs, performance.now() - started);
      probes += 1;
      await sleep(5);
    }
  })();
  await sleep(20);
  const started = performance.now();
  const answer = await httpsPost(handle.url, path, body, { ca, servername: "localhost" });
  const ms = performance.now() - started;
  await sleep(20);
  done = true;
  await probing;
  agent.destroy();
  return { status: answer.status, body: answer.body, ms, probes, longestProbeMs };
}

function denialOf(answer: Probed): NonNullable<AdmissionReview["response"]["status"]> {
  assert.equal(answer.status, 200, answer.body.slice(0, 300));
  const review = JSON.parse(answer.body) as AdmissionReview;
  assert.equal(review.response.allowed, false);
  assert.ok(review.response.status);
  return review.response.status;
}

function assertBounded(what: string, answer: Probed): void {
  assert.ok(answer.body.length < MAX_ANSWER, `${what}: an answer of ${answer.body.length} bytes`);
  assert.ok(answer.ms < 5000, `${what}: answered after ${Math.round(answer.ms)} ms`);
  assert.ok(answer.probes > 0, `${what}: no probe answered meanwhile`);
  assert.ok(answer.longestProbeMs < 2000, `${what}: a probe waited ${Math.round(answer.longestProbeMs)} ms`);
}

describe("hostile admission requests", () => {
  it("a 3 MiB list of wrong-typed adapters is refused by its length, without an answer per item", async () => {
    const ws = phi3();
    (ws["inference"] as Record<string, unknown>)["adapters"] = fill(1);
    for (const path of ["/validate", "/mutate"]) {
      const answer = await postWhileProbing(path, review(ws));
      assertBounded(path, answer);
      const status = denialOf(answer);
      assert.equal(status.code, 422);
      assert.match(status.message, /inference\.adapters: must have at most 10 items \(has \d{6,}\)/);
      assert.equal(status.details?.causes?.length, 1);
    }
  });

  it("wrong items inside lists within their limits: at most 20 problems and a count of the rest", async () => {
    const ws = phi3();
    (ws["inference"] as Record<string, unknown>)["adapters"] = Array.from({ length: 10 }, () => ({ source: { name: "a", urls: Array.from({ length: 1000 }, () => 7) } }));
    const answer = await postWhileProbing("/validate", review(ws));
    assertBounded("urls", answer);
    const status = denialOf(answer);
    const causes = status.details?.causes ?? [];
    assert.equal(causes.length, 21);
    assert.match(causes[20]?.message ?? "", /and 9980 more problem\(s\) not shown/);
  });

  it("a 3 MiB preset name, instance type or unknown key is refused by its length, with nothing echoed in full", async () => {
    const long = "p".repeat(MAX_BODY - 4096);
    const cases: [string, (ws: Record<string, unknown>) => void, RegExp][] = [
      ["preset", (ws) => (((ws["inference"] as Record<string, unknown>)["preset"] as Record<string, unknown>)["name"] = long), /inference\.preset\.name: must be at most 253 characters/],
      ["instance type", (ws) => ((ws["resource"] as Record<string, unknown>)["instanceType"] = long), /resource\.instanceType: must be at most 253 characters/],
      ["unknown key", (ws) => ((ws["resource"] as Record<string, unknown>)[long] = 1), /resource\["p{128}…\(\d+ more characters\)"\]: unknown field/],
    ];
    for (const [what, change, message] of cases) {
      const ws = phi3();
      change(ws);
      const answer = await postWhileProbing("/validate", review(ws));
      assertBounded(what, answer);
      assert.match(denialOf(answer).message, message, what);
    }
    // An object whose kind disagrees with request.kind: a 400 denial that quotes it clipped.
    const body = JSON.parse(review(phi3())) as { request: { object: Record<string, unknown> } };
    body.request.object["kind"] = long;
    const answer = await postWhileProbing("/validate", JSON.stringify(body));
    assertBounded("kind", answer);
    assert.match(denialOf(answer).message, /^request\.object is p{128}…\(\d+ more characters\) of kaito\.sh\/v1beta1/);
  });

  it("a hundred thousand labels or unknown fields are one problem each", async () => {
    const labels = phi3();
    (labels["metadata"] as Record<string, unknown>)["labels"] = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const unknown = phi3();
    Object.assign(unknown["resource"] as Record<string, unknown>, Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])));
    for (const [what, ws, message] of [
      ["labels", labels, /metadata\.labels: must have at most 256 entries \(has 100000\)/],
      ["unknown fields", unknown, /resource: has 100000 unknown fields/],
    ] as const) {
      const answer = await postWhileProbing("/validate", review(ws));
      assertBounded(what, answer);
      assert.match(denialOf(answer).message, message);
    }
  });

  it("3 MiB of nested lists or objects is refused before it is parsed; a body only somewhat too deep gets its denial with the path", async () => {
    const template = review({ ...phi3(), extra: "@@" });
    const room = MAX_BODY - 4096 - template.length;
    for (const [what, deep] of [
      ["lists", "[".repeat(room / 2) + "]".repeat(room / 2)],
      ["objects", '{"a":'.repeat(Math.floor(room / 6)) + "1" + "}".repeat(Math.floor(room / 6))],
    ] as const) {
      const answer = await postWhileProbing("/validate", template.replace('"@@"', deep));
      assertBounded(what, answer);
      assert.equal(answer.status, 400, `${what}: ${answer.body.slice(0, 200)}`);
      assert.match(answer.body, /nests arrays and objects more than 256 levels deep/, what);
    }
    // 150 levels: within what the body reader parses, past the request's limit of 100.
    const status = denialOf(await postWhileProbing("/validate", template.replace('"@@"', "[".repeat(150) + "]".repeat(150)).padEnd(70_000, " ")));
    assert.match(status.message, /request\.object\.extra(\[0\])+: nested deeper than 100 levels/);
  });

  it("a malformed oldObject is refused with its field path, not an internal error", async () => {
    const old = phi3();
    (old["resource"] as Record<string, unknown>)["instanceType"] = 42;
    // /validate reads oldObject (immutable fields); /mutate does not look at it.
    const status = denialOf(await postWhileProbing("/validate", review(phi3(), old)));
    assert.equal(status.code, 422, status.message);
    assert.deepEqual(
      status.details?.causes?.map((c) => c.field),
      ["oldObject.resource.instanceType"],
    );
  });

  it("a uid longer than any the API server sends gets HTTP 400, not an echo", async () => {
    const body = JSON.parse(review(phi3())) as { request: { uid: string } };
    body.request.uid = "u".repeat(100_000);
    const answer = await postWhileProbing("/validate", JSON.stringify(body));
    assert.equal(answer.status, 400);
    assert.ok(answer.body.length < 1024, answer.body.slice(0, 200));
  });

  it("no log line of all the above passes the bound", () => {
    const text = logText();
    assert.ok(lines().length > 5);
    for (const line of text.split("\n")) assert.ok(line.length <= MAX_LOG_LINE_BYTES, `a log line of ${line.length} bytes: ${line.slice(0, 200)}`);
    assert.ok(lines().some((l) => l["msg"] === "admission denied"));
  });

  it("a request whose body stops arriving gets a JSON 408 at the request timeout, not 30 s later", async () => {
    const { socket, received, closed } = await rawConnection(handle.address.port, ca);
    const started = performance.now();
    socket.write("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"kind\":");
    await closed;
    const ms = performance.now() - started;
    assert.match(received(), /^HTTP\/1\.1 408 /);
    assert.match(received(), /"reason":"Timeout"/);
    assert.ok(ms >= 550 && ms < 3000, `answered after ${Math.round(ms)} ms; the bound is 600 ms`);
  });
});
