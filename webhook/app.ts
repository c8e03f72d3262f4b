// The express application: admission routes, probes and metrics. Every answer is JSON, and no
// input gets a 500: a body that is not an AdmissionReview gets HTTP 400 with a metav1.Status
// saying why; a well-formed review always gets HTTP 200 with an AdmissionReview (a denial when
// something is wrong), because kube-apiserver treats any other status as a failed call and hands
// the decision to failurePolicy instead of showing the user our reason.
import { performance } from "node:perf_hooks";
import express from "express";
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from "express";
import { clip } from "../workspace/index.js";
import { denied, parseAdmissionReview, reviewOf } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import { admissionBodyParser, configureExpress, DEFAULT_MAX_BODY_BYTES } from "./express-settings.js";
import { DEFAULT_JSON_LIMITS } from "./json-guard.js";
import type { JsonLimits } from "./json-guard.js";
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

/** The body of an HTTP error answer: a metav1.Status, as the API server's own errors are. */
export function statusBody(code: number, reason: string, message: string): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: clip(message, MAX_MESSAGE_CHARS), reason, code };
}

interface Exchange {
  readonly webhook: WebhookName;
  readonly started: number;
  operation: OperationLabel;
  settled: boolean;
}

const exchangeKey = Symbol("admission exchange");
type WithExchange = Response & { [exchangeKey]?: Exchange };

/**
 * Writes a JSON answer with Node's own response API: express's res.json/res.send would look up
 * settings, charset and freshness on every answer, none of which an admission review needs.
 */
