// A small REST client over the credentials of a client-node KubeConfig. The controller makes
// few kinds of request (list, server-side apply, status apply, delete, Lease get/create/update),
// for kinds known in advance (resources.ts); a direct client gives it the status subresource
// and apply for custom resources without discovery round-trips, and tags every request with
// its RBAC verb and resource, which is what rbac.ts, the request counters and the tests read.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { RequestOptions as HttpsRequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { collectionPath, objectPath } from "./resources.js";
import type { ResourceType } from "./resources.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";

const METHOD: Record<Verb, string> = { get: "GET", list: "GET", watch: "GET", create: "POST", update: "PUT", patch: "PATCH", delete: "DELETE" };

export const APPLY_PATCH = "application/apply-patch+yaml";

export interface KubeRequest {
  readonly verb: Exclude<Verb, "watch">;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: "status";
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** defaults to application/json */
  readonly contentType?: string;
  /**
   * Bound on the whole exchange, connect to last byte (default REQUEST_TIMEOUT_MS, which only
   * bounds idle time): admission reads must answer well inside the webhook's timeoutSeconds.
   */
  readonly timeoutMs?: number;
  /** Largest response body accepted; a larger one is cut off and the request fails. */
  readonly maxResponseBytes?: number;
}

/** One request as RBAC sees it, for counters and tests. */
export interface RequestRecord {
  readonly verb: Verb;
  readonly group: string;
  /** plural, with "/status" for the subresource */
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  /** HTTP status; 0 when no response came back */
  readonly code: number;
  readonly durationMs: number;
}

export type RequestObserver = (record: RequestRecord) => void;

/** A non-2xx answer (or none at all: code 0). */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    /** the Status reason (Conflict, NotFound, ...) when the server sent one */
    readonly reason: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.code === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.code === 409;

/**
 * Errors that retrying cannot fix (bad request, forbidden, no such resource type, invalid):
 * they are reported as a failed stage in the status instead of as "still trying".
 */
export function isPermanent(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  return err.code >= 400 && err.code < 500 && ![408, 409, 429].includes(err.code);
}

export interface KubeClient {
  request<T>(req: KubeRequest): Promise<T>;
  /** the API server's URL, for logs */
  readonly server: string;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 30_000;

interface Status {
  kind?: string;
  reason?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
}

export function createKubeClient(config: KubeConfig, observe?: RequestObserver): KubeClient {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig names no current cluster");
  const server = cluster.server.replace(/\/+$/, "");
  const secure = server.startsWith("https:");
  let agent: HttpAgent | undefined;

  const send = async (req: KubeRequest): Promise<{ code: number; text: string; headers: IncomingMessage["headers"] }> => {
    // Applied per request: token files (in-cluster, exec plugins) are re-read when they rotate.
    const opts: HttpsRequestOptions = {};
    await config.applyToHTTPSOptions(opts);
    agent ??= secure
      ? new HttpsAgent({
          keepAlive: true,
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
          ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
          ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
        })
      : new HttpAgent({ keepAlive: true });
    const path = req.name === undefined ? collectionPath(req.type, req.namespace) : objectPath(req.type, req.name, req.namespace);
    const url = new URL(`${server}${path}${req.subresource ? `/${req.subresource}` : ""}`);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: OutgoingHttpHeaders = { ...headerObject(opts.headers), Accept: "application/json" };
    if (opts.auth) headers["Authorization"] = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    if (body !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(body);
    }
    const maxBytes = req.maxResponseBytes ?? Infinity;
    return new Promise((resolve, reject) => {
      const r = (secure ? httpsRequest : httpRequest)(url, { method: METHOD[req.verb], headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on("data", (c: Buffer) => {
          received += c.length;
          if (received > maxBytes) {
            fail(new Error(`the answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
        res.on("error", reject);
      });
      // A deadline for the whole exchange, beside the socket's idle timeout.
      const deadline = req.timeoutMs === undefined ? undefined : setTimeout(() => fail(new Error(`no complete answer within ${req.timeoutMs} ms`)), req.timeoutMs);
      // Rejected before the socket is torn down, so the reason is ours, not "socket hang up".
      function fail(err: Error): void {
        reject(err);
        r.destroy(err);
      }
      r.on("close", () => clearTimeout(deadline));
      r.on("timeout", () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      r.on("error", reject);
      r.end(body);
    });
  };

  return {
    server,
    close: () => agent?.destroy(),
    async request<T>(req: KubeRequest): Promise<T> {
      const started = performance.now();
      let code = 0;
      try {
        const res = await withDeadline(send(req), req.timeoutMs).catch((err: unknown) => {
          throw new KubeApiError(0, undefined, `${METHOD[req.verb]} ${describe(req)}: ${err instanceof Error ? err.message : String(err)}`);
        });
        code = res.code;
        const parsed = parseJson(res.text);
        if (code >= 200 && code < 300) return parsed as T;
        const status = (parsed ?? {}) as Status;
        const retryAfter = Number(res.headers["retry-after"] ?? status.details?.retryAfterSeconds);
        throw new KubeApiError(
          code,
          status.reason,
          `${METHOD[req.verb]} ${describe(req)}: ${code} ${status.reason ?? ""} ${status.message ?? res.text.slice(0, 300)}`.replace(/\s+/g, " ").trim(),
          Number.isFinite(retryAfter) ? retryAfter : undefined,
        );
      } finally {
        observe?.({
          verb: req.verb,
          group: req.type.group,
          resource: req.subresource ? `${req.type.plural}/${req.subresource}` : req.type.plural,
          namespace: req.namespace,
          name: req.name,
          code,
          durationMs: performance.now() - started,
        });
      }
    },
  };
}

/**
 * The whole of `work` within `ms`, credentials included (an exec plugin may run a command before
 * the request starts); the request's own timer tears its socket down.
 */
function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no complete answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The kubeconfig's headers (Authorization) as an object; client-node never sets the raw-array form. */
function headerObject(headers: HttpsRequestOptions["headers"]): OutgoingHttpHeaders {
  return headers !== undefined && !isStringArray(headers) ? headers : {};
}

const isStringArray = (value: unknown): value is readonly string[] => Array.isArray(value);

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(req: KubeRequest): string {
  const kind = req.subresource ? `${req.type.kind} ${req.subresource}` : req.type.kind;
  const name = req.name === undefined ? "" : ` ${req.namespace ? `${req.namespace}/` : ""}${req.name}`;
  return `${kind}${name}`;
}
