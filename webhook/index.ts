// The webhook's public surface: the pure admission handlers, the request listener, the HTTPS server,
// certificate providers and the wiring that starts them all (startWebhook).
export {
  ADMISSION_API_VERSION,
  ADMISSION_REVIEW_KIND,
  OPERATIONS,
  allowed,
  denied,
  parseAdmissionReview,
  reviewOf,
} from "./admission-review.js";
export type {
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  GroupVersionKind,
  GroupVersionResource,
  Operation,
  ParsedReview,
  Status,
  StatusCause,
  StatusDetails,
  UntrustedObject,
  UserInfo,
} from "./admission-review.js";
export { DEFAULT_JSON_LIMITS, scanJson } from "./json-guard.js";
export type { JsonLimits } from "./json-guard.js";
export { mutate } from "./mutate.js";
export { validate } from "./validate.js";
export type { AdmissionHandler, AdmissionOutcome, AdmissionResult } from "./outcome.js";
export { RESOURCE, scopeOf } from "./scope.js";
export { ADMISSION_READ_LIMITS, admissionOptions, observedAccess, unreadConfigMapsNote } from "./cluster-reads.js";
export type { AdmissionOptions, ClusterAccess } from "./cluster-reads.js";
export type { AdmissionContext, Scope } from "./scope.js";
export { MAX_WARNING_LENGTH, badRequest, internalError, invalidWorkspace, warningsFor } from "./status.js";
export { mutationFor } from "./patch.js";
export { jsonPatch } from "./json-diff.js";
export type { PatchOperation } from "./json-diff.js";
export type { Mutation } from "./patch.js";
export { createApp, statusBody } from "./app.js";
export { DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./http/json-body.js";
export type { JsonBody } from "./http/json-body.js";
export type { AppOptions } from "./app.js";
export { createMetrics } from "./metrics.js";
export type { OperationLabel, ResultLabel, WebhookMetrics, WebhookName } from "./metrics.js";
export { LOG_LEVELS, createLogger, isLogLevel } from "./logger.js";
export type { LogLevel, Logger, LoggerOptions } from "./logger.js";
export { createReadiness } from "./readiness.js";
export type { GateState, Readiness } from "./readiness.js";
export { MIN_TLS_VERSION, SERVER_LIMITS, SERVER_TIMEOUTS, TLS_CIPHERS, createWebhookServer, secureContextOptions } from "./server.js";
export type { BusyRefusal, ServerLimits, WebhookServerOptions } from "./server.js";
export type { ServerTimeouts, ShutdownReport, WebhookServer } from "./server.js";
export { directoryCertificates, managedCertificates, selfSignedCertificates } from "./certificates.js";
export type { CertificateEvents, CertificateProvider, DirectoryOptions, ManagedOptions } from "./certificates.js";
export { CertificateStartError, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SHUTDOWN_TIMEOUT_MS, startWebhook } from "./serve.js";
export type { StartWebhookOptions, WebhookHandle } from "./serve.js";
