// npm run bench:hostile: the requests of issue 12 built to cost a replica the most, each sent to
// a fresh `kaito-gitops serve` (the bundled CLI, shipped settings) that has answered one valid
// review, while a probe asks /healthz in a loop. Prints per request: time to answer, answer size, the longest probe wait, and the
// server's peak RSS (VmHWM), beside the targets (answer < 1 s, < 64 KiB, RSS < 200 MiB; a long
// name answered < 50 ms). Each body also goes to a fresh node floor (floors.ts: a bare HTTPS server
// that reads and parses it and answers with its uid), the same way: what moving and parsing those
// bytes costs before any of our work.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCertDir } from "../../certs/dir-writer.js";
import { issueBundle } from "../../certs/issue.js";
import { Agent } from "node:https";
import { connect } from "node:tls";
import { httpsPost, sleep } from "../webhook/harness.js";
import { admissionReview, phi3 } from "../webhook/review.js";
import { startServe } from "../webhook/serve-process.js";
import { startFloor } from "./floors.js";
import { fmt, peakRssMiB, printTable } from "./measure.js";

const BODY = 3 * 1024 * 1024 - 4096;

type Change = (ws: Record<string, unknown>) => void;
const inference = (ws: Record<string, unknown>): Record<string, unknown> => ws["inference"] as Record<string, unknown>;
const resource = (ws: Record<string, unknown>): Record<string, unknown> => ws["resource"] as Record<string, unknown>;
const many = (item: unknown): unknown[] => Array.from({ length: Math.floor(BODY / (JSON.stringify(item).length + 1)) }, () => item);
const long = "p".repeat(BODY);
// Too deep for JSON.stringify to write: placeholders, replaced in the body's text.
const DEEP_LISTS = "@@deep-lists@@";
const DEEP_OBJECTS = "@@deep-objects@@";

/** The body's text with a placeholder replaced by nesting that fills it up to BODY bytes. */
function deepened(text: string): string {
  const room = BODY - text.length;
  if (text.includes(`"${DEEP_LISTS}"`)) return text.replace(`"${DEEP_LISTS}"`, "[".repeat(room / 2) + "]".repeat(room / 2));
  if (!text.includes(`"${DEEP_OBJECTS}"`)) return text;
  const levels = Math.floor(room / 6);
  return text.replace(`"${DEEP_OBJECTS}"`, '{"a":'.repeat(levels) + "1" + "}".repeat(levels));
}

const CASES: readonly [string, Change][] = [
  ["valid phi-3 (baseline)", () => undefined],
  ["3 MiB of wrong-typed adapters", (ws) => (inference(ws)["adapters"] = many(1))],
  ["3 MiB of adapter objects", (ws) => (inference(ws)["adapters"] = many({ source: { urls: [1] } }))],
  ["10 adapters x 1000 wrong urls", (ws) => (inference(ws)["adapters"] = Array.from({ length: 10 }, () => ({ source: { name: "a", urls: Array.from({ length: 1000 }, () => 7) } })))],
  ["3 MiB preset name", (ws) => ((inference(ws)["preset"] as Record<string, unknown>)["name"] = long)],
  ["3 MiB instance type", (ws) => (resource(ws)["instanceType"] = long)],
  ["3 MiB unknown field name", (ws) => (resource(ws)[long] = 1)],
  ["253-char unknown preset", (ws) => ((inference(ws)["preset"] as Record<string, unknown>)["name"] = "q".repeat(253))],
  ["3 MiB of nested lists", (ws) => (resource(ws)["extra"] = DEEP_LISTS)],
  ["3 MiB of nested objects", (ws) => (resource(ws)["extra"] = DEEP_OBJECTS)],
  ["100k labels", (ws) => ((ws["metadata"] as Record<string, unknown>)["labels"] = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])))],
  ["100k unknown fields", (ws) => Object.assign(resource(ws), Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])))],
];

const floorCertDir = await mkdtemp(join(tmpdir(), "kaito-gitops-bench-hostile-"));
const floorCerts = issueBundle({ service: "floor", namespace: "bench", ipAddresses: ["127.0.0.1"] }, new Date());
await writeCertDir(floorCertDir, floorCerts);

