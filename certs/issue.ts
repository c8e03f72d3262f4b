// Building and signing certificates with node-forge (the design's choice: node:crypto can parse
// X.509 but not create it). Everything here is deterministic given `now` and the keys, except
// the random serial numbers; keys are generated natively when not passed in.
//
// forge assembles the certificate and drives the signing, but the RSA operation itself goes to
// OpenSSL: forge's pure-JS private key parsing and signing take ~50 ms per certificate on the
// event loop of a process that is serving admission requests; natively it is ~1 ms.
import { constants, createPrivateKey, createPublicKey, privateEncrypt, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";
import { generateRsaKeySync } from "./keys.js";
import { splitPemCertificates } from "./inspect.js";
import type { CertBundle, IssueOptions, WantedCert } from "./types.js";

export const DEFAULT_CA_COMMON_NAME = "kaito-gitops-webhook-ca";
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_VALIDITY_DAYS = 365;
/** notBefore is back-dated so a peer whose clock lags ours still accepts a fresh certificate. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface IssueCAOptions {
  readonly commonName?: string;
  readonly validityDays?: number;
  /** PKCS#8 or PKCS#1 RSA private key; generated when absent */
  readonly keyPem?: string;
}

export interface IssueServingOptions {
  readonly validityDays?: number;
  /** PKCS#8 or PKCS#1 RSA private key; generated when absent */
  readonly keyPem?: string;
}

export interface IssueBundleOptions extends IssueOptions {
  readonly caKeyPem?: string;
  readonly tlsKeyPem?: string;
}

/**
 * The DNS names the serving certificate must carry. kube-apiserver dials `svc.ns.svc` (and
 * sends it as SNI); the shorter and longer forms cover in-cluster clients that resolve the
 * Service through the search path or by its fully qualified name.
 */
