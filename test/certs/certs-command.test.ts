import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, describe, it } from "node:test";
import type { CliIO } from "../../bin/cli-io.js";
import { ExitCode } from "../../bin/cli-io.js";
import { run } from "../../bin/commands/certs.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kaito-certs-cmd-"));
  dirs.push(dir);
  return dir;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function runCerts(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const io: CliIO = { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]), env: {}, cwd };
  const code = await run(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("kaito-gitops certs", () => {
  it("writes ca.crt, ca.key, tls.crt, tls.key (keys 0600) and prints the caBundle", async () => {
    const cwd = await workDir();
    const result = await runCerts(
      ["--namespace", "kaito-system", "--service", "kaito-webhook", "--out", "out/certs", "--ip", "127.0.0.1", "--dns", "localhost", "--days", "30"],
      cwd,
    );
    assert.equal(result.code, ExitCode.ok, result.stderr);
    const out = join(cwd, "out/certs");
    assert.deepEqual((await readdir(out)).sort(), ["ca.crt", "ca.key", "tls.crt", "tls.key"]);
    assert.equal(await mode(join(out, "ca.key")), 0o600);
    assert.equal(await mode(join(out, "tls.key")), 0o600);
    assert.equal(await mode(join(out, "ca.crt")), 0o644);
    assert.equal(await mode(join(out, "tls.crt")), 0o644);
    assert.equal(await mode(out), 0o700);

    const caPem = await readFile(join(out, "ca.crt"), "utf8");
    assert.equal(result.stdout, `${Buffer.from(caPem).toString("base64")}\n`);
    const leaf = new X509Certificate(await readFile(join(out, "tls.crt")));
    assert.ok(leaf.verify(new X509Certificate(caPem).publicKey));
    assert.equal(leaf.checkHost("kaito-webhook.kaito-system.svc", { subject: "never" }), "kaito-webhook.kaito-system.svc");
    assert.equal(leaf.checkHost("localhost", { subject: "never" }), "localhost");
    assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
    const lifetime = new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime();
    assert.equal(lifetime, 30 * 24 * 3600 * 1000 + 3600 * 1000, "30 days plus the hour of back-dating");
    assert.match(result.stderr, /wrote .*ca\.crt/);
    assert.match(result.stderr, /kaito-webhook\.kaito-system\.svc/);
  });

  it("re-running keeps the CA in the directory and renews only the serving certificate", async () => {
    const cwd = await workDir();
    const args = ["--namespace", "ns", "--service", "svc", "--out", "certs"];
    const first = await runCerts(args, cwd);
    const caBefore = await readFile(join(cwd, "certs/ca.crt"), "utf8");
    const tlsBefore = await readFile(join(cwd, "certs/tls.crt"), "utf8");
    const second = await runCerts(args, cwd);
    assert.equal(second.code, ExitCode.ok, second.stderr);
    assert.equal(await readFile(join(cwd, "certs/ca.crt"), "utf8"), caBefore);
    assert.notEqual(await readFile(join(cwd, "certs/tls.crt"), "utf8"), tlsBefore);
    assert.equal(second.stdout, first.stdout, "same caBundle");
    assert.match(second.stderr, /CA\s+reused/);
  });

  it("fails with exit 2 naming --namespace when it is missing, and writes nothing", async () => {
    const cwd = await workDir();
    const result = await runCerts(["--service", "svc", "--out", "certs"], cwd);
    assert.equal(result.code, ExitCode.usage);
    assert.match(result.stderr, /missing required flag --namespace/);
    assert.match(result.stderr, /usage: kaito-gitops certs/);
    assert.equal(result.stdout, "");
    assert.deepEqual(await readdir(cwd), []);
  });

  it("names the other missing flags too", async () => {
    const cwd = await workDir();
    assert.match((await runCerts(["--namespace", "ns", "--out", "x"], cwd)).stderr, /--service/);
    assert.match((await runCerts(["--namespace", "ns", "--service", "svc"], cwd)).stderr, /--out/);
  });

  it("rejects unknown flags, stray arguments and bad values with exit 2", async () => {
    const cwd = await workDir();
    const base = ["--namespace", "ns", "--service", "svc", "--out", "x"];
    const cases: [string[], RegExp][] = [
      [[...base, "--bogus"], /bogus/],
      [[...base, "extra"], /extra/],
      [[...base, "--days", "0"], /--days must be a whole number/],
      [[...base, "--days", "ten"], /--days/],
      [[...base, "--ip", "not-an-ip"], /--ip "not-an-ip"/],
      [[...base, "--dns", "bad name"], /not a valid DNS name/],
      [["--namespace", "Bad_NS", "--service", "svc", "--out", "x"], /namespace "Bad_NS"/],
    ];
    for (const [argv, message] of cases) {
      const result = await runCerts(argv, cwd);
      assert.equal(result.code, ExitCode.usage, argv.join(" "));
      assert.match(result.stderr, message);
    }
    assert.deepEqual(await readdir(cwd), []);
  });

  it("prints usage on --help", async () => {
    const result = await runCerts(["--help"], await workDir());
    assert.equal(result.code, ExitCode.ok);
    assert.match(result.stdout, /--namespace NS/);
  });
});
