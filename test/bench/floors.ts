// The floors the benchmarks compare the webhook with, each run as its own process:
//   express  the settings and body parser an express app serving admission reviews would have,
//            on the webhook's HTTPS server (the webhook was one until it dropped express; the
//            issue's throughput target is measured against it), answering with the uid
//   node     a bare node:https handler with the webhook's TLS settings that reads the body (same
//            3 MiB cap), parses it and answers with the uid: what TLS, HTTP and JSON cost in Node
// Both parse the body, because no webhook can answer without the request's uid. As a program,
// `floors.js express|node CERT_DIR` prints {"port":N} and serves until its stdin closes. It loads
// only what it measures, so a floor's RSS is not inflated by a load generator or the domain.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express from "express";
import type { Express, RequestHandler } from "express";
import { loadCertDir } from "../../certs/dir-loader.js";
import { DEFAULT_MAX_BODY_BYTES } from "../../webhook/http/json-body.js";
import { SERVER_TIMEOUTS, createWebhookServer, secureContextOptions } from "../../webhook/server.js";

export type FloorKind = "express" | "node";

/** This module as a program, for spawning a floor. */
export const FLOOR_SCRIPT = fileURLToPath(import.meta.url);

/**
 * Settings every express app serving admission reviews should have. ETags would hash every
 * response for a client that never revalidates; the query string (?timeout=10s) is not needed.
 */
function configureExpress(app: Express): void {
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", false);
}

/**
 * JSON objects and arrays only, no compressed bodies (the API server never compresses, and
 * inflating is where size limits get dodged).
 */
function admissionBodyParser(maxBodyBytes: number): RequestHandler {
  return express.json({ limit: maxBodyBytes, strict: true, inflate: false, type: "application/json" });
}

/** A floor server: prints {"port":N}, serves until stdin closes. */
async function serveFloor(kind: FloorKind, certDir: string): Promise<void> {
  const certs = await loadCertDir(certDir);
  const answer = (uid: unknown): string => JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid, allowed: true } });
  const uidOf = (body: unknown): unknown => (body as { request?: { uid?: unknown } } | null)?.request?.uid;
  let listening: Promise<AddressInfo>;
  let close: () => void;
  if (kind === "express") {
    const app = express();
    configureExpress(app);
    app.post("/mutate", admissionBodyParser(DEFAULT_MAX_BODY_BYTES), (req, res) => {
      res.type("application/json").send(answer(uidOf(req.body)));
    });
    const server = createWebhookServer(app, certs);
    listening = server.listen(0, "127.0.0.1");
    close = () => void server.shutdown(1000).then(() => process.exit(0));
  } else {
    const server = createHttpsServer(secureContextOptions(certs), (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > DEFAULT_MAX_BODY_BYTES) {
          res.writeHead(400).end();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        let uid: unknown;
        try {
          uid = uidOf(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch {
          res.writeHead(400).end();
          return;
        }
        const body = answer(uid);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
      });
    });
    server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs;
    server.headersTimeout = SERVER_TIMEOUTS.headersMs;
    server.requestTimeout = SERVER_TIMEOUTS.requestMs;
    listening = new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)));
    close = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
  }
  const { port } = await listening;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.stdin.resume();
  process.stdin.on("end", close);
}

export interface RunningFloor {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** A floor in its own process (`node floors.js KIND CERT_DIR`), once it listens. */
export function startFloor(kind: FloorKind, certDir: string): Promise<RunningFloor> {
  const child = spawn(process.execPath, [FLOOR_SCRIPT, kind, certDir], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d: string) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith('{"port"'));
      if (line === undefined) return;
      resolve({
        child,
        port: (JSON.parse(line) as { port: number }).port,
        stop: async () => {
          child.stdin.end();
          await exited;
        },
      });
    });
    child.on("exit", (code) => reject(new Error(`the ${kind} floor exited with ${code}:\n${err}`)));
  });
}

if (process.argv[1] === FLOOR_SCRIPT) {
  const [kind, certDir] = process.argv.slice(2);
  if ((kind !== "express" && kind !== "node") || certDir === undefined) throw new Error("usage: floors.js express|node CERT_DIR");
  await serveFloor(kind, certDir);
}
