// The Hugging Face hub as `kaito-gitops models add|verify` asks it: the commit `main` points at, the
// file list and config.json at that commit. The only code that talks to the hub; renders never do.
// Bounded: a deadline per request, capped bodies, a few retries on 429/503 honouring Retry-After.
import { boundedGet, TransportError } from "./http.js";
import type { GetResult } from "./http.js";

export const DEFAULT_ENDPOINT = "https://huggingface.co";
export const DEFAULT_TIMEOUT_MS = 30_000;
/** File lists of real repositories are well under a megabyte. */
export const MAX_LIST_BYTES = 32 * 1024 * 1024;
export const MAX_INFO_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_RETRIES = 3;
/** A Retry-After longer than this is not waited for. */
export const MAX_RETRY_WAIT_MS = 60_000;

export type HubFailure = "gated" | "not-found" | "rate-limited" | "http" | "timeout" | "too-large" | "truncated" | "network" | "malformed";

export class HubError extends Error {
  constructor(
    readonly failure: HubFailure,
    message: string,
  ) {
    super(message);
    this.name = "HubError";
  }
}

export interface HubClientOptions {
  readonly endpoint?: string;
  /** A Hugging Face token; sent only to repositories that refuse anonymous requests. */
  readonly token?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly maxRetryWaitMs?: number;
  /** PEM certificates to trust besides the system's (a mirror with a private CA). */
  readonly ca?: string;
  /** Where waits and retries are reported (stderr for the CLI). */
  readonly log?: (line: string) => void;
  /** For tests: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface HubText {
  readonly text: string;
  readonly url: string;
  readonly headers: GetResult["headers"];
}

/** How long a Retry-After header asks to wait (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HubClient {
  readonly endpoint: string;
  private readonly token?: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly ca?: string;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HubClientOptions = {}) {
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    let parsed: URL;
    try {
      parsed = new URL(endpoint);
    } catch {
      throw new HubError("http", `--endpoint: not a URL: ${JSON.stringify(endpoint.slice(0, 200))}`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new HubError("http", `--endpoint: must be an http or https URL; got ${parsed.protocol}`);
    this.endpoint = parsed.href.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS;
    this.ca = options.ca;
    this.log = options.log ?? (() => {});
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get hasToken(): boolean {
    return this.token !== undefined && this.token !== "";
  }

  // KAITO lower-cases the id before building its URLs; the hub matches ids case-insensitively.
  revisionUrl = (id: string, revision = "main") => `${this.endpoint}/api/models/${id.toLowerCase()}/revision/${encodeURIComponent(revision)}`;
  treeUrl = (id: string, revision: string) => `${this.endpoint}/api/models/${id.toLowerCase()}/tree/${encodeURIComponent(revision)}?recursive=true`;
  fileUrl = (id: string, revision: string, file: string) => `${this.endpoint}/${id.toLowerCase()}/resolve/${encodeURIComponent(revision)}/${file}`;

  /**
   * GET a URL, with the token when `withToken`. 200 gives the text; 401/403 and 404 are answered
   * as `{ status }` for the caller to judge; 429/503 are retried; anything else is a HubError.
   */
  async get(url: string, maxBytes: number, withToken: boolean): Promise<HubText | { status: 401 | 403 | 404 }> {
    const headers: Record<string, string> = withToken && this.token ? { authorization: `Bearer ${this.token}` } : {};
    for (let attempt = 0; ; attempt++) {
      let res: GetResult;
      try {
        res = await boundedGet(url, { headers, timeoutMs: this.timeoutMs, maxBytes, ca: this.ca });
      } catch (e) {
        if (e instanceof TransportError) throw new HubError(e.failure === "redirects" ? "http" : e.failure, e.message);
        throw e;
      }
      if (res.status === 200) return { text: res.body.toString("utf8"), url: res.url, headers: res.headers };
      if (res.status === 401 || res.status === 403 || res.status === 404) return { status: res.status };
      if ((res.status === 429 || res.status === 503) && attempt < this.maxRetries) {
        const asked = retryAfterMs(header(res.headers["retry-after"]));
        const wait = asked ?? 1000 * 2 ** attempt;
        if (wait > this.maxRetryWaitMs) {
          throw new HubError("rate-limited", `${url}: the hub answered ${res.status} and asks to wait ${Math.ceil(wait / 1000)}s, longer than ${this.maxRetryWaitMs / 1000}s; try again later`);
        }
        this.log(`hub answered ${res.status} for ${url}; retrying in ${Math.ceil(wait / 1000)}s (${attempt + 1}/${this.maxRetries})`);
        await this.sleep(wait);
        continue;
      }
      if (res.status === 429 || res.status === 503) {
        throw new HubError("rate-limited", `${url}: the hub answered ${res.status} ${this.maxRetries + 1} times; try again later`);
      }
      throw new HubError("http", `${url}: the hub answered HTTP ${res.status}`);
    }
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
