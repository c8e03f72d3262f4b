// Shared pieces of the webhook tests: the admission context (expand options), an app with a captured log, certificates
// issued once per file, and an HTTPS client that trusts exactly one CA.
import { request as httpsRequest } from "node:https";
import type { Agent } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { connect as tlsConnect } from "node:tls";
import type { TLSSocket } from "node:tls";
import { Writable } from "node:stream";
import { issueBundle } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { CertBundle, WantedCert } from "../../certs/types.js";
import { createApp, createLogger, createMetrics, createReadiness } from "../../webhook/index.js";
import type { AdmissionContext, AdmissionReview, Logger, WebhookMetrics, Readiness } from "../../webhook/index.js";
import { expandOptions } from "../../workspace/index.js";

import type { RequestListener } from "node:http";

export const context: AdmissionContext = { options: expandOptions() };

export const WANTED: WantedCert = {
  service: "kaito-gitops-webhook",
  namespace: "kaito-gitops-system",
  dnsNames: ["localhost"],
  ipAddresses: ["127.0.0.1"],
};
export const SERVICE_HOST = "kaito-gitops-webhook.kaito-gitops-system.svc";

/** A CA and serving certificate for WANTED, issued at call time. */
export function bundle(wanted: WantedCert = WANTED): CertBundle {
  return issueBundle(wanted, new Date(), { caKeyPem: generateRsaKeySync(), tlsKeyPem: generateRsaKeySync() });
}

/** A pino logger whose lines are kept, parsed, for assertions. */
export function capturedLogger(level: "debug" | "info" = "debug"): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level, destination: sink }), lines: () => lines };
}

export interface TestApp {
  app: RequestListener;
  metrics: WebhookMetrics;
  readiness: Readiness;
  lines: () => Record<string, unknown>[];
}

/** The request listener alone (supertest drives it over plain HTTP in memory), ready unless told. */
export function testApp(options: { maxBodyBytes?: number; context?: () => AdmissionContext | undefined; ready?: boolean } = {}): TestApp {
  const { logger, lines } = capturedLogger();
  const metrics = createMetrics({ processMetrics: false });
  const readiness = createReadiness();
  if (options.ready !== false) {
    readiness.set("certificates", true, "test");
    readiness.set("settings", true, "test");
  }
  const app = createApp({
    context: options.context ?? (() => context),
    readiness,
    metrics,
    logger,
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
  });
  return { app, metrics, readiness, lines };
}

/** response of an AdmissionReview answer, typed. */
export function responseOf(body: unknown): AdmissionReview["response"] {
  const review = body as AdmissionReview;
  if (review.apiVersion !== "admission.k8s.io/v1" || review.kind !== "AdmissionReview") {
    throw new Error(`not an AdmissionReview: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return review.response;
}

export interface HttpsResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** serial number of the certificate the server presented (hex, upper case) */
  serial: string;
  reusedSocket: boolean;
}

/**
 * One HTTPS request that trusts only `ca` and checks the name `servername` (sent as SNI, as
 * kube-apiserver does), through `agent` (keep-alive) or a fresh connection when agent is false.
 */
export function httpsPost(
  url: string,
  path: string,
  body: string,
  options: { ca: string; servername?: string; agent?: Agent | false; method?: string; headers?: Record<string, string> },
): Promise<HttpsResult> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? "POST",
        ca: options.ca,
        servername: options.servername ?? SERVICE_HOST,
        agent: options.agent ?? false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...options.headers },
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const serial = socket.getPeerCertificate().serialNumber;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), serial, reusedSocket: req.reusedSocket }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RawConnection {
  readonly socket: TLSSocket;
  /** everything the server has sent so far */
  readonly received: () => string;
  readonly closed: Promise<void>;
}

/** A bare TLS connection to a local server, for writing HTTP by hand (broken, stalled, chunked). */
export async function rawConnection(port: number, ca: string): Promise<RawConnection> {
  const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" });
  await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString("utf8")));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, received: () => received, closed };
}
