// The certs module's public surface: issuing, renewal policy, Secret persistence, caBundle
// injection, the in-process rotation manager and the mounted-directory loader.
export type { CertBundle, IssueOptions, ServingCerts, WantedCert } from "./types.js";
export { generateRsaKey, generateRsaKeySync } from "./keys.js";
export type { KeySource } from "./keys.js";
export {
  CLOCK_SKEW_MS,
  DEFAULT_CA_COMMON_NAME,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_VALIDITY_DAYS,
  issueBundle,
  issueCA,
  issueServingCert,
  servingCommonName,
  servingDnsNames,
} from "./issue.js";
export type { IssueBundleOptions, IssueCAOptions, IssueServingOptions, IssuedCertificate } from "./issue.js";
export {
  caBundleBase64,
  certValidity,
  isSignedBy,
  keyMatchesCertificate,
  parseCertificate,
  parseCertificates,
  splitPemCertificates,
  validityOf,
} from "./inspect.js";
export type { Validity } from "./inspect.js";
export { RENEW_AT_FRACTION, needsRenewal, nextRenewalAt, renewalTimeOf } from "./renewal.js";
export type { RenewalDecision } from "./renewal.js";
export {
  KubeSecretStore,
  MANAGED_BY_LABEL,
  SECRET_KEYS,
  SECRET_TYPE,
  bundleFromSecretData,
  bundleToSecretData,
} from "./secret-store.js";
export type { SecretStore, SecretsApi, StoredBundle } from "./secret-store.js";
export { MemorySecretStore } from "./memory-store.js";
export type { MemoryStoreStats } from "./memory-store.js";
export { ensureCertificates } from "./ensure.js";
export type { EnsureAction, EnsureOptions, EnsureResult } from "./ensure.js";
export { KubeWebhookConfigApi, injectCABundle, isInjected } from "./ca-bundle.js";
export type { InjectOutcome, InjectResult, WebhookConfigApi, WebhookConfigNames, WebhookEntry, WebhookKind } from "./ca-bundle.js";
export { HOUR_MS, createRotationManager, systemClock } from "./rotation.js";
export type { CheckReport, Clock, RotationManager, RotationOptions, TimerHandle } from "./rotation.js";
export { CERT_DIR_FILES, loadCertDir, watchCertDir } from "./dir-loader.js";
export type { CertDirWatchOptions, CertDirWatcher } from "./dir-loader.js";
export { writeCertDir } from "./dir-writer.js";
