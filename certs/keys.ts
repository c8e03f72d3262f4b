// RSA key generation through node:crypto. node-forge can generate keys too, but its pure-JS
// path takes seconds; OpenSSL takes ~200 ms, and the async form runs that on the libuv thread
// pool instead of stalling admission requests on the event loop during a rotation.
import { generateKeyPair, generateKeyPairSync } from "node:crypto";
import { promisify } from "node:util";

/** Produces a PEM (PKCS#8) private key; injectable so tests can reuse a few pre-made keys. */
export type KeySource = () => Promise<string>;

const RSA_BITS = 2048;

const generateKeyPairAsync = promisify(generateKeyPair);

/** Blocks the event loop for ~200 ms: fine for the CLI and for tests, not for a serving process. */
export function generateRsaKeySync(): string {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return privateKey;
}

/** The default KeySource for long-running processes. */
export const generateRsaKey: KeySource = async () => {
  const { privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return privateKey;
};
