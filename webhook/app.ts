// The webhook's HTTP application: admission routes, probes and metrics, as a plain Node request
// listener. Every answer is JSON, and no input gets a 500: a body that is not an AdmissionReview
// gets HTTP 400 with a metav1.Status saying why; a well-formed review always gets HTTP 200 with an
// AdmissionReview (a denial when something is wrong), because kube-apiserver treats any other
// status as a failed call and hands the decision to failurePolicy instead of showing the user our
// reason. No web framework: five fixed routes and one kind of body do not need one, and express
// with its body parser cost more CPU per review than the admission itself (docs/webhook.md).
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { clip } from "../workspace/index.js";
import { denied, parseAdmissionReview, reviewOf } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./http/json-body.js";
import { statusBody as statusOf } from "./http/status-body.js";
import { DEFAULT_JSON_LIMITS } from "./json-guard.js";
import type { JsonLimits } from "./json-guard.js";
import { throttle } from "./log-throttle.js";
import type { Logger } from "./logger.js";
import type { OperationLabel, ResultLabel, WebhookMetrics, WebhookName } from "./metrics.js";
import { mutate } from "./mutate.js";
import type { AdmissionHandler, AdmissionOutcome } from "./outcome.js";
import type { Readiness } from "./readiness.js";
import type { AdmissionContext } from "./scope.js";
import { badRequest, internalError, MAX_MESSAGE_CHARS } from "./status.js";
import { validate } from "./validate.js";

export interface AppOptions {
  /** undefined until the expansion settings are loaded; admission requests get 503 until then */
  readonly context: () => AdmissionContext | undefined;
  readonly readiness: Readiness;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  readonly jsonLimits?: JsonLimits;
}

/** The body of an HTTP error answer, its message bounded (it may quote the request). */
export function statusBody(code: number, reason: string, message: string): object {
  return statusOf(code, reason, clip(message, MAX_MESSAGE_CHARS));
}

interface Exchange {
  readonly webhook: WebhookName;
  readonly started: number;
  operation: OperationLabel;
  settled: boolean;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  sendText(res, status, "application/json", JSON.stringify(value));
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** The path without the query string (the API server appends ?timeout=10s). */
function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  return query === -1 ? raw : raw.slice(0, query);
}

/** At most one log line per interval for requests answered 400 or 503 without an AdmissionReview. */
export const REJECT_LOG_INTERVAL_MS = 1_000;

