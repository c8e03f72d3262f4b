// The HTTPS server around the express app: TLS 1.2 or later with forward-secret AEAD ciphers
// only, certificates swapped in place (setSecureContext: open connections keep theirs, new ones
// get the new one), timeouts that suit kube-apiserver as a client, and a bounded drain.
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { RequestListener, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { SecureContextOptions } from "node:tls";
import type { ServingCerts } from "../certs/index.js";

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
 * The answer to a request not answered within the request timeout: a metav1.Status as JSON, as
 * every other answer of ours (Node's own 408 is an empty plain-text response).
 */
function answerTimedOut(res: ServerResponse, ms: number): void {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `the request was not received and answered within ${ms / 1000} s`,
    reason: "Timeout",
    code: 408,
  });
  res.writeHead(408, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}

export function createWebhookServer(listener: RequestListener, certs: ServingCerts, timeouts: Partial<ServerTimeouts> = {}): WebhookServer {
  const limits: ServerTimeouts = { ...SERVER_TIMEOUTS, ...timeouts };
  const pending = new Set<ServerResponse>();
  let draining = false;
  // One listener, and the bookkeeping runs before the app: the app answers some requests
  // synchronously (probes, 404, 405, a refused body), so a header set by a listener that runs
  // after it would be set on a response already sent, which throws and takes the process down.
  const tracked: RequestListener = (req, res) => {
    pending.add(res);
    if (draining) res.setHeader("Connection", "close");
    // The request timeout, on time and with a JSON answer; Node's own (below) stays as the
    // backstop for a request whose headers never complete.
    const timer = setTimeout(() => {
      if (!res.headersSent) answerTimedOut(res, limits.requestMs);
      else res.destroy();
    }, limits.requestMs);
    res.once("close", () => {
      clearTimeout(timer);
      pending.delete(res);
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
  server.keepAliveTimeout = limits.keepAliveMs;
  server.headersTimeout = limits.headersMs;
  // Later than ours by a check interval, so a request with headers gets our JSON answer.
  server.requestTimeout = limits.requestMs + limits.checkEveryMs;

  // Sockets from the TCP accept on, so a shutdown can also end connections stuck in a handshake.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const startDraining = (): void => {
    draining = true;
    for (const res of pending) if (!res.headersSent) res.setHeader("Connection", "close");
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
    startDraining,
    shutdown(timeoutMs) {
      startDraining();
      shutdown ??= drain(server, sockets, timeoutMs);
      return shutdown;
    },
  };
}

function drain(server: Server, sockets: Set<Socket>, timeoutMs: number): Promise<ShutdownReport> {
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
      for (const socket of sockets) socket.destroy();
      finish(forced === 0, forced);
    }, timeoutMs);
  });
}