/** Time for a fresh node floor to answer the body on a fresh connection, after one small request. */
async function floorMs(body: string): Promise<number> {
  const floor = await startFloor("node", floorCertDir);
  try {
    const url = `https://127.0.0.1:${floor.port}`;
    const tls = { ca: floorCerts.caCert, servername: "floor.bench.svc" };
    await httpsPost(url, "/mutate", JSON.stringify(admissionReview({ object: phi3() })), tls);
    const started = performance.now();
    const answer = await httpsPost(url, "/mutate", body, tls);
    if (answer.status !== 200) throw new Error(`the node floor answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return performance.now() - started;
  } finally {
    await floor.stop();
  }
}

const rows: string[][] = [];
for (const [name, change] of CASES) {
  const ws = phi3();
  change(ws);
  const body = deepened(JSON.stringify(admissionReview({ object: ws })));
  const serve = await startServe(["--port", "0", "--host", "127.0.0.1", "--no-controller"]);
  const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
  const url = `https://127.0.0.1:${serve.port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // A replica that has served before: one valid review first, so the figure is this request's
  // cost and not the first request's compilation.
  await httpsPost(url, "/validate", JSON.stringify(admissionReview({ object: phi3() })), { ca, servername: "localhost" });
  const rssBefore = peakRssMiB(serve.child.pid ?? 0);
  let probing = true;
  let longestProbe = 0;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      await httpsPost(url, "/healthz", "", { ca, servername: "localhost", agent, method: "GET" });
      longestProbe = Math.max(longestProbe, performance.now() - started);
      await sleep(5);
    }
  })();
  await sleep(50);
  const started = performance.now();
  const answer = await httpsPost(url, "/validate", body, { ca, servername: "localhost" });
  const ms = performance.now() - started;
  probing = false;
  await probe;
  agent.destroy();
  const rss = peakRssMiB(serve.child.pid ?? 0);
  serve.child.kill("SIGTERM");
  await serve.exited;
  const allowed = answer.status === 200 ? String((JSON.parse(answer.body) as { response: { allowed: boolean } }).response.allowed) : `HTTP ${answer.status}`;
  const floor = await floorMs(body);
  rows.push([name, fmt(Buffer.byteLength(body) / 1024, 0), allowed, fmt(ms, 1), fmt(floor, 1), fmt(answer.body.length / 1024, 1), fmt(longestProbe, 1), fmt(rssBefore, 0), fmt(rss, 0)]);
}
await rm(floorCertDir, { recursive: true, force: true });
console.log("POST /validate to a fresh `kaito-gitops serve` per request (after one valid review), /healthz probed meanwhile; the same body to a fresh node floor");
printTable(["request", "body KiB", "allowed", "answer ms", "node floor ms", "answer KiB", "probe max ms", "RSS idle MiB", "RSS peak MiB"], rows);
console.log("targets: answer < 1000 ms (a name < 50 ms), answer < 64 KiB, RSS peak < 200 MiB");

// Held at once: connections that each declare kube-apiserver's largest body, send all of it but
// the last byte, and wait; side by side with the shipped bound and with the bound lifted.
const STALLED = 150;
const held: string[][] = [];
for (const [label, extra] of [
  ["shipped bound", []],
  ["bound lifted (1 GiB)", ["--max-inflight-body-bytes", String(1024 * 1024 * 1024)]],
] as const) {
  const serve = await startServe(["--port", "0", "--host", "127.0.0.1", "--no-controller", ...extra]);
  const ca = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
  const size = 3 * 1024 * 1024;
  const sockets = await Promise.all(
    Array.from({ length: STALLED }, async () => {
      const socket = connect({ host: "127.0.0.1", port: serve.port, ca, servername: "localhost" });
      await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
      socket.on("error", () => undefined);
      socket.write(`POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      socket.write(Buffer.alloc(size - 1, 0x20));
      return { socket };
    }),
  );
  await sleep(3000);
  const probe = await httpsPost(`https://127.0.0.1:${serve.port}`, "/healthz", "", { ca, servername: "localhost", method: "GET" });
  // Counted by the server: a client writing its body may lose the 429 to the connection's close.
  const metrics = await httpsPost(`https://127.0.0.1:${serve.port}`, "/metrics", "", { ca, servername: "localhost", method: "GET" });
  const refused = /^webhook_requests_refused_busy_total (\d+)$/m.exec(metrics.body)?.[1] ?? "?";
  const rss = peakRssMiB(serve.child.pid ?? 0);
  for (const s of sockets) s.socket.destroy();
  serve.child.kill("SIGTERM");
  await serve.exited;
  held.push([label, String(STALLED), refused, String(probe.status), fmt(rss, 0)]);
}
console.log(`\n${STALLED} connections each holding a 3 MiB body but its last byte (the pod's memory limit is 512 MiB)`);
printTable(["server", "uploads", "refused 429", "probe", "RSS peak MiB"], held);
console.log("target: RSS peak < 200 MiB with the shipped bound");
