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

export function createWebhookServer(listener: RequestListener, certs: ServingCerts): WebhookServer {
  const server = createServer({ ...secureContextOptions(certs), handshakeTimeout: SERVER_TIMEOUTS.handshakeMs }, listener);
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs;
  server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestMs;

  // Sockets from the TCP accept on, so a shutdown can also end connections stuck in a handshake.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const pending = new Set<ServerResponse>();
  let draining = false;
  server.on("request", (_req, res: ServerResponse) => {
    pending.add(res);
    if (draining) res.setHeader("Connection", "close");
    res.once("close", () => pending.delete(res));
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