export function servingDnsNames(wanted: WantedCert): string[] {
  checkWanted(wanted);
  const { service: s, namespace: ns } = wanted;
  const names = [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`, ...(wanted.dnsNames ?? [])];
  return [...new Set(names)];
}

/** The serving certificate's common name; clients ignore it when SANs exist, humans read it. */
export function servingCommonName(wanted: WantedCert): string {
  return `${wanted.service}.${wanted.namespace}.svc`;
}

/** A self-signed CA: basicConstraints CA:true, keyUsage keyCertSign and cRLSign. */
export function issueCA(now: Date, options: IssueCAOptions = {}): IssuedCertificate {
  const days = checkDays(options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS, "CA validity");
  const keyPem = options.keyPem ?? generateRsaKeySync();
  const key = createPrivateKey(keyPem);
  const subject = [{ name: "commonName", value: options.commonName ?? DEFAULT_CA_COMMON_NAME }];

  const cert = newCertificate(key, now, new Date(now.getTime() + days * DAY_MS));
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  sign(cert, key);
  return { certPem: toPem(cert), keyPem };
}

/**
 * A serving certificate signed by `ca` (only the first certificate of `ca.certPem` is used,
 * it must be the one matching `ca.keyPem`). Its notAfter never passes the CA's, so a leaf can
 * not outlive the trust anchor that vouches for it.
 */
export function issueServingCert(
  ca: IssuedCertificate,
  wanted: WantedCert,
  now: Date,
  options: IssueServingOptions = {},
): IssuedCertificate {
  const days = checkDays(options.validityDays ?? DEFAULT_VALIDITY_DAYS, "serving certificate validity");
  const dnsNames = servingDnsNames(wanted);
  const [caBlock] = splitPemCertificates(ca.certPem);
  if (caBlock === undefined) throw new Error("CA certificate: no PEM CERTIFICATE block found");
  const caCert = forge.pki.certificateFromPem(caBlock);
  const caKey = createPrivateKey(ca.keyPem);

  const wantedNotAfter = now.getTime() + days * DAY_MS;
  const notAfter = new Date(Math.min(wantedNotAfter, caCert.validity.notAfter.getTime()));
  if (notAfter.getTime() <= now.getTime()) {
    throw new Error(`CA "${caCert.subject.getField("CN")?.value ?? "?"}" has expired; issue a new CA first`);
  }

  const keyPem = options.keyPem ?? generateRsaKeySync();
  const cert = newCertificate(createPrivateKey(keyPem), now, notAfter);
  cert.setSubject([{ name: "commonName", value: servingCommonName(wanted) }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        ...dnsNames.map((value) => ({ type: 2, value })),
        ...(wanted.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: "subjectKeyIdentifier" },
    // Lets verifiers pick the right CA when an old and a new CA with the same name are both
    // in the caBundle during a CA rotation.
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  sign(cert, caKey);
  return { certPem: toPem(cert), keyPem };
}

/** A fresh CA and a serving certificate signed by it. */
export function issueBundle(wanted: WantedCert, now: Date, options: IssueBundleOptions = {}): CertBundle {
  const ca = issueCA(now, {
    ...(options.caCommonName !== undefined && { commonName: options.caCommonName }),
    ...(options.caValidityDays !== undefined && { validityDays: options.caValidityDays }),
    ...(options.caKeyPem !== undefined && { keyPem: options.caKeyPem }),
  });
  const tls = issueServingCert(ca, wanted, now, {
    ...(options.validityDays !== undefined && { validityDays: options.validityDays }),
    ...(options.tlsKeyPem !== undefined && { keyPem: options.tlsKeyPem }),
  });
  return { caCert: ca.certPem, caKey: ca.keyPem, tlsCert: tls.certPem, tlsKey: tls.keyPem };
}

function newCertificate(key: KeyObject, now: Date, notAfter: Date): forge.pki.Certificate {
  if (key.asymmetricKeyType !== "rsa") throw new TypeError(`expected an RSA private key, got ${key.asymmetricKeyType ?? "?"}`);
  const cert = forge.pki.createCertificate();
  const spki = createPublicKey(key).export({ type: "spki", format: "pem" });
  cert.publicKey = forge.pki.publicKeyFromPem(spki.toString());
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = notAfter;
  return cert;
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * cert.sign with an RSA "key" whose only job, sign(md), is done by OpenSSL: PKCS#1 v1.5 over
 * the DigestInfo of the digest forge computed, which is exactly what forge's own RSA key does.
 */
function sign(cert: forge.pki.Certificate, key: KeyObject): void {
  const signer: Pick<forge.pki.rsa.PrivateKey, "sign"> = {
    sign: (md) => {
      if (typeof md === "string") throw new TypeError("expected a message digest");
      const digest = Buffer.from(md.digest().getBytes(), "binary");
      const info = Buffer.concat([SHA256_DIGEST_INFO, digest]);
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, info).toString("binary");
    },
  };
  cert.sign(signer as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

/**
 * 128 random bits minus two, as hex. The top bit is cleared so the DER INTEGER is positive, and
 * the next one set so the first byte is never 0x00: Go's parser (kube-apiserver) rejects
 * non-minimal INTEGER encodings.
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString("hex");
}

function toPem(cert: forge.pki.Certificate): string {
  // forge writes CRLF line ends; Secrets and files written by everything else use LF.
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

function checkDays(days: number, what: string): number {
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`${what} must be a positive number of days, got ${days}`);
  return days;
}

function checkWanted(wanted: WantedCert): void {
  for (const [field, value] of [["service", wanted.service], ["namespace", wanted.namespace]] as const) {
    if (value.length > 63 || !DNS_LABEL.test(value)) {
      throw new TypeError(`${field} "${value}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)`);
    }
  }
  for (const name of wanted.dnsNames ?? []) {
    if (name.length > 253 || !DNS_NAME.test(name)) throw new TypeError(`"${name}" is not a valid DNS name`);
  }
  for (const ip of wanted.ipAddresses ?? []) {
    if (isIP(ip) === 0) throw new TypeError(`"${ip}" is not an IP address`);
  }
}