interface RejectLine {
  readonly webhook: WebhookName;
  readonly remote: string | undefined;
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

const ENDPOINTS = "the webhook serves POST /mutate, POST /validate, GET /healthz, /readyz, /metrics";

export function createApp(options: AppOptions): RequestListener {
  const { readiness, metrics, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const jsonLimits = options.jsonLimits ?? DEFAULT_JSON_LIMITS;

  // The API server never sends what gets these answers (no AdmissionReview, not ready yet): a
  // flood of them is a scanner or a misconfiguration, logged once per interval with a count.
  const rejectLog = throttle(REJECT_LOG_INTERVAL_MS, () => performance.now(), (line: RejectLine, suppressed: number) => {
    const { message, ...fields } = line;
    logger.info({ ...fields, ...(suppressed > 0 && { alsoRejectedSinceLastLine: suppressed }) }, message);
  });

  const settle = (exchange: Exchange, result: ResultLabel): void => {
    if (exchange.settled) return;
    exchange.settled = true;
    metrics.requestFinished();
    metrics.observe(exchange.webhook, exchange.operation, result, (performance.now() - exchange.started) / 1000);
  };

  /** The clock starts before the body is read; settle() stops it on every way out. */
  const admit = (webhook: WebhookName, handler: AdmissionHandler<AdmissionContext>, req: IncomingMessage, res: ServerResponse): void => {
    const exchange: Exchange = { webhook, started: performance.now(), operation: "unknown", settled: false };
    metrics.requestStarted();
    const reject = (code: number, reason: string, message: string): void => {
      sendJson(res, code, statusBody(code, reason, message));
      settle(exchange, code === 503 ? "error" : "bad_request");
      rejectLog.hit({ webhook, remote: req.socket.remoteAddress, code, reason, message: `${webhook}: ${message}` });
    };
    const answer = (outcome: AdmissionOutcome, request: AdmissionRequest | undefined): void => {
      // The connection may have gone (the API server gave up, a shutdown forced it) while the
      // cluster was being read: nothing left to answer, only the bookkeeping.
      if (res.headersSent || res.destroyed) {
        settle(exchange, "error");
        return;
      }
      sendJson(res, 200, reviewOf(outcome.response));
      settle(exchange, outcome.result);
      logOutcome(exchange, outcome, request);
    };
    readJsonBody(req, maxBodyBytes)
      .then(async (body) => {
        if (!body.ok) {
          if (body.gone) settle(exchange, "bad_request");
          else reject(400, body.reason, body.message);
          return;
        }
        const context = options.context();
        if (context === undefined) {
          reject(503, "ServiceUnavailable", "not ready: the expansion settings are still loading");
          return;
        }
        const parsed = parseAdmissionReview(body.value, jsonLimits);
        if (!parsed.ok) {
          if (parsed.uid === undefined) {
            reject(400, "BadRequest", parsed.message);
            return;
          }
          const status = badRequest(parsed.message);
          answer({ response: denied(parsed.uid, status), result: "denied", detail: status.message }, undefined);
          return;
        }
        const { request } = parsed;
        exchange.operation = request.operation;
        answer(await run(handler, request, context), request);
      })
      .catch((err: unknown) => {
        // Nothing above throws by design; if something does, the request still gets an answer.
        logger.error({ err, webhook }, "unexpected error");
        sendJson(res, 503, statusBody(503, "ServiceUnavailable", "the request could not be handled; see the webhook's log"));
        settle(exchange, "error");
      });
  };

  const run = async (handler: AdmissionHandler<AdmissionContext>, request: AdmissionRequest, context: AdmissionContext): Promise<AdmissionOutcome> => {
    try {
      return await handler(request, context);
    } catch (err) {
      // A bug of ours: refuse with the uid (the API server shows this, failurePolicy does not
      // apply) rather than crash or answer 500, and leave the stack in the log.
      logger.error({ err, uid: request.uid }, "admission handler failed");
      const status = internalError(`internal error in the kaito-gitops webhook: ${err instanceof Error ? err.message : String(err)}`);
      return { response: denied(request.uid, status), result: "error", detail: status.message };
    }
  };

  const logOutcome = (exchange: Exchange, outcome: AdmissionOutcome, request: AdmissionRequest | undefined): void => {
    const denial = !outcome.response.allowed;
    if (!denial && !logger.isLevelEnabled("debug")) return;
    const line = {
      webhook: exchange.webhook,
      uid: outcome.response.uid,
      ...(request && {
        operation: request.operation,
        resource: `${request.resource.resource}.${request.resource.group}/${request.resource.version}`,
        object: request.namespace ? `${request.namespace}/${request.name ?? ""}` : (request.name ?? ""),
        dryRun: request.dryRun,
        user: request.userInfo.username,
      }),
      result: outcome.result,
      ...(outcome.patchOperations !== undefined && { patchOperations: outcome.patchOperations }),
      durationMs: Math.round((performance.now() - exchange.started) * 1000) / 1000,
    };
    if (denial) logger.info({ ...line, reason: outcome.detail }, "admission denied");
    else logger.debug({ ...line, ...(outcome.detail !== undefined && { reason: outcome.detail }) }, "admission request");
  };

  const probe = (res: ServerResponse, path: string): void => {
    switch (path) {
      case "/healthz":
        sendText(res, 200, "text/plain; charset=utf-8", "ok\n");
        return;
      case "/readyz": {
        const ready = readiness.isReady();
        sendJson(res, ready ? 200 : 503, { ready, checks: readiness.report() });
        return;
      }
      default:
        metrics.registry.metrics().then(
          (text) => sendText(res, 200, metrics.registry.contentType, text),
          (err: unknown) => {
            logger.error({ err }, "metrics collection failed");
            sendJson(res, 503, statusBody(503, "ServiceUnavailable", "metrics collection failed"));
          },
        );
    }
  };

  return (req, res) => {
    const path = pathOf(req.url);
    const method = req.method ?? "";
    if (path === "/mutate" || path === "/validate") {
      if (method === "POST") {
        admit(path === "/mutate" ? "mutate" : "validate", path === "/mutate" ? mutate : validate, req, res);
        return;
      }
      res.setHeader("Allow", "POST");
      sendJson(res, 405, statusBody(405, "MethodNotAllowed", `${path} takes POST with an AdmissionReview`));
      return;
    }
    if (path === "/healthz" || path === "/readyz" || path === "/metrics") {
      if (method === "GET" || method === "HEAD") {
        probe(res, path);
        return;
      }
      res.setHeader("Allow", "GET, HEAD");
      sendJson(res, 405, statusBody(405, "MethodNotAllowed", `${path} takes GET`));
      return;
    }
    sendJson(res, 404, statusBody(404, "NotFound", `no route for ${clip(method, 16)} ${clip(path, 200)}; ${ENDPOINTS}`));
  };
}
