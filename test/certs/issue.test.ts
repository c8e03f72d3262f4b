import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
import forge from "node-forge";
import { certValidity } from "../../certs/inspect.js";
import { CLOCK_SKEW_MS, issueBundle, issueCA, issueServingCert, servingDnsNames } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { CertBundle, WantedCert } from "../../certs/types.js";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-11-24T12:00:00Z");
const wanted: WantedCert = {
  service: "kaito-webhook",
  namespace: "kaito-system",
  dnsNames: ["webhook.example.test"],
  ipAddresses: ["127.0.0.1"],
};
// Key generation dominates the cost; make the few keys this file needs once.
const caKey = generateRsaKeySync();
const tlsKey = generateRsaKeySync();
const bundle: CertBundle = issueBundle(wanted, now, { caKeyPem: caKey, tlsKeyPem: tlsKey });
const leaf = new X509Certificate(bundle.tlsCert);
const ca = new X509Certificate(bundle.caCert);

describe("issueBundle: the CA", () => {
  it("is a CA named kaito-gitops-webhook-ca, valid 10 years from an hour before now", () => {
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, "CN=kaito-gitops-webhook-ca");
    assert.equal(ca.issuer, ca.subject);
    const { notBefore, notAfter } = certValidity(bundle.caCert);
    assert.equal(notBefore.getTime(), now.getTime() - CLOCK_SKEW_MS);
    assert.equal(notAfter.getTime(), now.getTime() + 3650 * DAY);
  });

  it("has basicConstraints CA:true and keyUsage keyCertSign + cRLSign, both critical", () => {
    const cert = forge.pki.certificateFromPem(bundle.caCert);
    const basic = cert.getExtension("basicConstraints") as { cA?: boolean; critical?: boolean };
    const usage = cert.getExtension("keyUsage") as Record<string, boolean | undefined>;
    assert.equal(basic.cA, true);
    assert.equal(basic.critical, true);
    assert.equal(usage.keyCertSign, true);
    assert.equal(usage.cRLSign, true);
    assert.equal(usage.critical, true);
  });

  it("is self-signed with its own key", () => {
    assert.equal(ca.verify(ca.publicKey), true);
    assert.equal(ca.checkPrivateKey(createPrivateKey(bundle.caKey)), true);
  });
});

describe("issueBundle: the serving certificate", () => {
  it("has CN svc.ns.svc and SANs svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local, extras and IPs", () => {
    assert.equal(leaf.subject, "CN=kaito-webhook.kaito-system.svc");
    assert.equal(
      leaf.subjectAltName,
      [
        "DNS:kaito-webhook",
        "DNS:kaito-webhook.kaito-system",
        "DNS:kaito-webhook.kaito-system.svc",
        "DNS:kaito-webhook.kaito-system.svc.cluster.local",
        "DNS:webhook.example.test",
        "IP Address:127.0.0.1",
      ].join(", "),
    );
  });

  it("is valid one year from an hour before now, is not a CA, and is for serverAuth", () => {
    const { notBefore, notAfter } = certValidity(bundle.tlsCert);
    assert.equal(notBefore.getTime(), now.getTime() - CLOCK_SKEW_MS);
    assert.equal(notAfter.getTime(), now.getTime() + 365 * DAY);
    assert.equal(leaf.ca, false);
    assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  });

  it("is signed by the CA (checkIssued and verify)", () => {
    assert.equal(leaf.checkIssued(ca), true);
    assert.equal(leaf.verify(ca.publicKey), true);
    assert.equal(leaf.checkPrivateKey(createPrivateKey(bundle.tlsKey)), true);
  });

  it("passes checkServerIdentity for svc.ns.svc and fails it for other.ns.svc", () => {
    const peer = leaf.toLegacyObject();
    assert.equal(tls.checkServerIdentity("kaito-webhook.kaito-system.svc", peer), undefined);
    const err = tls.checkServerIdentity("other.kaito-system.svc", peer);
    assert.ok(err instanceof Error);
    assert.match(err.message, /other\.kaito-system\.svc/);
  });

  it("has random positive 126-bit serial numbers, different for every certificate", () => {
    const again = issueBundle(wanted, now, { caKeyPem: caKey, tlsKeyPem: tlsKey });
    const serials = [ca, leaf, new X509Certificate(again.caCert), new X509Certificate(again.tlsCert)].map(
      (cert) => cert.serialNumber,
    );
    assert.equal(new Set(serials).size, 4);
    for (const serial of serials) {
      assert.match(serial, /^[4-7][0-9A-F]{31}$/, "16 bytes, top bit clear, first byte never 0x00");
    }
  });

  it("never outlives its CA", () => {
    const shortCA = issueCA(now, { validityDays: 30, keyPem: caKey });
    const cert = issueServingCert(shortCA, wanted, now, { validityDays: 365, keyPem: tlsKey });
    assert.equal(certValidity(cert.certPem).notAfter.getTime(), certValidity(shortCA.certPem).notAfter.getTime());
  });

  it("refuses to sign with an expired CA", () => {
    const oldCA = issueCA(new Date(now.getTime() - 60 * DAY), { validityDays: 30, keyPem: caKey });
    assert.throws(() => issueServingCert(oldCA, wanted, now, { keyPem: tlsKey }), /has expired/);
  });

  it("rejects names that cannot go in a certificate and non-positive lifetimes", () => {
    assert.throws(() => servingDnsNames({ service: "Kaito_Webhook", namespace: "ns" }), /service "Kaito_Webhook"/);
    assert.throws(() => servingDnsNames({ service: "svc", namespace: "ns", ipAddresses: ["300.1.1.1"] }), /not an IP/);
    assert.throws(() => servingDnsNames({ service: "svc", namespace: "ns", dnsNames: ["bad name"] }), /not a valid DNS/);
    assert.throws(() => issueCA(now, { validityDays: 0, keyPem: caKey }), RangeError);
  });
});

describe("a TLS handshake with the issued certificates", () => {
  let server: tls.Server;
  let port: number;

  before(async () => {
    server = tls.createServer({ cert: bundle.tlsCert, key: bundle.tlsKey }, (socket) => socket.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connect = (servername: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, servername, ca: bundle.caCert }, () => {
        socket.end();
        resolve(socket.authorized ? "authorized" : String(socket.authorizationError));
      });
      socket.on("error", reject);
    });

  it("succeeds with the caBundle as trust anchor and SNI svc.ns.svc, as kube-apiserver dials", async () => {
    assert.equal(await connect("kaito-webhook.kaito-system.svc"), "authorized");
  });

  it("fails for a name the certificate does not carry", async () => {
    await assert.rejects(connect("other.kaito-system.svc"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });
});
