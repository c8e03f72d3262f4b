// `kaito-gitops serve`: the HTTPS admission webhook (/mutate, /validate, /healthz, /readyz,
// /metrics) and the controller in one process, until SIGTERM or SIGINT, then a bounded graceful
// drain. The flags pick the certificate mode, limits and which of the two run; the wiring lives
// in webhook/serve.ts and controller/index.ts.
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { servingDnsNames } from "../../certs/index.js";
import type { WantedCert } from "../../certs/index.js";
import {
  ADMISSION_READ_LIMITS,
  CertificateStartError,
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  LOG_LEVELS,
  SERVER_LIMITS,
  createLogger,
  directoryCertificates,
  isLogLevel,
  managedCertificates,
  selfSignedCertificates,
  startWebhook,
} from "../../webhook/index.js";
import type { CertificateProvider, ClusterAccess, Logger, WebhookHandle } from "../../webhook/index.js";
import { ExitCode } from "../cli-io.js";
import type { CliIO, Command } from "../cli-io.js";
import { InputError } from "../inputs.js";
import { expandFlagsUsage, kaitoVersionFlag, toExpandOptions, UsageError } from "../options.js";
import { untilSignal } from "../signals.js";

/** Names of the install bundle (kustomize/), so a default install needs no flags. */
export const SERVE_DEFAULTS = {
  namespace: "kaito-gitops-system",
  service: "kaito-gitops-webhook",
  secretName: "kaito-gitops-webhook-cert",
  mutatingWebhookName: "kaito-gitops-mutating",
  validatingWebhookName: "kaito-gitops-validating",
} as const;

export const usage = `Usage: kaito-gitops serve [flags]

Runs the admission webhook over HTTPS (POST /mutate, POST /validate, GET /healthz, /readyz,
/metrics) and the controller that creates Workspaces' children and writes their status. Stops on
SIGTERM or SIGINT after draining in-flight requests and releasing the controller's Lease.

What runs:
  --no-webhook            the controller only (no HTTPS server)
  --controller            run the controller; the default in a cluster (--manage-certs,
                          --cert-dir or a pod's service account), not with the in-memory
                          certificate of a laptop, where it would write to your current context
  --no-controller         the webhook only

Certificates (one of):
  (neither flag)          issue a CA and serving certificate in memory (SANs localhost,
                          127.0.0.1, ::1 and the service names) and print the caBundle on stdout
  --cert-dir DIR          serve tls.crt/tls.key from DIR (a mounted Secret); reloaded on change
  --manage-certs          keep the CA and certificate in a Secret, inject the caBundle into the
                          webhook configurations, renew before expiry (uses the pod's service
                          account, or $KUBECONFIG / ~/.kube/config)

Cluster reads:
  With cluster access (in a pod, --kubeconfig, or whenever the controller runs)
  each admission reads what KAITO reads for the Workspace: the ConfigMaps its inference.config
  / tuning.config name, the Secret its modelAccessSecret names (key names only), and with
  bring-your-own nodes the GPU Nodes. Without it, named Secrets are assumed to exist (a
  warning) and a named ConfigMap must be given with --cluster, as for render.
  --kubeconfig FILE       credentials for the controller and the cluster reads

Names (--manage-certs, and the SANs of the certificate it or the in-memory mode issues):
  --namespace NS                   webhook namespace (default ${SERVE_DEFAULTS.namespace})
  --service SVC                    webhook Service (default ${SERVE_DEFAULTS.service})
  --secret-name NAME               Secret holding the certificates (default ${SERVE_DEFAULTS.secretName})
  --mutating-webhook-name NAME     MutatingWebhookConfiguration (default ${SERVE_DEFAULTS.mutatingWebhookName})
  --validating-webhook-name NAME   ValidatingWebhookConfiguration (default ${SERVE_DEFAULTS.validatingWebhookName})
  --dns NAME, --ip ADDR            extra SANs, repeatable

Serving:
  --port N                 port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR              address to listen on (default ${DEFAULT_HOST})
  --max-body-bytes N       largest request body (default ${DEFAULT_MAX_BODY_BYTES}, kube-apiserver's limit)
  --max-inflight-body-bytes N
                           request bodies held at once; past it a request gets 429 unread
                           (default ${SERVER_LIMITS.maxInFlightBodyBytes}; at least --max-body-bytes)
  --max-connections N      open connections (default ${SERVER_LIMITS.maxConnections})
  --shutdown-timeout S     bound on draining in-flight requests at shutdown (default ${DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000})
  --shutdown-delay S       seconds to stay up unready before closing the listener (default 0)
  --log-level LEVEL        ${LOG_LEVELS.join(", ")} (default info); JSON lines on stderr

Expansion (as render; --namespace above is the webhook's own):
${expandFlagsUsage.split("\n").filter((l) => !l.includes("--namespace")).join("\n")}`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "cert-dir": { type: "string" },
  "manage-certs": { type: "boolean" },
  namespace: { type: "string" },
  service: { type: "string" },
  "secret-name": { type: "string" },
  "mutating-webhook-name": { type: "string" },
  "validating-webhook-name": { type: "string" },
  dns: { type: "string", multiple: true },
  ip: { type: "string", multiple: true },
  "kaito-version": { type: "string" },
  settings: { type: "string" },
  cluster: { type: "string", multiple: true },
  "models-lock": { type: "string" },
  "max-body-bytes": { type: "string" },
  "max-inflight-body-bytes": { type: "string" },
  "max-connections": { type: "string" },
  "shutdown-timeout": { type: "string" },
  "shutdown-delay": { type: "string" },
  "log-level": { type: "string" },
  webhook: { type: "boolean" },
  "no-webhook": { type: "boolean" },
  controller: { type: "boolean" },
  "no-controller": { type: "boolean" },
  kubeconfig: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  return n;
}

