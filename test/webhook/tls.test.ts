// TLS as kube-apiserver meets it: it trusts only the caBundle and checks the name
// <service>.<namespace>.svc; anything else must fail the handshake. TLS below 1.2 and ciphers
// without forward secrecy are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect } from "node:tls";
import type { ConnectionOptions } from "node:tls";
import { createLogger, selfSignedCertificates, startWebhook } from "../../webhook/index.js";
import type { WebhookHandle } from "../../webhook/index.js";
import { bundle, httpsPost, responseOf, SERVICE_HOST, WANTED } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";
import { startServe } from "./serve-process.js";
import type { ServeProcess } from "./serve-process.js";

function handshake(options: ConnectionOptions): Promise<{ protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(options, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.on("error", reject);
  });
}

describe("TLS with the caBundle printed by `kaito-gitops serve`", () => {
  let serve: ServeProcess;
  let caPem: string;

  before(async () => {
    serve = await startServe(["--port", "0", "--host", "127.0.0.1"]);
    caPem = Buffer.from(await serve.firstStdoutLine(), "base64").toString("utf8");
    assert.match(caPem, /^-----BEGIN CERTIFICATE-----/);
  });
  after(async () => {
    serve.child.kill("SIGTERM");
    assert.equal(await serve.exited, 0);
    assert.equal(serve.stdout().split("\n").filter((l) => l !== "").length, 1, "stdout held the caBundle once and nothing else");
    assert.match(serve.stderr(), /listening on https:\/\/127\.0\.0\.1:\d+ with an in-memory self-signed certificate/);
  });

  it("a client trusting only the caBundle and checking svc.ns.svc connects and gets an answer", async () => {
    const url = `https://127.0.0.1:${serve.port}`;
    const res = await httpsPost(url, "/mutate", JSON.stringify(admissionReview({ object: phi3() })), { ca: caPem, servername: SERVICE_HOST });
    assert.equal(res.status, 200);
    assert.equal(responseOf(JSON.parse(res.body)).allowed, true);
    for (const servername of ["localhost", "kaito-gitops-webhook", "kaito-gitops-webhook.kaito-gitops-system.svc.cluster.local"]) {
      await handshake({ host: "127.0.0.1", port: serve.port, ca: caPem, servername });
    }
  });

  it("a client that trusts only the system CAs fails", async () => {
    await assert.rejects(handshake({ host: "127.0.0.1", port: serve.port, servername: SERVICE_HOST }), (err: Error & { code?: string }) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
      return true;
    });
  });

  it("a client that trusts another CA fails", async () => {
    const other = bundle();
    await assert.rejects(handshake({ host: "127.0.0.1", port: serve.port, ca: other.caCert, servername: SERVICE_HOST }), (err: Error & { code?: string }) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
      return true;
    });
  });

  it("a client checking another name fails", async () => {
    await assert.rejects(
      handshake({ host: "127.0.0.1", port: serve.port, ca: caPem, servername: "other-webhook.kaito-gitops-system.svc" }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "ERR_TLS_CERT_ALTNAME_INVALID");
        return true;
      },
    );
  });
});

describe("TLS versions and ciphers", () => {
  let handle: WebhookHandle;
  let ca: string;
  before(async () => {
    handle = await startWebhook({ certificates: selfSignedCertificates(WANTED), port: 0, host: "127.0.0.1", logger: createLogger({ level: "silent" }) });
    ca = Buffer.from(handle.caBundle ?? "", "base64").toString("utf8");
  });
  after(async () => {
    await handle.close();
  });
  const base = (): ConnectionOptions => ({ host: "127.0.0.1", port: handle.address.port, ca, servername: SERVICE_HOST });

  it("negotiates TLS 1.3 by default", async () => {
    assert.equal((await handshake(base())).protocol, "TLSv1.3");
  });

  it("accepts TLS 1.2 with an ECDHE AEAD cipher", async () => {
    const result = await handshake({ ...base(), maxVersion: "TLSv1.2" });
    assert.equal(result.protocol, "TLSv1.2");
    assert.match(result.cipher, /^ECDHE-RSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  it("refuses TLS 1.1 and 1.0", async () => {
    for (const version of ["TLSv1.1", "TLSv1"] as const) {
      await assert.rejects(handshake({ ...base(), minVersion: version, maxVersion: version, ciphers: "DEFAULT@SECLEVEL=0" }));
    }
  });

  it("refuses TLS 1.2 without forward secrecy or with CBC", async () => {
    for (const ciphers of ["AES128-GCM-SHA256", "AES256-SHA", "ECDHE-RSA-AES128-SHA"]) {
      await assert.rejects(handshake({ ...base(), maxVersion: "TLSv1.2", ciphers }), Error, ciphers);
    }
  });
});
