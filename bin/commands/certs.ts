// `kaito-gitops certs`: issue a CA and a serving certificate as files, for installs that manage
// the webhook's TLS outside the cluster (CI, a laptop, a test harness with a real apiserver).
// Prints the caBundle (base64 of ca.crt) on stdout so it can be piped straight into a patch.
import { isIP } from "node:net";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ExitCode } from "../cli-io.js";
import type { CliIO, Command } from "../cli-io.js";
import { readCertDirCA, writeCertDir } from "../../certs/dir-writer.js";
import { caBundleBase64, certValidity } from "../../certs/inspect.js";
import { DEFAULT_CA_VALIDITY_DAYS, DEFAULT_VALIDITY_DAYS, issueCA, issueServingCert, servingDnsNames } from "../../certs/issue.js";
import { needsRenewal } from "../../certs/renewal.js";
import type { CertBundle, WantedCert } from "../../certs/types.js";

const USAGE = `usage: kaito-gitops certs --namespace NS --service SVC --out DIR [options]

Writes ca.crt, ca.key, tls.crt and tls.key (keys mode 0600) into DIR and prints the
webhook caBundle (base64 of ca.crt) on stdout. A valid CA already in DIR is reused,
so re-running renews the serving certificate without changing the caBundle.

  --namespace NS   namespace of the webhook Service (required)
  --service SVC    name of the webhook Service (required)
  --out DIR        output directory, created if absent (required)
  --ip ADDR        extra IP SAN, repeatable (e.g. 127.0.0.1 for local tests)
  --dns NAME       extra DNS SAN, repeatable
  --days N         serving certificate lifetime in days (default ${DEFAULT_VALIDITY_DAYS})
  --ca-days N      CA lifetime in days when a new CA is issued (default ${DEFAULT_CA_VALIDITY_DAYS})
  -h, --help       show this help
`;

class UsageError extends Error {}

interface CertsArgs {
  readonly wanted: WantedCert;
  readonly out: string;
  readonly days: number;
  readonly caDays: number;
}

export const run: Command = async (argv, io) => {
  let args: CertsArgs | "help";
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`certs: ${err.message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  if (args === "help") {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  try {
    return await issue(args, io);
  } catch (err) {
    io.stderr.write(`certs: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.internal;
  }
};

const OPTIONS = {
  namespace: { type: "string" },
  service: { type: "string" },
  out: { type: "string" },
  ip: { type: "string", multiple: true },
  dns: { type: "string", multiple: true },
  days: { type: "string" },
  "ca-days": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function flags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // parseArgs' messages already name the offending flag or argument.
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function parse(argv: readonly string[]): CertsArgs | "help" {
  const values = flags(argv);
  if (values.help === true) return "help";
  const namespace = required(values.namespace, "--namespace");
  const service = required(values.service, "--service");
  const out = required(values.out, "--out");
  for (const ip of values.ip ?? []) {
    if (isIP(ip) === 0) throw new UsageError(`--ip "${ip}" is not an IPv4 or IPv6 address`);
  }
  const wanted: WantedCert = { namespace, service, dnsNames: values.dns ?? [], ipAddresses: values.ip ?? [] };
  try {
    servingDnsNames(wanted);
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    wanted,
    out,
    days: days(values.days, "--days", DEFAULT_VALIDITY_DAYS),
    caDays: days(values["ca-days"], "--ca-days", DEFAULT_CA_VALIDITY_DAYS),
  };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`missing required flag ${flag}`);
  return value;
}

function days(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UsageError(`${flag} must be a whole number of days (1 or more), got "${value}"`);
  return Number(value);
}

async function issue(args: CertsArgs, io: CliIO): Promise<number> {
  const now = new Date();
  const dir = resolve(io.cwd, args.out);
  const previous = await readCertDirCA(dir);
  const reuse =
    previous !== undefined &&
    !needsRenewal({ ...previous, tlsCert: "", tlsKey: "" }, args.wanted, now).rotateCA;
  const ca =
    reuse && previous !== undefined
      ? { certPem: previous.caCert, keyPem: previous.caKey }
      : issueCA(now, { validityDays: args.caDays });
  const tls = issueServingCert(ca, args.wanted, now, { validityDays: args.days });
  const bundle: CertBundle = { caCert: ca.certPem, caKey: ca.keyPem, tlsCert: tls.certPem, tlsKey: tls.keyPem };
  const written = await writeCertDir(dir, bundle);

  const caValidity = certValidity(bundle.caCert);
  const tlsValidity = certValidity(bundle.tlsCert);
  const sans = [...servingDnsNames(args.wanted), ...(args.wanted.ipAddresses ?? [])];
  io.stderr.write(
    [
      `certs: wrote ${written.join(", ")}`,
      `  CA       ${reuse ? "reused from " + dir : "new"}, valid until ${caValidity.notAfter.toISOString()}`,
      `  serving  CN=${args.wanted.service}.${args.wanted.namespace}.svc, valid until ${tlsValidity.notAfter.toISOString()}`,
      `  SANs     ${sans.join(", ")}`,
      "  stdout   the caBundle (base64 of ca.crt) for clientConfig.caBundle",
      "",
    ].join("\n"),
  );
  io.stdout.write(`${caBundleBase64(bundle.caCert)}\n`);
  return ExitCode.ok;
}
