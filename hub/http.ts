// One bounded HTTP(S) GET: a deadline for the whole exchange, a cap on the body, redirects
// followed a few times (never carrying the Authorization header to another origin), a body shorter
// than its Content-Length reported as truncated. node:http(s) rather than fetch, so a private CA
// (a hub mirror inside the firewall, the tests' own CA) can be given per request.
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange, redirects included. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** PEM certificates to trust besides the system's (for https URLs). */
  readonly ca?: string;
  readonly maxRedirects?: number;
}

export interface GetResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

export type TransportFailure = "timeout" | "too-large" | "truncated" | "network" | "redirects";

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function boundedGet(url: string, options: GetOptions): Promise<GetResult> {
  const deadline = Date.now() + options.timeoutMs;
  let current = new URL(url);
  let headers = { ...(options.headers ?? {}) };
  const origin = current.origin;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const result = await once(current, headers, options, deadline);
    const location = result.headers.location;
    if (!REDIRECTS.has(result.status) || typeof location !== "string") return result;
    current = new URL(location, current);
    if (current.protocol !== "https:" && current.protocol !== "http:") {
      throw new TransportError("network", url, `${url}: redirected to ${current.protocol} URL, which is not followed`);
    }
    // A token for the hub is not for the CDN or anyone else a redirect points at.
    if (current.origin !== origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
  }
  throw new TransportError("redirects", url, `${url}: more than ${options.maxRedirects ?? 5} redirects`);
}

function once(url: URL, headers: Record<string, string>, options: GetOptions, deadline: number): Promise<GetResult> {
  const remaining = deadline - Date.now();
  const shown = url.href;
  if (remaining <= 0) return Promise.reject(new TransportError("timeout", shown, `${shown}: no answer within ${options.timeoutMs / 1000}s`));
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (e: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = send(url, { method: "GET", headers: { accept: "application/json", ...headers }, ...(options.ca ? { ca: options.ca } : {}) }, (res: IncomingMessage) => {
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        fail(new TransportError("too-large", shown, `${shown}: the answer is ${declared} bytes, more than the ${options.maxBytes} allowed`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(new TransportError("too-large", shown, `${shown}: the answer is larger than the ${options.maxBytes} bytes allowed`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("aborted", () => fail(new TransportError("truncated", shown, `${shown}: the connection closed before the answer was complete`)));
      res.on("error", () => fail(new TransportError("truncated", shown, `${shown}: the connection closed before the answer was complete`)));
      res.on("end", () => {
        if (settled) return;
        if (Number.isFinite(declared) && size < declared) {
          fail(new TransportError("truncated", shown, `${shown}: the answer stopped after ${size} of ${declared} bytes`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: shown });
      });
    });
    const timer = setTimeout(() => fail(new TransportError("timeout", shown, `${shown}: no complete answer within ${options.timeoutMs / 1000}s`)), remaining);
    req.on("error", (e: Error) => fail(new TransportError("network", shown, `${shown}: ${e.message}`)));
    req.end();
  });
}
