// Hostile and malformed input against the real HTTPS server: hundreds of generated bodies, none
// may crash it or get a 500; each gets HTTP 400 with a JSON Status, or (when the review names a
// uid) a well-formed AdmissionReview. Afterwards a good request is still answered correctly.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect } from "node:tls";
import { gzipSync } from "node:zlib";
import request from "supertest";
import { createLogger, selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import type { WebhookHandle } from "../../webhook/index.js";
import { expand, expandOptions } from "../../workspace/index.js";
import { rawConnection, WANTED } from "./harness.js";
import { applyReviewPatch } from "../helpers/patch.js";
import { admissionReview, phi3, asKubectlApplied } from "./review.js";

const LIMIT = 256 * 1024;

interface Case {
  name: string;
  body: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
  path?: "/mutate" | "/validate";
}

const good = (): Record<string, unknown> => admissionReview({ object: asKubectlApplied(phi3()), uid: "11111111-2222-4333-8444-555555555555" });
const goodText = JSON.stringify(good());

/** Every path of a JSON value, objects and arrays included, as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

function deleteAt(root: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: Record<string | number, unknown> = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

function generateCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, body: string | Buffer, extra: Partial<Case> = {}): void => {
    cases.push({ name, body, ...extra });
  };

  // Truncated JSON at 40 places through the body.
  for (let i = 1; i <= 40; i += 1) {
    const at = Math.floor((goodText.length * i) / 41);
    add(`truncated at ${at}`, goodText.slice(0, at));
  }
  // Not objects at all.
  for (const text of ["1", "-0", "1e999", '"review"', "null", "true", "false", "[]", "[{}]", "[null]", JSON.stringify([good()]), "{}", "{ }", "\ufeff{}", "NaN", "undefined", "{'a':1}", "{\"a\":1,}", "{\"a\" 1}", "[1,2", "\u0000", " "]) {
    add(`non-review ${JSON.stringify(text).slice(0, 30)}`, text);
  }
  // Deep nesting: bare, and inside a review that names a uid.
  for (const depth of [1_000, 10_000, 100_000]) {
    add(`array nested ${depth}`, "[".repeat(depth) + "]".repeat(depth));
    add(`object nested ${depth}`, '{"a":'.repeat(depth) + "1" + "}".repeat(depth));
  }
  for (const depth of [150, 5_000]) {
    const object = phi3();
    (object["metadata"] as Record<string, unknown>)["annotations"] = { deep: "x" };
    const text = JSON.stringify(admissionReview({ object })).replace('"deep":"x"', `"deep":${"[".repeat(depth)}${"]".repeat(depth)}`);
    add(`review with a value nested ${depth}`, text);
  }
  // Over the size limit: one big string, many small fields, and a lying Content-Length.
  add("huge string over the limit", JSON.stringify(admissionReview({ object: { ...phi3(), metadata: { name: "x", annotations: { a: "x".repeat(LIMIT) } } } })));
  add("many fields over the limit", JSON.stringify({ ...good(), padding: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }));
  add("just over the limit of whitespace", " ".repeat(LIMIT + 1) + "{}");
  // Wrong types at every path of a good review (values chosen to break naive code).
  const hostileValues: unknown[] = [null, 0, -1, 1.5e308, true, "", "x".repeat(300), [], [1, "a"], {}, { $ref: "#" }];
  const review = good();
  const paths = pathsOf(review);
  for (const [i, path] of paths.entries()) {
    const value = hostileValues[i % hostileValues.length];
    add(`${path.join(".")} = ${JSON.stringify(value)?.slice(0, 20)}`, JSON.stringify(setAt(review, path, value)));
    if (i % 3 === 0) add(`${path.join(".")} removed`, JSON.stringify(deleteAt(review, path)));
  }
  // Prototype pollution attempts, plain and with escaped keys.
  const proto = [
    '{"__proto__":{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","polluted":true}}',
    goodText.replace('"request":{', '"request":{"__proto__":{"polluted":true},'),
    goodText.replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},'),
    goodText.replace('"labelSelector":{', '"labelSelector":{"__proto__":{"polluted":true},'),
    goodText.replace('"metadata":{', '"metadata":{"labels":{"__proto__":"x"},'),
    goodText.replace('"metadata":{', '"metadata":{"labels":{"\\u005f_proto__":{"polluted":true}},'),
    goodText.replace('"metadata":{', '"metadata":{"constructor":{"prototype":{"polluted":true}},'),
    goodText.replace('"metadata":{', '"metadata":{"labels":{"constructor":"x","prototype":"y","hasOwnProperty":"z","toString":"w"},'),
    goodText.replace('"inference":{', '"inference":{"template":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},'),
    goodText.replace('"request":{', '"request":{"constructor":{"prototype":{"polluted":true}},'),
    goodText.replace('"userInfo":{', '"userInfo":{"__proto__":{"username":"root"},'),
  ];
  for (const [i, text] of proto.entries()) add(`prototype pollution ${i}`, text);
  // Envelope mistakes.
  for (const [apiVersion, kind] of [
    ["admission.k8s.io/v1beta1", "AdmissionReview"],
    ["admission.k8s.io/v2", "AdmissionReview"],
    ["v1", "AdmissionReview"],
    ["admission.k8s.io/v1", "Admissionreview"],
    ["admission.k8s.io/v1", "Status"],
    [undefined, undefined],
  ]) {
    add(`envelope ${String(apiVersion)} ${String(kind)}`, JSON.stringify({ ...good(), apiVersion, kind }));
  }
  for (const uid of [undefined, null, "", 42, ["a"], { a: 1 }]) {
    const r = good();
    (r["request"] as Record<string, unknown>)["uid"] = uid;
    add(`uid ${JSON.stringify(uid)}`, JSON.stringify(r));
  }
  for (const operation of ["create", "PATCH", "", null, 1]) {
    const r = good();
    (r["request"] as Record<string, unknown>)["operation"] = operation;
    add(`operation ${JSON.stringify(operation)}`, JSON.stringify(r));
  }
  // Content types and encodings the API server never sends.
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/yaml", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/json; charset=utf-16", "application/jsonx", null]) {
    add(`content-type ${String(type)}`, goodText, { contentType: type });
  }
  add("gzip body", gzipSync(goodText), { headers: { "content-encoding": "gzip" } });
  add("empty body", "");
  add("invalid utf-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
  add("nul bytes", Buffer.alloc(64));
  add("yaml instead of json", "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\n", { contentType: "application/json" });
  // Every case to /validate as well as /mutate for a tenth of them.
  const validateToo = cases.filter((_, i) => i % 10 === 0).map((c) => ({ ...c, name: `${c.name} (validate)`, path: "/validate" as const }));
  return [...cases, ...validateToo];
}

let handle: WebhookHandle;
let ca: string;

before(async () => {
  handle = await startWebhook({
    certificates: selfSignedCertificates(WANTED),
    port: 0,
    host: "127.0.0.1",
    maxBodyBytes: LIMIT,
    logger: createLogger({ level: "silent" }),
  });
  await handle.ready();
  ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
});
after(async () => {
  await handle.close();
});

function post(path: string, body: string | Buffer, contentType: string | null | undefined, headers: Record<string, string> = {}): request.Test {
  let req = request(handle.url).post(path).ca(ca).set(headers);
  if (contentType !== null) req = req.set("Content-Type", contentType ?? "application/json");
  return req.send(body);
}

describe("bad input", () => {
  const cases = generateCases();

  it(`survives ${cases.length} generated hostile bodies: 400 JSON or a well-formed AdmissionReview, never 5xx`, async () => {
    assert.ok(cases.length >= 200, `only ${cases.length} cases`);
    const outcomes = new Map<string, number>();
    for (const c of cases) {
      const res = await post(c.path ?? "/mutate", c.body, c.contentType, c.headers);
      const what = `${c.name}: HTTP ${res.status} ${res.text.slice(0, 300)}`;
      assert.ok(res.status === 200 || res.status === 400, what);
      assert.match(String(res.headers["content-type"]), /^application\/json/, what);
      const body = JSON.parse(res.text) as Record<string, unknown>;
      if (res.status === 400) {
        assert.equal(body["kind"], "Status", what);
        assert.equal(body["code"], 400, what);
        assert.equal(typeof body["message"], "string", what);
        outcomes.set("400", (outcomes.get("400") ?? 0) + 1);
        continue;
      }
      assert.equal(body["apiVersion"], "admission.k8s.io/v1", what);
      assert.equal(body["kind"], "AdmissionReview", what);
      const response = body["response"] as { uid: unknown; allowed: unknown; status?: { code: number; message: string } };
      assert.equal(typeof response.uid, "string", what);
      assert.equal(typeof response.allowed, "boolean", what);
      // A fault of the webhook would show as code 500: malformed input must never get that far.
      assert.notEqual(response.status?.code, 500, what);
      outcomes.set(response.allowed ? "allowed" : "denied", (outcomes.get(response.allowed ? "allowed" : "denied") ?? 0) + 1);
    }
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined, "Object.prototype untouched");
    assert.equal(Object.hasOwn(Object.prototype, "polluted"), false);
    assert.ok((outcomes.get("400") ?? 0) > 50 && (outcomes.get("denied") ?? 0) > 20, JSON.stringify([...outcomes]));
  });

  it("and then still answers a good request correctly", async () => {
    const review = good();
    const res = await post("/mutate", JSON.stringify(review), undefined);
    assert.equal(res.status, 200);
    const response = (res.body as { response: { uid: string; allowed: boolean; patch: string } }).response;
    assert.equal(response.uid, "11111111-2222-4333-8444-555555555555");
    assert.equal(response.allowed, true);
    const object = (review["request"] as { object: Record<string, unknown> }).object;
    const patched = applyReviewPatch(object, response.patch);
    assert.deepEqual(patched, expand(object, expandOptions()).workspace);
    const ready = await request(handle.url).get("/readyz").ca(ca);
    assert.equal(ready.status, 200);
  });

  it("answers the cases the issue names with the reason", async () => {
    const reason = async (body: string, contentType?: string | null): Promise<string> => {
      const res = await post("/mutate", body, contentType);
      assert.equal(res.status, 400, res.text);
      return String((res.body as { message: string }).message);
    };
    assert.match(await reason("{not json"), /not valid JSON/);
    assert.match(await reason(" ".repeat(LIMIT + 1)), new RegExp(`larger than the limit of ${LIMIT} bytes`));
    assert.match(await reason(JSON.stringify({ ...good(), apiVersion: "admission.k8s.io/v1beta1" })), /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview/);
    const noUid = good();
    delete (noUid["request"] as Record<string, unknown>)["uid"];
    assert.match(await reason(JSON.stringify(noUid)), /request\.uid: expected a non-empty string/);
    assert.match(await reason(goodText, "text/plain"), /expected a JSON body with Content-Type: application\/json, got "text\/plain"/);
    assert.match(await reason(goodText, null), /Content-Type/);
  });

  it("denies, with the uid, a review whose object hides a __proto__ key or nests too deep", async () => {
    const res = await post("/mutate", goodText.replace('"metadata":{', '"metadata":{"labels":{"\\u005f_proto__":{"polluted":true}},'), undefined);
    assert.equal(res.status, 200);
    const response = (res.body as { response: { uid: string; allowed: boolean; status: { code: number; message: string } } }).response;
    assert.equal(response.uid, "11111111-2222-4333-8444-555555555555");
    assert.equal(response.allowed, false);
    assert.equal(response.status.code, 400);
    assert.equal(response.status.message, 'request.object.metadata.labels.__proto__: the key "__proto__" is not allowed');
  });

  it("refuses a body over the default 3 MiB limit of kube-apiserver", async () => {
    const local = await startWebhook({ certificates: selfSignedCertificates(WANTED), port: 0, host: "127.0.0.1", logger: createLogger({ level: "silent" }) });
    try {
      const localCa = Buffer.from(local.caBundle ?? "", "base64").toString("utf8");
      const big = JSON.stringify(admissionReview({ object: { ...phi3(), metadata: { name: "x", annotations: { a: "x".repeat(3 * 1024 * 1024) } } } }));
      const res = await request(local.url).post("/mutate").ca(localCa).set("Content-Type", "application/json").send(big);
      assert.equal(res.status, 400);
      assert.match(String((res.body as { message: string }).message), /larger than the limit of 3145728 bytes/);
      const fits = JSON.stringify(admissionReview({ object: { ...phi3(), metadata: { name: "x", annotations: { a: "x".repeat(3 * 1024 * 1024 - 4096) } } } }));
      const ok = await request(local.url).post("/mutate").ca(localCa).set("Content-Type", "application/json").send(fits);
      assert.equal(ok.status, 200, "a body just under the limit is read");
    } finally {
      await local.close();
    }
  });

  it("refuses a chunked body that grows past the limit while it streams, and reads the rest off to answer", async () => {
    const { socket, received, closed } = await rawConnection(handle.address.port, ca);
    socket.write("POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const chunk = " ".repeat(64 * 1024);
    for (let sent = 0; sent <= LIMIT + chunk.length; sent += chunk.length) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    socket.end("0\r\n\r\n");
    await closed;
    assert.match(received(), /^HTTP\/1\.1 400 /);
    assert.match(received(), new RegExp(`larger than the limit of ${LIMIT} bytes`));
    assert.equal((await request(handle.url).get("/healthz").ca(ca)).status, 200);
  });

  it("survives broken HTTP on the TLS socket: garbage, a body shorter than its Content-Length, a reset", async () => {
    const { port } = handle.address;
    const raw = (payload: string, destroyAfterMs?: number): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
          socket.write(payload);
          if (destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), destroyAfterMs);
          else socket.end();
        });
        let text = "";
        socket.on("data", (d: Buffer) => (text += d.toString("utf8")));
        socket.on("close", () => resolve(text));
        socket.on("error", () => resolve(text));
      });
    assert.match(await raw("GARBAGE\r\n\r\n"), /^HTTP\/1\.1 400/);
    await raw(`POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`, 50);
    await raw(`POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, 50);
    const res = await request(handle.url).get("/healthz").ca(ca);
    assert.equal(res.status, 200);
  });
});
