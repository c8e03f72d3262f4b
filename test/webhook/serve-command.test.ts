// `kaito-gitops serve` flags and failures, in-process through the CLI entry (bin/main.ts).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";

describe("kaito-gitops serve", () => {
  it("prints its flags with --help", async () => {
    const r = await runCli(["serve", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--port", "--host", "--cert-dir", "--manage-certs", "--namespace", "--service", "--secret-name", "--mutating-webhook-name", "--validating-webhook-name", "--kaito-version", "--settings", "--models-lock", "--max-body-bytes", "--shutdown-timeout", "--log-level"]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.match(r.stdout, /kaito-gitops-system/);
  });

  it("is listed in the command table", async () => {
    const r = await runCli(["--help"]);
    assert.match(r.stdout, /\n {2}serve {11}run the admission webhook \(HTTPS\) and the controller in one process/);
  });

  for (const [args, message] of [
    [["--cert-dir", "x", "--manage-certs"], /--cert-dir and --manage-certs exclude each other/],
    [["--port", "http"], /--port must be a whole number from 0 to 65535; got "http"/],
    [["--port", "70000"], /--port must be a whole number/],
    [["--max-body-bytes", "12"], /--max-body-bytes must be a whole number from 1024/],
    [["--shutdown-timeout", "1.5"], /--shutdown-timeout must be a whole number/],
    [["--log-level", "loud"], /--log-level must be one of fatal, error, warn, info, debug, trace, silent; got "loud"/],
    [["--ip", "localhost"], /--ip "localhost" is not an IPv4 or IPv6 address/],
    [["--service", "Bad_Name"], /service "Bad_Name" is not a DNS-1123 label/],
    [["--kaito-version", "v9"], /--kaito-version must be one of v0\.12, v0\.3; got "v9"/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["extra"], /serve takes no arguments/],
  ] as const) {
    it(`refuses ${args.join(" ")} with exit 2`, async () => {
      const r = await runCli(["serve", ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }

  it("exits 3 when --cert-dir holds no usable certificate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kaito-serve-"));
    try {
      const r = await runCli(["serve", "--port", "0", "--cert-dir", dir]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /no serving certificate \(directory\): cannot read .*tls\.crt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 3, after shutting the server down, when a --settings file is bad", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kaito-serve-"));
    try {
      await writeFile(join(dir, "settings.yaml"), "cloudProvider: moon\n");
      const r = await runCli(["serve", "--port", "0", "--host", "127.0.0.1", "--log-level", "silent", "--settings", "settings.yaml"], { cwd: dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /settings\.yaml:1:\d+: cloudProvider must be one of azure, aws; got "moon"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 3, after shutting the server down, when the --models-lock file is bad", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kaito-serve-"));
    try {
      await writeFile(join(dir, "bad.lock.yaml"), "apiVersion: kaito-gitops.io/v1\nkind: ModelLock\nmodels:\n  - name: 3\n");
      const r = await runCli(["serve", "--port", "0", "--host", "127.0.0.1", "--log-level", "silent", "--models-lock", "bad.lock.yaml"], { cwd: dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /bad\.lock\.yaml:4:11: models\[0\]\.name/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await runCli(["serve", "--port", String(port), "--host", "127.0.0.1", "--log-level", "silent"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});
