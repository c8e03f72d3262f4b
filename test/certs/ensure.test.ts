import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { ensureCertificates } from "../../certs/ensure.js";
import type { EnsureOptions } from "../../certs/ensure.js";
import { isSignedBy, parseCertificate, splitPemCertificates } from "../../certs/inspect.js";
import { generateRsaKeySync } from "../../certs/keys.js";
import type { KeySource } from "../../certs/keys.js";
import { MemorySecretStore } from "../../certs/memory-store.js";
import { needsRenewal, nextRenewalAt, renewalTimeOf } from "../../certs/renewal.js";
import type { WantedCert } from "../../certs/types.js";

const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date("2026-11-24T12:00:00Z");
const wanted: WantedCert = { service: "kaito-webhook", namespace: "kaito-system" };

// A handful of real keys handed out in turn: issuing stays real, key generation happens once.
const pool = Array.from({ length: 4 }, () => generateRsaKeySync());
let next = 0;
const keys: KeySource = async () => pool[next++ % pool.length] as string;
const options: EnsureOptions = { keys };

const later = (ms: number, from: Date = t0): Date => new Date(from.getTime() + ms);

describe("ensureCertificates", () => {
  it("creates the Secret once; a second call writes nothing", async () => {
    const store = new MemorySecretStore();
    const first = await ensureCertificates(store, wanted, t0, options);
    assert.equal(first.action, "created");
    assert.equal(needsRenewal(first.bundle, wanted, t0).renew, false);
    assert.deepEqual(store.current?.bundle, first.bundle);

    const second = await ensureCertificates(store, wanted, later(DAY), options);
    assert.equal(second.action, "unchanged");
    assert.deepEqual(second.bundle, first.bundle);
    assert.deepEqual(store.stats, { reads: 2, creates: 1, replaces: 0, writes: 1 });
  });

  it("two replicas starting at once end with one Secret and the same certificates", async () => {
    const store = new MemorySecretStore();
    const [a, b] = await Promise.all([
      ensureCertificates(store, wanted, t0, options),
      ensureCertificates(store, wanted, t0, options),
    ]);
    assert.deepEqual([a.action, b.action].sort(), ["adopted", "created"]);
    assert.equal(a.bundle.caCert, b.bundle.caCert);
    assert.deepEqual(a.bundle, b.bundle);
    assert.deepEqual(store.current?.bundle, a.bundle);
    assert.equal(store.stats.writes, 1);
    assert.equal(store.stats.creates, 2, "the loser tried, got 'exists', and re-read");
  });

  it("renews the serving certificate at 2/3 of its life and keeps the CA (caBundle unchanged)", async () => {
    const store = new MemorySecretStore();
    const { bundle } = await ensureCertificates(store, wanted, t0, options);
    const due = nextRenewalAt(bundle);

    const before = await ensureCertificates(store, wanted, later(-1000, due), options);
    assert.equal(before.action, "unchanged");

    const renewed = await ensureCertificates(store, wanted, due, options);
    assert.equal(renewed.action, "renewed");
    assert.match(renewed.reason, /2\/3/);
    assert.equal(renewed.bundle.caCert, bundle.caCert);
    assert.equal(renewed.bundle.caKey, bundle.caKey);
    assert.notEqual(renewed.bundle.tlsCert, bundle.tlsCert);
    assert.ok(isSignedBy(parseCertificate(renewed.bundle.tlsCert), parseCertificate(bundle.caCert)));
    assert.equal(needsRenewal(renewed.bundle, wanted, due).renew, false);
    assert.equal((await ensureCertificates(store, wanted, due, options)).action, "unchanged");
  });

  it("two replicas renewing at once: one replaces, the other adopts its result", async () => {
    const store = new MemorySecretStore();
    const { bundle } = await ensureCertificates(store, wanted, t0, options);
    const due = nextRenewalAt(bundle);
    const [a, b] = await Promise.all([
      ensureCertificates(store, wanted, due, options),
      ensureCertificates(store, wanted, due, options),
    ]);
    assert.deepEqual([a.action, b.action].sort(), ["adopted", "renewed"]);
    assert.deepEqual(a.bundle, b.bundle);
    assert.equal(a.bundle.caCert, bundle.caCert);
    assert.equal(store.stats.writes, 2);
  });

  it("reissues the serving certificate when the wanted names change", async () => {
    const store = new MemorySecretStore();
    const { bundle } = await ensureCertificates(store, wanted, t0, options);
    const more = { ...wanted, dnsNames: ["webhook.example.test"], ipAddresses: ["127.0.0.1"] };
    const renewed = await ensureCertificates(store, more, t0, options);
    assert.equal(renewed.action, "renewed");
    assert.match(renewed.reason, /does not cover/);
    assert.equal(renewed.bundle.caCert, bundle.caCert);
    assert.equal(new X509Certificate(renewed.bundle.tlsCert).checkIP("127.0.0.1"), "127.0.0.1");
  });

  it("fills in an empty placeholder Secret through replace", async () => {
    const store = new MemorySecretStore({ caCert: "", caKey: "", tlsCert: "", tlsKey: "" });
    const result = await ensureCertificates(store, wanted, t0, options);
    assert.equal(result.action, "renewed");
    assert.equal(needsRenewal(result.bundle, wanted, t0).renew, false);
    assert.deepEqual(store.stats, { reads: 1, creates: 0, replaces: 1, writes: 1 });
  });

  it("rotates the CA with an overlap: new CA first, old CA kept, the still-good leaf kept until its own renewal", async () => {
    const short: EnsureOptions = { keys, caValidityDays: 30, validityDays: 9 };
    const store = new MemorySecretStore();
    const first = await ensureCertificates(store, wanted, t0, short);
    const oldCA = splitPemCertificates(first.bundle.caCert)[0];
    // Renew the leaf shortly before the CA is due, so it is fresh when the CA rotates.
    const caDue = renewalTimeOf(parseCertificate(first.bundle.caCert));
    const leafRenewed = await ensureCertificates(store, wanted, later(-DAY, caDue), short);
    assert.equal(leafRenewed.action, "renewed");

    const rotated = await ensureCertificates(store, wanted, caDue, short);
    assert.equal(rotated.action, "renewed");
    assert.match(rotated.reason, /CA reached 2\/3/);
    const cas = splitPemCertificates(rotated.bundle.caCert);
    assert.equal(cas.length, 2);
    assert.notEqual(cas[0], oldCA);
    assert.equal(cas[1], oldCA);
    assert.equal(rotated.bundle.tlsCert, leafRenewed.bundle.tlsCert, "the leaf from the old CA stays in service");

    const leafDue = nextRenewalAt(rotated.bundle);
    const moved = await ensureCertificates(store, wanted, leafDue, short);
    assert.equal(moved.action, "renewed");
    assert.equal(moved.bundle.caCert, rotated.bundle.caCert, "the caBundle does not change again");
    assert.ok(isSignedBy(parseCertificate(moved.bundle.tlsCert), parseCertificate(rotated.bundle.caCert)));
  });

  it("replaces a broken Secret entirely", async () => {
    const store = new MemorySecretStore({ caCert: "garbage", caKey: "garbage", tlsCert: "garbage", tlsKey: "garbage" });
    const result = await ensureCertificates(store, wanted, t0, options);
    assert.equal(result.action, "renewed");
    assert.equal(splitPemCertificates(result.bundle.caCert).length, 1);
    assert.equal(needsRenewal(result.bundle, wanted, t0).renew, false);
  });

  it("gives up with a clear error when the Secret keeps changing", async () => {
    const store = new MemorySecretStore({ caCert: "", caKey: "", tlsCert: "", tlsKey: "" });
    store.replace = async () => "conflict";
    await assert.rejects(ensureCertificates(store, wanted, t0, { ...options, maxAttempts: 3 }), /gave up after 3 attempts/);
  });
});
