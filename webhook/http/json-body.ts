// Reading an admission request's body: JSON objects or arrays in UTF-8, uncompressed, up to a
// limit, and nothing else. Written for the webhook alone (kube-apiserver sends exactly this), as
// controller-runtime's webhook server reads its bodies with net/http and encoding/json: a general
// body parser costs several times the work of the admission itself (bench:webhook).
//
// A body refused before it is read (too large by its Content-Length, compressed) is read off and
// thrown away before the answer, up to a bound, so a client still sending it gets the answer
// rather than a reset; past the bound the connection is closed. Listeners use on() rather than
// once(): each of these events comes once per request, and once() wraps every listener.
import type { IncomingMessage } from "node:http";

/** kube-apiserver's own limit on a request body (MaxRequestBodyBytes). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** How much of a refused body is read off and discarded before the connection is given up. */
const DISCARD_FACTOR = 4;

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

/** The first character JSON.parse would see is `{` or `[`, as a strict JSON body reader demands. */
function startsAsObjectOrArray(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
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
  const tooLarge = refused("RequestEntityTooLarge", `the body is larger than the limit of ${maxBytes} bytes`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return discard(req, maxBytes, tooLarge);

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: JsonBody): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      chunks.length = 0;
      void discard(req, maxBytes, tooLarge).then(settle);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size > maxBytes) return;
      const text = Buffer.concat(chunks, size).toString("utf8");
      if (!startsAsObjectOrArray(text)) {
        settle(refused("BadRequest", text.trim() === "" ? "the body is empty; expected an AdmissionReview" : "the body is not valid JSON (or not a JSON object): it does not start with { or ["));
        return;
      }
      try {
        settle({ ok: true, value: JSON.parse(text) as unknown });
      } catch (err) {
        settle(refused("BadRequest", `the body is not valid JSON (or not a JSON object): ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`));
      }
    });
    req.on("close", () => {
      if (!req.complete) settle(refused("BadRequest", "the client closed the connection before the body was complete", true));
    });
    req.on("error", () => settle(refused("BadRequest", "the request body could not be read", true)));
  });
}
