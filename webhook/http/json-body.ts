// Reading an admission request's body: JSON objects or arrays in UTF-8, uncompressed, up to a
// limit, and nothing else. Written for the webhook alone (kube-apiserver sends exactly this), as
// controller-runtime's webhook server reads its bodies with net/http and encoding/json: a general
// body parser costs several times the work of the admission itself (bench:webhook).
//
// A body refused before it is read (too large by its Content-Length, compressed) is read off and
// thrown away before the answer, up to a bound, so a client still sending it gets the answer
// rather than a reset; past the bound the connection is closed. Listeners use on() rather than
// once(): each of these events comes once per request, and once() wraps every listener.
import { isAscii } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { nestsDeeperThan } from "./json-nesting.js";

/** kube-apiserver's own limit on a request body (MaxRequestBodyBytes). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** How much of a refused body is read off and discarded before the connection is given up. */
const DISCARD_FACTOR = 4;

/**
 * Nesting of arrays and objects a body may have. JSON.parse takes 3 MiB of `[[[[…` (1.5 million
 * levels) in about 0.8 s and 170 MiB of heap before any depth check can look at the result, so
 * a large body is refused unparsed past this. Well above json-guard's limit for the request
 * (100), so a body only somewhat too deep still gets its denial with the field's path.
 */
export const MAX_BODY_NESTING = 256;

/** Below this size even the deepest body parses in about 15 ms; the scan is left out. */
const NESTING_SCAN_FROM_BYTES = 64 * 1024;

export type BodyRefusal = {
  readonly ok: false;
  /** the client went away mid-body: nothing can be answered */
  readonly gone: boolean;
  readonly reason: "BadRequest" | "RequestEntityTooLarge" | "UnsupportedMediaType";
  readonly message: string;
};

export type JsonBody = { readonly ok: true; readonly value: unknown } | BodyRefusal;

const refused = (reason: BodyRefusal["reason"], message: string, gone = false): BodyRefusal => ({ ok: false, gone, reason, message });

/** `application/json` with no charset or UTF-8, or why not. */
function mediaTypeProblem(header: string | undefined): BodyRefusal | undefined {
  const [type = "", ...params] = (header ?? "").split(";");
  if (type.trim().toLowerCase() !== "application/json") {
    return refused("UnsupportedMediaType", `expected a JSON body with Content-Type: application/json, got ${header === undefined ? "no Content-Type" : JSON.stringify(header.slice(0, 100))}`);
  }
  for (const param of params) {
    const [name = "", value = ""] = param.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value.trim().replace(/^"(.*)"$/, "$1").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") return refused("UnsupportedMediaType", `unsupported charset ${JSON.stringify(charset.slice(0, 40))}; send uncompressed UTF-8 JSON`);
  }
  return undefined;
}

/** The first byte that is not JSON whitespace, or undefined for a blank body. */
function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (const c of bytes) if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  return undefined;
}

/**
 * The body's bytes as they arrive. With a Content-Length (kube-apiserver always sends one) they
 * are copied into one buffer of that size while the rest is still in transit, rather than joined
 * after the last one: for a 3 MiB body that copy, with the fresh pages it touches, took about 3 ms
 * after the end. The buffer is counted against the server's in-flight bound by that length.
 */
class BodyBuffer {
  private buffer: Buffer | undefined;
  private chunks: Buffer[] = [];
  size = 0;

  constructor(declared: number) {
    if (Number.isSafeInteger(declared) && declared > 0) this.buffer = Buffer.allocUnsafe(declared);
  }

  append(chunk: Buffer): void {
    // Node ends a body at its Content-Length, so a chunk never passes the buffer; if one did,
    // what was copied becomes the first chunk and the rest is kept as it comes.
    if (this.buffer !== undefined && this.size + chunk.length > this.buffer.length) {
      this.chunks.push(this.buffer.subarray(0, this.size));
      this.buffer = undefined;
    }
    if (this.buffer !== undefined) chunk.copy(this.buffer, this.size);
    else this.chunks.push(chunk);
    this.size += chunk.length;
  }

  bytes(): Buffer {
    return this.buffer !== undefined ? this.buffer.subarray(0, this.size) : Buffer.concat(this.chunks, this.size);
  }

  release(): void {
    this.buffer = undefined;
    this.chunks = [];
  }
}

/** The body as JSON, or the 400 that says why not. */
function parseBody(bytes: Buffer): JsonBody {
  // A strict JSON body reader takes only an object or an array.
  const first = firstNonSpace(bytes);
  if (first !== 0x7b && first !== 0x5b) {
    return refused("BadRequest", first === undefined ? "the body is empty; expected an AdmissionReview" : "the body is not valid JSON (or not a JSON object): it does not start with { or [");
  }
  if (bytes.length >= NESTING_SCAN_FROM_BYTES && nestsDeeperThan(bytes, MAX_BODY_NESTING)) {
    return refused("BadRequest", `the body nests arrays and objects more than ${MAX_BODY_NESTING} levels deep; an AdmissionReview nests a few dozen`);
  }
  // An ASCII body (nearly every review) decodes as Latin-1, a plain copy, to the same string
  // UTF-8 decoding would give, in a third of the time.
  const text = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return refused("BadRequest", `the body is not valid JSON (or not a JSON object): ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
  }
}

/** Reads off and drops the rest of a refused body, then answers; past the bound, closes the connection. */
function discard(req: IncomingMessage, maxBytes: number, answer: BodyRefusal): Promise<BodyRefusal> {
  return new Promise((resolve) => {
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes * DISCARD_FACTOR) {
        req.destroy();
        resolve({ ...answer, gone: true });
      }
    });
    req.on("end", () => resolve(answer));
    req.on("close", () => resolve({ ...answer, gone: !req.complete }));
    req.on("error", () => resolve({ ...answer, gone: true }));
  });
}

export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
  const typeProblem = mediaTypeProblem(req.headers["content-type"]);
  if (typeProblem) return hasBody ? discard(req, maxBytes, typeProblem) : Promise.resolve(typeProblem);
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    return discard(req, maxBytes, refused("UnsupportedMediaType", `content encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted; send uncompressed UTF-8 JSON`));
  }
  const tooLarge = (): BodyRefusal => refused("RequestEntityTooLarge", `the body is larger than the limit of ${maxBytes} bytes`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return discard(req, maxBytes, tooLarge());

  return new Promise((resolve) => {
    const body = new BodyBuffer(declared);
    let overLimit = false;
    let settled = false;
    const settle = (result: JsonBody): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      if (body.size + chunk.length <= maxBytes) {
        body.append(chunk);
        return;
      }
      req.off("data", onData);
      overLimit = true;
      body.release();
      void discard(req, maxBytes, tooLarge()).then(settle);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (overLimit) return;
      const bytes = body.bytes();
      body.release();
      settle(parseBody(bytes));
    });
    req.on("close", () => {
      if (!req.complete) settle(refused("BadRequest", "the client closed the connection before the body was complete", true));
    });
    req.on("error", () => settle(refused("BadRequest", "the request body could not be read", true)));
  });
}