function sendJson(res: Response, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

export function createApp(options: AppOptions): Express {
  const { readiness, metrics, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const jsonLimits = options.jsonLimits ?? DEFAULT_JSON_LIMITS;
  const app = express();
  configureExpress(app);

  /** Starts the clock before the body is read; settle() stops it on every way out. */
  const track =
    (webhook: WebhookName): RequestHandler =>
    (_req, res, next) => {
      (res as WithExchange)[exchangeKey] = { webhook, started: performance.now(), operation: "unknown", settled: false };
      metrics.requestStarted();
      next();
    };

  const settle = (res: Response, result: ResultLabel): Exchange | undefined => {
    const exchange = (res as WithExchange)[exchangeKey];
    if (exchange === undefined || exchange.settled) return exchange;
    exchange.settled = true;
    metrics.requestFinished();
    metrics.observe(exchange.webhook, exchange.operation, result, (performance.now() - exchange.started) / 1000);
    return exchange;
  };

  const admit =
    (webhook: WebhookName, handler: AdmissionHandler<AdmissionContext>): RequestHandler =>
    (req, res) => {
      const reject = (code: number, reason: string, message: string): void => {
        sendJson(res, code, statusBody(code, reason, message));
        settle(res, code === 503 ? "error" : "bad_request");
        logger.info({ webhook, remote: req.socket.remoteAddress, code, reason }, `${webhook}: ${message}`);
      };
      const body: unknown = req.body;
      if (body === undefined) {
        const type = req.headers["content-type"];
        reject(400, "UnsupportedMediaType", `expected a JSON body with Content-Type: application/json, got ${type === undefined ? "no Content-Type" : JSON.stringify(type)}`);
        return;
      }
      const context = options.context();
      if (context === undefined) {
        reject(503, "ServiceUnavailable", "not ready: the expansion settings are still loading");
        return;
      }
      const parsed = parseAdmissionReview(body, jsonLimits);
      if (!parsed.ok) {
        if (parsed.uid === undefined) {
          reject(400, "BadRequest", parsed.message);
          return;
        }
        const status = badRequest(parsed.message);
        answer(res, { response: denied(parsed.uid, status), result: "denied", detail: status.message }, undefined);
        return;
      }
      const { request } = parsed;
      const exchange = (res as WithExchange)[exchangeKey];
      if (exchange) exchange.operation = request.operation;
      void run(handler, request, context).then((outcome) => {
        // The connection may have gone (the API server gave up, a shutdown forced it) while the
        // cluster was being read: nothing left to answer, only the bookkeeping.
        if (res.headersSent || res.destroyed) {
          settle(res, "error");
          return;
        }
        answer(res, outcome, request);
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

  const answer = (res: Response, outcome: AdmissionOutcome, request: AdmissionRequest | undefined): void => {
    sendJson(res, 200, reviewOf(outcome.response));
    const exchange = settle(res, outcome.result);
    const denial = !outcome.response.allowed;
    if (!denial && !logger.isLevelEnabled("debug")) return;
    const line = {
      webhook: exchange?.webhook,
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
      ...(exchange && { durationMs: Math.round((performance.now() - exchange.started) * 1000) / 1000 }),
    };
    if (denial) logger.info({ ...line, reason: outcome.detail }, "admission denied");
    else logger.debug({ ...line, ...(outcome.detail !== undefined && { reason: outcome.detail }) }, "admission request");
  };

  const parseBody = admissionBodyParser(maxBodyBytes);
  for (const [path, webhook, handler] of [
    ["/mutate", "mutate", mutate],
    ["/validate", "validate", validate],
  ] as const) {
    app.post(path, track(webhook), parseBody, admit(webhook, handler));
    app.all(path, (_req, res) => {
      res.setHeader("Allow", "POST");
      sendJson(res, 405, statusBody(405, "MethodNotAllowed", `${path} takes POST with an AdmissionReview`));
    });
  }

  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("ok\n");
  });
  app.get("/readyz", (_req, res) => {
    const ready = readiness.isReady();
    sendJson(res, ready ? 200 : 503, { ready, checks: readiness.report() });
  });
  app.get("/metrics", (_req, res) => {
    metrics.registry.metrics().then(
      (text) => res.type(metrics.registry.contentType).send(text),
      (err: unknown) => {
        logger.error({ err }, "metrics collection failed");
        sendJson(res, 503, statusBody(503, "ServiceUnavailable", "metrics collection failed"));
      },
    );
  });

  app.use((req, res) => {
    sendJson(res, 404, statusBody(404, "NotFound", `no route for ${req.method} ${req.path}; the webhook serves POST /mutate, POST /validate, GET /healthz, /readyz, /metrics`));
  });

  const onError: ErrorRequestHandler = (err: unknown, req: Request, res: Response, next) => {
    if (res.headersSent) {
      // Answered already (the request timeout, say): only the bookkeeping is left.
      settle(res, "error");
      next(err);
      return;
    }
    const [code, reason, message] = describeError(err, maxBodyBytes);
    sendJson(res, code, statusBody(code, reason, message));
    settle(res, code >= 500 ? "error" : "bad_request");
    if (code >= 500) logger.error({ err, path: req.path }, "unexpected error");
    else logger.info({ path: req.path, remote: req.socket.remoteAddress, reason }, `${req.path}: ${message}`);
  };
  app.use(onError);
  return app;
}

/** body-parser's errors (http-errors with a `type`) become 400s; anything else is ours: 503. */
function describeError(err: unknown, maxBodyBytes: number): [number, string, string] {
  const type = typeof err === "object" && err !== null && "type" in err ? (err as { type: unknown }).type : undefined;
  const text = err instanceof Error ? err.message : String(err);
  switch (type) {
    case "entity.too.large":
      return [400, "RequestEntityTooLarge", `the body is larger than the limit of ${maxBodyBytes} bytes`];
    case "entity.parse.failed":
      return [400, "BadRequest", `the body is not valid JSON (or not a JSON object): ${text}`];
    case "encoding.unsupported":
    case "charset.unsupported":
      return [400, "UnsupportedMediaType", `${text}; send uncompressed UTF-8 JSON`];
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
    case "entity.verify.failed":
    case "parameters.too.many":
      return [400, "BadRequest", text];
  }
  const status = typeof err === "object" && err !== null && "status" in err ? (err as { status: unknown }).status : undefined;
  if (typeof status === "number" && status >= 400 && status < 500) return [400, "BadRequest", text];
  return [503, "ServiceUnavailable", "the request could not be handled; see the webhook's log"];
}

