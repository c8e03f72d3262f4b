import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { certValidity } from "../../certs/inspect.js";
import { issueBundle } from "../../certs/issue.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import { needsRenewal, nextRenewalAt, renewalTimeOf } from "../../certs/renewal.js";
import type { CertBundle, WantedCert } from "../../certs/types.js";

const SECOND = 1000;
const now = new Date("2026-11-24T12:00:00Z");
const wanted: WantedCert = { service: "kaito-webhook", namespace: "kaito-system", ipAddresses: ["127.0.0.1"] };
const [keyA, keyB, keyC] = [generateRsaKeySync(), generateRsaKeySync(), generateRsaKeySync()] as [string, string, string];
const bundle: CertBundle = issueBundle(wanted, now, { caKeyPem: keyA, tlsKeyPem: keyB });
const other: CertBundle = issueBundle(wanted, now, { caKeyPem: keyC, tlsKeyPem: keyB });

const at = (ms: number): Date => new Date(ms);

describe("renewalTimeOf / nextRenewalAt", () => {
  it("is notBefore + 2/3 of the lifetime", () => {
    const { notBefore, notAfter } = certValidity(bundle.tlsCert);
    const expected = notBefore.getTime() + Math.floor(((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
    assert.equal(renewalTimeOf(new X509Certificate(bundle.tlsCert)).getTime(), expected);
  });

  it("is the serving certificate's, which comes long before the CA's", () => {
    assert.equal(nextRenewalAt(bundle).getTime(), renewalTimeOf(new X509Certificate(bundle.tlsCert)).getTime());
    assert.ok(nextRenewalAt(bundle) < renewalTimeOf(new X509Certificate(bundle.caCert)));
  });
});

describe("needsRenewal", () => {
  const due = nextRenewalAt(bundle).getTime();

  it("keeps a fresh certificate (at 0% of its lifetime)", () => {
    const decision = needsRenewal(bundle, wanted, now);
    assert.equal(decision.renew, false, decision.reason);
    assert.match(decision.reason, /next renewal at/);
  });

  it("keeps it just under 2/3 of its lifetime", () => {
    assert.equal(needsRenewal(bundle, wanted, at(due - SECOND)).renew, false);
  });

  it("renews it at and just over 2/3 of its lifetime, keeping the CA", () => {
    for (const when of [due, due + SECOND]) {
      const decision = needsRenewal(bundle, wanted, at(when));
      assert.equal(decision.renew, true);
      assert.equal(decision.rotateCA, false);
      assert.match(decision.reason, /serving certificate reached 2\/3/);
    }
  });

  it("rotates the CA once the CA passes 2/3 of its own lifetime", () => {
    const caDue = renewalTimeOf(new X509Certificate(bundle.caCert)).getTime();
    assert.equal(needsRenewal(bundle, wanted, at(caDue - SECOND)).rotateCA, false);
    const decision = needsRenewal(bundle, wanted, at(caDue + SECOND));
    assert.deepEqual({ renew: decision.renew, rotateCA: decision.rotateCA }, { renew: true, rotateCA: true });
    assert.match(decision.reason, /CA reached 2\/3/);
  });

  it("renews when the SANs do not cover a wanted DNS name or IP", () => {
    const extraDns = needsRenewal(bundle, { ...wanted, dnsNames: ["webhook.example.test"] }, now);
    assert.equal(extraDns.renew, true);
    assert.equal(extraDns.rotateCA, false);
    assert.match(extraDns.reason, /does not cover webhook\.example\.test/);
    assert.match(needsRenewal(bundle, { ...wanted, ipAddresses: ["10.0.0.1"] }, now).reason, /does not cover 10\.0\.0\.1/);
    assert.match(needsRenewal(bundle, { ...wanted, service: "renamed" }, now).reason, /does not cover renamed/);
  });

  it("accepts a certificate covering more than is wanted", () => {
    assert.equal(needsRenewal(bundle, { service: wanted.service, namespace: wanted.namespace }, now).renew, false);
  });

  it("renews a serving certificate that another CA signed", () => {
    const decision = needsRenewal({ ...bundle, tlsCert: other.tlsCert, tlsKey: other.tlsKey }, wanted, now);
    assert.equal(decision.renew, true);
    assert.equal(decision.rotateCA, false);
    assert.match(decision.reason, /not signed by the CA/);
  });

  it("renews when a key does not match its certificate", () => {
    assert.match(needsRenewal({ ...bundle, tlsKey: keyA }, wanted, now).reason, /tls\.key does not match/);
    const ca = needsRenewal({ ...bundle, caKey: keyB }, wanted, now);
    assert.equal(ca.rotateCA, true);
    assert.match(ca.reason, /ca\.key does not match/);
  });

  it("renews anything that does not parse, rotating the CA only when the CA part is broken", () => {
    const brokenCA = needsRenewal({ ...bundle, caCert: "not a certificate" }, wanted, now);
    assert.deepEqual([brokenCA.renew, brokenCA.rotateCA], [true, true]);
    const brokenCaKey = needsRenewal({ ...bundle, caKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }, wanted, now);
    assert.deepEqual([brokenCaKey.renew, brokenCaKey.rotateCA], [true, true]);
    const emptyLeaf = needsRenewal({ ...bundle, tlsCert: "", tlsKey: "" }, wanted, now);
    assert.deepEqual([emptyLeaf.renew, emptyLeaf.rotateCA], [true, false]);
    const empty = needsRenewal({ caCert: "", caKey: "", tlsCert: "", tlsKey: "" }, wanted, now);
    assert.deepEqual([empty.renew, empty.rotateCA], [true, true]);
  });

  it("renews a certificate that is not valid yet (clock far behind the issuer's)", () => {
    const early = new Date(now.getTime() - 2 * 60 * 60 * SECOND);
    const decision = needsRenewal(bundle, wanted, early);
    assert.equal(decision.renew, true);
    assert.match(decision.reason, /not valid before/);
  });
});
