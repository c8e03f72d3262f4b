// Reading certificates back. node:crypto (OpenSSL) does the parsing rather than node-forge:
// these inputs may come from a Secret or a directory someone else wrote, and forge's ASN.1
// parser has had a run of CVEs, while OpenSSL is what the TLS server will use anyway.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM string, in order, each ending with a newline. */
export function splitPemCertificates(pem: string): string[] {
  return (pem.match(PEM_CERT) ?? []).map((block) => `${block}\n`);
}

/** All certificates of a PEM string; throws when there is none or one does not parse. */
export function parseCertificates(pem: string): X509Certificate[] {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) throw new Error("no PEM CERTIFICATE block found");
  return blocks.map((block) => new X509Certificate(block));
}

/** The first certificate of a PEM string (the leaf of a chain, the signing CA of a bundle). */
export function parseCertificate(pem: string): X509Certificate {
  const [first] = parseCertificates(pem);
  if (first === undefined) throw new Error("no PEM CERTIFICATE block found");
  return first;
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** notBefore/notAfter of a parsed certificate (X.509 times have one-second precision). */
export function validityOf(cert: X509Certificate): Validity {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new Error(`unreadable validity period "${cert.validFrom}" .. "${cert.validTo}"`);
  }
  return { notBefore, notAfter };
}

/** notBefore/notAfter of the first certificate of a PEM string. */
export function certValidity(pem: string): Validity {
  return validityOf(parseCertificate(pem));
}

/**
 * Whether a private key belongs to a certificate, by comparing public keys. A half-written
 * Secret volume or a botched manual update shows up exactly as a cert/key pair that parses
 * but does not match, and serving that would fail every TLS handshake.
 */
export function keyMatchesCertificate(cert: X509Certificate, keyPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
  const fromCert = cert.publicKey.export({ type: "spki", format: "der" });
  return fromKey.equals(fromCert);
}

/** Whether `leaf` carries a valid signature from `ca` (names and signature, not dates). */
export function isSignedBy(leaf: X509Certificate, ca: X509Certificate): boolean {
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

/** The value of a webhook's `clientConfig.caBundle`: base64 of the PEM text. */
export function caBundleBase64(caPem: string): string {
  return Buffer.from(caPem, "utf8").toString("base64");
}
