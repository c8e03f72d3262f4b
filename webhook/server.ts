// The HTTPS server around the request listener: TLS 1.2 or later with forward-secret AEAD ciphers
// only, certificates swapped in place (setSecureContext: open connections keep theirs, new ones
// get the new one), timeouts that suit kube-apiserver as a client, and a bounded drain.
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { IncomingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";
import type { ServingCerts } from "../certs/index.js";
import { DEFAULT_MAX_BODY_BYTES } from "./http/json-body.js";
import { LiveList } from "./http/live-list.js";
import { statusBody } from "./http/status-body.js";

/**
 * TLS 1.3 suites (OpenSSL picks among them itself) and, for TLS 1.2, ECDHE with AES-GCM or
 * ChaCha20 only, as Kyverno does: no static RSA key exchange, no CBC. Go's TLS client (the API
 * server) offers all of these.
 */
export const TLS_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

export const MIN_TLS_VERSION = "TLSv1.2";

/**
 * Connection timeouts. kube-apiserver's client keeps idle connections for 90 s; closing ours
 * sooner races with a request it is about to send on one, which then fails (it does not retry
 * POSTs), so the server waits longer. Headers within 32 s as controller-runtime and Pepr allow.
 */
export const SERVER_TIMEOUTS = {
  keepAliveMs: 95_000,
  headersMs: 32_000,
  requestMs: 40_000,
  handshakeMs: 10_000,
  checkEveryMs: 1_000,
} as const;

/** Everything setSecureContext needs each time: it resets what it is not given. */
export function secureContextOptions(certs: ServingCerts): SecureContextOptions {
  return {
    cert: certs.tlsCert,
    key: certs.tlsKey,
    minVersion: MIN_TLS_VERSION,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
}

export interface ShutdownReport {
  /** every in-flight request finished within the bound */
  readonly drained: boolean;
  /** connections still open at the bound and closed by force */
  readonly forcedConnections: number;
  readonly ms: number;
}

export interface WebhookServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** takes effect for new connections; open ones keep the certificate they negotiated */
  setCertificates(certs: ServingCerts): void;
  /** requests received and not yet answered */
  readonly inFlight: number;
  /** bytes of request bodies counted against maxInFlightBodyBytes now */
  readonly inFlightBodyBytes: number;
  /**
   * From now on every answer carries `Connection: close`, including those of requests already
   * in flight, so clients drop their keep-alive connections instead of reusing them.
   */
  startDraining(): void;
  /**
   * Stops accepting connections, lets in-flight requests finish (idle keep-alive connections
   * are closed as they become idle), and closes whatever is left after `timeoutMs`.
   */
  shutdown(timeoutMs: number): Promise<ShutdownReport>;
}

export type ServerTimeouts = { readonly [K in keyof typeof SERVER_TIMEOUTS]: number };

/**
 * What the server holds at once, whoever sends it. The request body limit bounds one request;
 * these bound them all together: without them, 150 connections each sending a 3 MiB body and
 * then stalling held 590 MiB (the pod's limit is 512 MiB) until the request timeout.
 */
export interface ServerLimits {
  /** bytes of request bodies being received or handled at once; a request that would pass it gets 429 at once */
  readonly maxInFlightBodyBytes: number;
  /** what a body without Content-Length (chunked) is counted as: the largest body accepted */
  readonly maxBodyBytes: number;
  /** open connections; the API server needs a few dozen, each idle TLS connection costs memory */
  readonly maxConnections: number;
}

export const SERVER_LIMITS: ServerLimits = {
  // JSON parses to up to 22 times its size (3 MiB of `[{},{},...]` is 67 MiB of heap), and a
  // review can be held while the cluster is read: 8 MiB in flight stays under 200 MiB of heap
  // whatever the bodies hold. A Workspace's review is a few KiB: hundreds fit at once.
  maxInFlightBodyBytes: 8 * 1024 * 1024,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxConnections: 1024,
};

/** A request refused for want of room: the bytes it asked for and those already taken. */
export interface BusyRefusal {
  readonly claimed: number;
  readonly inFlightBytes: number;
  readonly limit: number;
}

/** Bytes a request's body will take while it is read and handled: what it declares, or the most it may send. */
function bodyClaim(headers: IncomingHttpHeaders, maxBodyBytes: number): number {
  const declared = headers["content-length"];
  if (declared !== undefined) {
    const length = Number(declared);
    // An over-long body is refused unread by the body parser, and a malformed length by Node.
    return Number.isSafeInteger(length) && length >= 0 ? Math.min(length, maxBodyBytes) : maxBodyBytes;
  }
  return headers["transfer-encoding"] === undefined ? 0 : maxBodyBytes;
}

function answerBusy(res: ServerResponse, refusal: BusyRefusal): void {
  const message = `too many request bodies in flight: ${refusal.inFlightBytes} bytes are being handled and this one declares ${refusal.claimed} (limit ${refusal.limit}); retry`;
  // Connection: close, as the body is left unread.
  answerAndClose(res, 429, "TooManyRequests", message, { "Retry-After": "1" }, { retryAfterSeconds: 1 });
}

/** A metav1.Status as JSON, as every other answer of ours, on a connection that closes after it. */
function answerAndClose(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}, details?: object): void {
  const body = JSON.stringify(statusBody(code, reason, message, details));
  res.writeHead(code, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}

export interface WebhookServerOptions {
  /** connection and request timeouts (SERVER_TIMEOUTS by default); tests shorten them */
  readonly timeouts?: Partial<ServerTimeouts>;
  readonly limits?: Partial<ServerLimits>;
  /** told of each request refused with 429 (for metrics and a bounded log) */
  readonly onBusy?: (refusal: BusyRefusal) => void;
}

export function createWebhookServer(listener: RequestListener, certs: ServingCerts, options: WebhookServerOptions = {}): WebhookServer {
  const limits: ServerTimeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const bounds: ServerLimits = { ...SERVER_LIMITS, ...options.limits };
  const pending = new LiveList<ServerResponse>();
  let draining = false;
  let inFlightBytes = 0;
  // One listener, and the bookkeeping runs before the app: the app answers some requests
  // synchronously (probes, 404, 405, a refused body), so a header set by a listener that runs
  // after it would be set on a response already sent, which throws and takes the process down.
  const tracked: RequestListener = (req, res) => {
    const claimed = bodyClaim(req.headers, bounds.maxBodyBytes);
    if (claimed > 0 && inFlightBytes + claimed > bounds.maxInFlightBodyBytes) {
      const refusal = { claimed, inFlightBytes, limit: bounds.maxInFlightBodyBytes };
      answerBusy(res, refusal);
      options.onBusy?.(refusal);
      return;
    }
    inFlightBytes += claimed;
    const entry = pending.add(res);
    if (draining) res.setHeader("Connection", "close");
    // The request timeout, on time and with a JSON answer; Node's own (below) stays as the
    // backstop for a request whose headers never complete.
    const timer = setTimeout(() => {
      // Node's own 408 is an empty plain-text response.
      if (!res.headersSent) answerAndClose(res, 408, "Timeout", `the request was not received and answered within ${limits.requestMs / 1000} s`);
      else res.destroy();
    }, limits.requestMs);
    res.once("close", () => {
      clearTimeout(timer);
      pending.remove(entry);
      inFlightBytes -= claimed;
    });
    listener(req, res);
  };
  const server = createServer(
    {
      ...secureContextOptions(certs),
      handshakeTimeout: limits.handshakeMs,
      // Node checks the request and headers timeouts on this interval (30 s by default), so a
      // 40 s bound would fire anywhere from 40 to 70 s; once a second keeps it on time.
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    tracked,
  );
  server.maxConnections = bounds.maxConnections;
  server.keepAliveTimeout = limits.keepAliveMs;
  server.headersTimeout = limits.headersMs;
  // Later than ours by a check interval, so a request with headers gets our JSON answer.
  server.requestTimeout = limits.requestMs + limits.checkEveryMs;

  // Sockets from the TCP accept on, so a shutdown can also end connections stuck in a handshake.
  const sockets = new LiveList<Socket>();
  server.on("connection", (socket: Socket) => {
    const entry = sockets.add(socket);
    socket.once("close", () => sockets.remove(entry));
  });
  const startDraining = (): void => {
    draining = true;
    for (const res of pending.values()) if (!res.headersSent) res.setHeader("Connection", "close");
  };
  // A client that fails the handshake (wrong CA, a port scanner) is its own problem; without a
  // listener Node would still just drop the socket, this only keeps the intent visible.
  server.on("tlsClientError", () => undefined);

  let shutdown: Promise<ShutdownReport> | undefined;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    setCertificates(next) {
      server.setSecureContext(secureContextOptions(next));
    },
    get inFlight() {
      return pending.size;
    },
    get inFlightBodyBytes() {
      return inFlightBytes;
    },
    startDraining,
    shutdown(timeoutMs) {
      startDraining();
      shutdown ??= drain(server, sockets, timeoutMs);
      return shutdown;
    },
  };
}

function drain(server: Server, sockets: LiveList<Socket>, timeoutMs: number): Promise<ShutdownReport> {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (drained: boolean, forcedConnections: number): void => {
      if (done) return;
      done = true;
      clearInterval(sweeper);
      clearTimeout(bound);
      resolve({ drained, forcedConnections, ms: Date.now() - started });
    };
    // close() stops listening and closes the connections idle right now; the 'close' event
    // comes once every connection is gone.
    server.close(() => finish(true, 0));
    // A keep-alive connection whose request finishes later turns idle then; Node does not
    // close those by itself after close(), so sweep them until the end.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const bound = setTimeout(() => {
      const forced = sockets.size;
      server.closeAllConnections();
      for (const socket of sockets.values()) socket.destroy();
      finish(forced === 0, forced);
    }, timeoutMs);
  });
}
