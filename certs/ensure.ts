// Converging the Secret to a valid certificate set, safely with several replicas starting at
// once. There is no leader election: every write is conditional (create fails if the Secret
// exists, replace carries the resourceVersion that was read), and whoever loses a race
// re-reads and takes the winner's certificates, so all replicas end up serving one set.
import { X509Certificate } from "node:crypto";
import { splitPemCertificates, validityOf } from "./inspect.js";
import { issueBundle, issueCA, issueServingCert } from "./issue.js";
import { generateRsaKey } from "./keys.js";
import type { KeySource } from "./keys.js";
import { needsRenewal } from "./renewal.js";
import type { RenewalDecision } from "./renewal.js";
import type { SecretStore } from "./secret-store.js";
import type { CertBundle, IssueOptions, WantedCert } from "./types.js";

export interface EnsureOptions extends IssueOptions {
  /** where new private keys come from (default: native async RSA-2048) */
  readonly keys?: KeySource;
  /** read-decide-write rounds before giving up when the Secret keeps changing (default 5) */
  readonly maxAttempts?: number;
}

/**
 * - unchanged: the stored set was valid, nothing was written
 * - created:   there was no Secret; this call created it
 * - renewed:   this call replaced the Secret's contents
 * - adopted:   another writer won a race; its (valid) set is returned
 */
export type EnsureAction = "unchanged" | "created" | "renewed" | "adopted";

export interface EnsureResult {
  readonly bundle: CertBundle;
  readonly action: EnsureAction;
  readonly reason: string;
}

export async function ensureCertificates(
  store: SecretStore,
  wanted: WantedCert,
  now: Date,
  options: EnsureOptions = {},
): Promise<EnsureResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  let lostRace = false;
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const stored = await store.read();
    if (stored === undefined) {
      const bundle = await freshBundle(wanted, now, options);
      if ((await store.create(bundle)) === "created") return { bundle, action: "created", reason: "no Secret yet" };
      lostRace = true;
      continue;
    }
    const decision = needsRenewal(stored.bundle, wanted, now);
    if (!decision.renew) {
      return { bundle: stored.bundle, action: lostRace ? "adopted" : "unchanged", reason: decision.reason };
    }
    const renewed = await renew(stored.bundle, decision, wanted, now, options);
    if ((await store.replace(renewed, stored.resourceVersion)) === "replaced") {
      return { bundle: renewed, action: "renewed", reason: decision.reason };
    }
    lostRace = true;
  }
  throw new Error(`certificates: gave up after ${maxAttempts} attempts, the Secret kept changing concurrently`);
}

async function freshBundle(wanted: WantedCert, now: Date, options: EnsureOptions): Promise<CertBundle> {
  const keys = options.keys ?? generateRsaKey;
  return issueBundle(wanted, now, { ...issueOptions(options), caKeyPem: await keys(), tlsKeyPem: await keys() });
}

async function renew(
  old: CertBundle,
  decision: RenewalDecision,
  wanted: WantedCert,
  now: Date,
  options: EnsureOptions,
): Promise<CertBundle> {
  const keys = options.keys ?? generateRsaKey;
  if (!decision.rotateCA) {
    // Only the leaf: same CA, same ca.crt, so the injected caBundle stays byte-for-byte the same.
    const tls = issueServingCert({ certPem: old.caCert, keyPem: old.caKey }, wanted, now, {
      ...(options.validityDays !== undefined && { validityDays: options.validityDays }),
      keyPem: await keys(),
    });
    return { ...old, tlsCert: tls.certPem, tlsKey: tls.keyPem };
  }

  const ca = issueCA(now, {
    ...(options.caCommonName !== undefined && { commonName: options.caCommonName }),
    ...(options.caValidityDays !== undefined && { validityDays: options.caValidityDays }),
    keyPem: await keys(),
  });
  // The old CA stays trusted next to the new one: replicas that have not re-read the Secret yet
  // still serve a leaf it signed, and the apiserver only learns the new CA once it is injected.
  const previous = stillValidCA(old.caCert, now);
  const caCert = previous === undefined ? ca.certPem : ca.certPem + previous;
  const keepingLeaf: CertBundle = { caCert, caKey: ca.keyPem, tlsCert: old.tlsCert, tlsKey: old.tlsKey };
  // If the current leaf is still good it is kept, so the new CA reaches every caBundle before
  // any server presents a certificate from it; the leaf moves over at its own renewal time.
  if (previous !== undefined && !needsRenewal(keepingLeaf, wanted, now).renew) return keepingLeaf;
  const tls = issueServingCert(ca, wanted, now, {
    ...(options.validityDays !== undefined && { validityDays: options.validityDays }),
    keyPem: await keys(),
  });
  return { caCert, caKey: ca.keyPem, tlsCert: tls.certPem, tlsKey: tls.keyPem };
}

/** The signing CA of an old ca.crt (its first certificate) if it is a CA and has not expired. */
function stillValidCA(caPem: string, now: Date): string | undefined {
  const [first] = splitPemCertificates(caPem);
  if (first === undefined) return undefined;
  try {
    const cert = new X509Certificate(first);
    return cert.ca && now.getTime() < validityOf(cert).notAfter.getTime() ? first : undefined;
  } catch {
    return undefined;
  }
}

function issueOptions(options: EnsureOptions): IssueOptions {
  return {
    ...(options.caCommonName !== undefined && { caCommonName: options.caCommonName }),
    ...(options.caValidityDays !== undefined && { caValidityDays: options.caValidityDays }),
    ...(options.validityDays !== undefined && { validityDays: options.validityDays }),
  };
}