function name(flag: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (value === "") throw new UsageError(`--${flag} must not be empty`);
  return value;
}

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments; got ${JSON.stringify(positionals[0])}`);
  if (values["cert-dir"] !== undefined && values["manage-certs"]) throw new UsageError("--cert-dir and --manage-certs exclude each other");

  const port = wholeNumber("port", values.port, DEFAULT_PORT, 0, 65535);
  const host = name("host", values.host, DEFAULT_HOST);
  const maxBodyBytes = wholeNumber("max-body-bytes", values["max-body-bytes"], DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024);
  const maxInFlightBodyBytes = wholeNumber("max-inflight-body-bytes", values["max-inflight-body-bytes"], Math.max(SERVER_LIMITS.maxInFlightBodyBytes, maxBodyBytes), maxBodyBytes, 1024 * 1024 * 1024);
  const maxConnections = wholeNumber("max-connections", values["max-connections"], SERVER_LIMITS.maxConnections, 1, 1_000_000);
  const shutdownTimeoutMs = wholeNumber("shutdown-timeout", values["shutdown-timeout"], DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000, 0, 3600) * 1000;
  const shutdownDelayMs = wholeNumber("shutdown-delay", values["shutdown-delay"], 0, 0, 3600) * 1000;
  const level = values["log-level"] ?? "info";
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
  for (const ip of values.ip ?? []) {
    if (isIP(ip) === 0) throw new UsageError(`--ip ${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
  }
  const namespace = name("namespace", values.namespace, SERVE_DEFAULTS.namespace);
  const service = name("service", values.service, SERVE_DEFAULTS.service);
  // --namespace is where the webhook itself lives, not a default for Workspaces: each admission
  // request and each live Workspace names its own (as in the controller command).
  kaitoVersionFlag(values["kaito-version"]); // a usage error before anything starts
  const expandOptions = toExpandOptions({ ...values, namespace: undefined }, io.cwd, io.stdin);
  // Observed at once; a bad settings file is reported below, after the server is up.
  expandOptions.catch(() => undefined);

  const selfSigned = values["cert-dir"] === undefined && !values["manage-certs"];
  const wanted: WantedCert = {
    namespace,
    service,
    dnsNames: [...(selfSigned ? ["localhost"] : []), ...(values.dns ?? [])],
    ipAddresses: [...(selfSigned ? ["127.0.0.1", "::1"] : []), ...(values.ip ?? [])],
  };
  try {
    servingDnsNames(wanted);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }

  if (values.controller && values["no-controller"]) throw new UsageError("--controller and --no-controller exclude each other");
  if (values.webhook && values["no-webhook"]) throw new UsageError("--webhook and --no-webhook exclude each other");
  const inCluster = !selfSigned || io.env["KUBERNETES_SERVICE_HOST"] !== undefined;
  const runController = values["no-controller"] ? false : (values.controller ?? inCluster);
  if (values["no-webhook"] && !runController) throw new UsageError("--no-webhook with the controller off leaves nothing to run");

  const logger = createLogger({ level, destination: io.stderr });
  const kubeconfig = values.kubeconfig !== undefined ? resolve(io.cwd, values.kubeconfig) : io.env["KUBECONFIG"] || undefined;

  const controller = runController
    ? await (await import("../../controller/index.js")).startController({
        namespace,
        expandOptions,
        logger: logger.child({ component: "controller" }),
        ...(kubeconfig !== undefined && { kubeconfig }),
      })
    : undefined;
  if (!runController) logger.info({}, "controller off: pass --controller to create Workspaces' children from this process");
  if (values["no-webhook"]) {
    await untilSignal(async () => {
      await controller?.stop();
    }).stopped;
    return ExitCode.ok;
  }

  const certificates = await certificateProvider(values, wanted, io, logger);
  // A laptop run (in-memory certificate, no --kubeconfig, controller off) reads nothing, as the
  // controller does not start there: $KUBECONFIG alone may point anywhere.
  const readsCluster = runController || inCluster || values.kubeconfig !== undefined;
  let cluster: ClusterAccess | undefined;
  try {
    cluster = readsCluster ? await (await import("../../webhook/kube.js")).kubeClusterAccess(ADMISSION_READ_LIMITS, kubeconfig) : undefined;
  } catch (err) {
    await controller?.stop();
    throw new InputError(`kaito-gitops serve: no credentials for the cluster reads: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cluster) logger.info({ apiServer: cluster.client.server, timeoutMs: cluster.limits.timeoutMs }, "admission reads what KAITO reads for each Workspace from the cluster");
  else logger.info({}, "admission without cluster access: named Secrets are assumed, named ConfigMaps come from --cluster only");
  let handle: WebhookHandle;
  try {
    handle = await startWebhook({ certificates, expandOptions, ...(cluster && { cluster }), port, host, maxBodyBytes, limits: { maxInFlightBodyBytes, maxConnections }, shutdownTimeoutMs, shutdownDelayMs, logger });
  } catch (err) {
    cluster?.client.close();
    await controller?.stop();
    if (err instanceof CertificateStartError) throw new InputError(`kaito-gitops serve: ${err.message}`);
    const code = (err as { code?: unknown } | null)?.code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      io.stderr.write(`kaito-gitops serve: cannot listen on ${host}:${port}: ${code}\n`);
      return ExitCode.usage;
    }
    throw err;
  }

  const webhook = handle;
  const signals = untilSignal(async () => {
    const [report] = await Promise.all([webhook.close().finally(() => cluster?.client.close()), controller?.stop()]);
    return report;
  });
  if (selfSigned && handle.caBundle !== undefined) {
    io.stdout.write(`${handle.caBundle}\n`);
    io.stderr.write(
      [
        `kaito-gitops serve: listening on ${handle.url} with an in-memory self-signed certificate`,
        `  SANs: ${[...servingDnsNames(wanted), ...(wanted.ipAddresses ?? [])].join(", ")}`,
        "  stdout: the caBundle (base64 PEM) for clientConfig.caBundle; it changes at every start",
        `  try:    curl --cacert <(echo CABUNDLE | base64 -d) ${handle.url}/readyz`,
        "",
      ].join("\n"),
    );
  }
  try {
    await Promise.race([handle.ready(), signals.stopped]);
  } catch (err) {
    // The settings did not load: nothing can be admitted. Stop and report it as render does.
    signals.dispose();
    await Promise.all([handle.close().finally(() => cluster?.client.close()), controller?.stop()]);
    throw err;
  }
  // Forced connections at the bound are in the log; the process did what it was asked.
  await signals.stopped;
  return ExitCode.ok;
};

async function certificateProvider(
  values: { "cert-dir"?: string; "manage-certs"?: boolean; "secret-name"?: string; "mutating-webhook-name"?: string; "validating-webhook-name"?: string },
  wanted: WantedCert,
  io: CliIO,
  logger: Logger,
): Promise<CertificateProvider> {
  const certDir = values["cert-dir"];
  if (certDir !== undefined) return directoryCertificates({ dir: resolve(io.cwd, certDir) });
  if (!values["manage-certs"]) return selfSignedCertificates(wanted);

  const secretName = name("secret-name", values["secret-name"], SERVE_DEFAULTS.secretName);
  const mutating = name("mutating-webhook-name", values["mutating-webhook-name"], SERVE_DEFAULTS.mutatingWebhookName);
  const validating = name("validating-webhook-name", values["validating-webhook-name"], SERVE_DEFAULTS.validatingWebhookName);
  const { kubeCertificateBackends } = await import("../../webhook/kube.js");
  const kube = await kubeCertificateBackends(wanted.namespace, secretName, io.env["KUBECONFIG"]);
  logger.info({ apiServer: kube.server, secret: `${wanted.namespace}/${secretName}`, mutating, validating }, "managing certificates");
  return managedCertificates({
    store: kube.store,
    storeName: `Secret ${wanted.namespace}/${secretName}`,
    wanted,
    webhookConfigs: { api: kube.webhookConfigs, names: { mutating, validating } },
  });
}

