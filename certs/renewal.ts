// When to renew. The rule is cert-manager's: at 2/3 of a certificate's lifetime, which leaves a
// third of it (four months for a one-year leaf) to notice and fix a failing renewal before
// anything expires. Anything that does not parse or does not fit together also means "renew":
// the self-managed Secret is ours, so the fix for a broken one is to replace it.
import type { X509Certificate } from "node:crypto";
import { isSignedBy, keyMatchesCertificate, parseCertificate, parseCertificates, validityOf } from "./inspect.js";
import { servingDnsNames } from "./issue.js";
import type { CertBundle, WantedCert } from "./types.js";

export const RENEW_AT_FRACTION = 2 / 3;

export interface RenewalDecision {
  readonly renew: boolean;
  /** why, in words fit for a log line */
  readonly reason: string;
  /**
   * The CA itself must be replaced (it is due, broken or missing). When false a renewal only
   * reissues the serving certificate from the existing CA, so the caBundle does not change.
   */
  readonly rotateCA: boolean;
}

/** notBefore + 2/3 of the lifetime. */
export function renewalTimeOf(cert: X509Certificate): Date {
  const { notBefore, notAfter } = validityOf(cert);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + Math.floor(lifetime * RENEW_AT_FRACTION));
}

/** The earlier of the CA's and the serving certificate's renewal times; throws if either does not parse. */
export function nextRenewalAt(bundle: CertBundle): Date {
  const ca = renewalTimeOf(parseCertificate(bundle.caCert));
  const tls = renewalTimeOf(parseCertificate(bundle.tlsCert));
  return ca.getTime() <= tls.getTime() ? ca : tls;
}

export function needsRenewal(bundle: CertBundle, wanted: WantedCert, now: Date): RenewalDecision {
  const wantedNames = servingDnsNames(wanted);
  const caProblem = problemOf(() => checkCA(bundle, now));
  if (caProblem !== undefined) return { renew: true, reason: caProblem, rotateCA: true };
  const tlsProblem = problemOf(() => checkServing(bundle, wantedNames, wanted.ipAddresses ?? [], now));
  if (tlsProblem !== undefined) return { renew: true, reason: tlsProblem, rotateCA: false };
  return { renew: false, reason: `valid; next renewal at ${nextRenewalAt(bundle).toISOString()}`, rotateCA: false };
}

function checkCA(bundle: CertBundle, now: Date): string | undefined {
  const parsed = attempt(() => parseCertificate(bundle.caCert));
  if (typeof parsed === "string") return `ca.crt does not parse: ${parsed}`;
  const ca = parsed;
  if (!ca.ca) return "ca.crt is not a CA certificate";
  // issue.ts signs with RSA only (node-forge has no ECDSA); a CA it cannot sign with is as
  // good as missing.
  if (ca.publicKey.asymmetricKeyType !== "rsa") return `the CA key is ${ca.publicKey.asymmetricKeyType ?? "unknown"}, not RSA`;
  const matches = attempt(() => keyMatchesCertificate(ca, bundle.caKey));
  if (typeof matches === "string") return `ca.key does not parse: ${matches}`;
  if (!matches) return "ca.key does not match ca.crt";
  const { notBefore } = validityOf(ca);
  if (now.getTime() < notBefore.getTime()) return `CA is not valid before ${notBefore.toISOString()}`;
  const due = renewalTimeOf(ca);
  if (now.getTime() >= due.getTime()) return `CA reached 2/3 of its lifetime at ${due.toISOString()}`;
  return undefined;
}

function checkServing(
  bundle: CertBundle,
  dnsNames: readonly string[],
  ipAddresses: readonly string[],
  now: Date,
): string | undefined {
  const parsed = attempt(() => ({ leaf: parseCertificate(bundle.tlsCert), cas: parseCertificates(bundle.caCert) }));
  if (typeof parsed === "string") return `tls.crt does not parse: ${parsed}`;
  const { leaf, cas } = parsed;
  const matches = attempt(() => keyMatchesCertificate(leaf, bundle.tlsKey));
  if (typeof matches === "string") return `tls.key does not parse: ${matches}`;
  if (!matches) return "tls.key does not match tls.crt";
  // Any CA of the bundle will do: right after a CA rotation the leaf is still the old CA's,
  // which stays in ca.crt until that leaf is renewed (see ensure.ts).
  const issuer = cas.find((ca) => isSignedBy(leaf, ca));
  if (issuer === undefined) return "tls.crt is not signed by the CA in ca.crt";
  if (now.getTime() >= validityOf(issuer).notAfter.getTime()) return "the CA that signed tls.crt has expired";
  const missing = [
    ...dnsNames.filter((name) => leaf.checkHost(name, { subject: "never" }) === undefined),
    ...ipAddresses.filter((ip) => leaf.checkIP(ip) === undefined),
  ];
  if (missing.length > 0) return `tls.crt does not cover ${missing.join(", ")}`;
  const { notBefore } = validityOf(leaf);
  if (now.getTime() < notBefore.getTime()) return `tls.crt is not valid before ${notBefore.toISOString()}`;
  const due = renewalTimeOf(leaf);
  if (now.getTime() >= due.getTime()) return `serving certificate reached 2/3 of its lifetime at ${due.toISOString()}`;
  return undefined;
}

/** A check's finding, with anything it failed to read counted as a finding too. */
function problemOf(check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (err) {
    return `unreadable certificate: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The value, or the error's message: parsing failures are an answer here, not an exception. */
function attempt<T>(f: () => T): T | string {
  try {
    return f();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
