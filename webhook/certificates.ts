// Where the serving certificate comes from, behind one interface, so the server wiring does not
// care which of the three modes of docs/certs.md is in use:
//   self-signed  issued in memory at start (a laptop, `npm start`, tests); the CA is printed
//   directory    a mounted Secret (cert-manager, `kaito-gitops certs`), reloaded when it changes
//   managed      kept in a Secret by the webhook itself, caBundle injected, renewed before expiry
import { caBundleBase64, createRotationManager, generateRsaKey, issueBundle, systemClock, watchCertDir } from "../certs/index.js";
import type {
  CertBundle,
  CertDirWatcher,
  Clock,
  EnsureOptions,
  RotationManager,
  SecretStore,
  ServingCerts,
  WantedCert,
  WebhookConfigApi,
  WebhookConfigNames,
} from "../certs/index.js";

export interface CertificateEvents {
  /** a new set to serve with */
  onChange(certs: ServingCerts): void;
  /** an update that could not be used or a failed check; the set in service stays */
  onError(err: unknown): void;
  /** whether the webhook may take traffic as far as certificates go, and why (for /readyz) */
  onReadiness(ready: boolean, detail: string): void;
}

export interface CertificateProvider {
  readonly mode: "self-signed" | "directory" | "managed";
  /** Resolves with the set to start serving with; later sets go to events.onChange. */
  start(events: CertificateEvents): Promise<ServingCerts>;
  /** base64 PEM of the CA for clientConfig.caBundle, when this provider knows it */
  readonly caBundle: string | undefined;
  stop(): void;
}

async function freshBundle(wanted: WantedCert): Promise<CertBundle> {
  // Keys come from OpenSSL on the thread pool; only the two signatures run on the event loop.
  const [caKeyPem, tlsKeyPem] = await Promise.all([generateRsaKey(), generateRsaKey()]);
  return issueBundle(wanted, new Date(), { caKeyPem, tlsKeyPem });
}

/** A CA and serving certificate issued in memory at start, never renewed (a year is plenty). */
export function selfSignedCertificates(wanted: WantedCert): CertificateProvider {
  let bundle: CertBundle | undefined;
  return {
    mode: "self-signed",
    async start(events) {
      bundle = await freshBundle(wanted);
      events.onReadiness(true, "self-signed in memory; trust the caBundle printed at start");
      return bundle;
    },
    get caBundle() {
      return bundle && caBundleBase64(bundle.caCert);
    },
    stop: () => undefined,
  };
}

export interface DirectoryOptions {
  readonly dir: string;
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
}

/** tls.crt, tls.key and (optional) ca.crt in a directory, watched for replacement. */
export function directoryCertificates(options: DirectoryOptions): CertificateProvider {
  let watcher: CertDirWatcher | undefined;
  return {
    mode: "directory",
    async start(events) {
      watcher = await watchCertDir(options.dir, {
        onChange: (certs) => events.onChange(certs),
        onError: (err) => events.onError(err),
        ...(options.debounceMs !== undefined && { debounceMs: options.debounceMs }),
        ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      });
      events.onReadiness(true, `from ${options.dir}`);
      return watcher.current;
    },
    get caBundle() {
      const ca = watcher?.current.caCert;
      return ca === undefined ? undefined : caBundleBase64(ca);
    },
    stop: () => watcher?.stop(),
  };
}

export interface ManagedOptions {
  readonly store: SecretStore;
  /** names the log and /readyz use for the store, e.g. "Secret ns/name" */
  readonly storeName: string;
  readonly wanted: WantedCert;
  readonly webhookConfigs?: { readonly api: WebhookConfigApi; readonly names: WebhookConfigNames };
  readonly clock?: Clock;
  readonly issue?: EnsureOptions;
  readonly retryIntervalMs?: number;
}

/**
 * The self-managed mode. The server starts at once on a provisional self-signed certificate,
 * so the probes answer while the Secret is being read (and explain why the webhook is not ready
 * if that takes long: missing RBAC, no API server); no caBundle trusts the provisional one, and
 * /readyz stays false until the real set is served and its CA injected.
 */
export function managedCertificates(options: ManagedOptions): CertificateProvider {
  let manager: RotationManager | undefined;
  let stopped = false;
  return {
    mode: "managed",
    async start(events) {
      const provisional = await freshBundle(options.wanted);
      events.onReadiness(false, `waiting for ${options.storeName}`);
      const readiness = (): void => {
        if (manager?.current === undefined) return;
        if (manager.caInjected) events.onReadiness(true, `${options.storeName}; caBundle injected`);
        else events.onReadiness(false, `serving from ${options.storeName}; caBundle not injected yet (webhook configuration missing?)`);
      };
      manager = createRotationManager({
        store: options.store,
        wanted: options.wanted,
        clock: options.clock ?? systemClock,
        onRotate: (bundle) => events.onChange(bundle),
        ...(options.webhookConfigs !== undefined && { injector: options.webhookConfigs }),
        ...(options.issue !== undefined && { issue: options.issue }),
        ...(options.retryIntervalMs !== undefined && { retryIntervalMs: options.retryIntervalMs }),
        onCheck: readiness,
        onError: (err) => {
          events.onError(err);
          if (manager?.current === undefined) {
            events.onReadiness(false, `waiting for ${options.storeName}: ${err instanceof Error ? err.message : String(err)}`);
          }
        },
      });
      if (!stopped) void manager.start().catch(() => undefined);
      return provisional;
    },
    get caBundle() {
      const ca = manager?.current?.caCert;
      return ca === undefined ? undefined : caBundleBase64(ca);
    },
    stop() {
      stopped = true;
      manager?.stop();
    },
  };
}
