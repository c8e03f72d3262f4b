// A throwaway Kubernetes control plane on loopback for tests: etcd, kube-apiserver and
// kube-controller-manager built by test/cluster/build.sh (see docs/test-cluster.md).
//
//   const cluster = await startCluster();
//   const { code, stdout } = await cluster.kubectl(["get", "ns", "-o", "json"]);
//   await cluster.stop();
//
// Every child runs in its own process group and is killed on stop(), on process exit, on
// SIGINT/SIGTERM and, through a small watchdog process, even when the test process is SIGKILLed.
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { access, constants, mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";

export interface StartClusterOptions {
  /** Directory holding etcd, kube-apiserver, kube-controller-manager (and kubectl). Default:
   *  env KAITO_GITOPS_CLUSTER_BIN, else the output of test/cluster/build.sh. */
  binDir?: string;
  /** Start kube-controller-manager (default true). */
  controllerManager?: boolean;
  /** Extra kube-apiserver flags, e.g. ["--enable-admission-plugins=..."]. Later flags win. */
  apiserverFlags?: readonly string[];
  /** Extra kube-controller-manager flags. */
  controllerManagerFlags?: readonly string[];
  /** Bound for each readiness wait (etcd, apiserver, controller-manager); default 60 s. */
  readyTimeoutMs?: number;
  /** Keep the temporary directory (logs, etcd data) after stop(); also env
   *  KAITO_GITOPS_CLUSTER_KEEP=1. */
  keepDir?: boolean;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Kill kubectl after this long; default 120 s. */
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cluster {
  /** Kubeconfig with the admin token (system:masters) and the apiserver's self-signed CA. */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Bearer token of user "admin" in group system:masters. */
  token: string;
  /** PEM bundle that verifies the apiserver's serving certificate. */
  caPem: string;
  binDir: string;
  /** Binary used by kubectl(): binDir/kubectl when built, else `kubectl` from PATH. */
  kubectlPath: string;
  /** Temporary directory: logs, etcd data, certificates, kubeconfig. */
  dir: string;
  /** Log files of each component. */
  logs: { etcd: string; apiserver: string; controllerManager: string | undefined };
  /** Process ids of the children (each also leads its process group). */
  pids: readonly number[];
  /** Milliseconds from startCluster() to ready, binaries excluded. */
  startMs: number;
  kubectl(args: readonly string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Kill every child (SIGTERM, then SIGKILL after 10 s), wait for them, remove the temp dir. */
  stop(): Promise<void>;
}

interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  logPath: string;
  exited: Promise<void>;
  exitInfo: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The source repository root: the nearest ancestor of this file holding package.json and
 *  test/cluster/build.sh (works from test/cluster/ and from dist/test/cluster/). */
export async function repoRoot(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      await access(join(dir, "package.json"));
      await access(join(dir, "test", "cluster", "build.sh"));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) {
        throw new Error(`no repository root (package.json + test/cluster/build.sh) above ${fileURLToPath(import.meta.url)}`);
      }
      dir = parent;
    }
  }
}

const REQUIRED_BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager"] as const;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Locate the binaries: env KAITO_GITOPS_CLUSTER_BIN, else run build.sh (fast when cached;
 *  its progress goes to our stderr). */
export async function ensureBinaries(): Promise<string> {
  const fromEnv = process.env["KAITO_GITOPS_CLUSTER_BIN"];
  const binDir = fromEnv !== undefined && fromEnv !== "" ? fromEnv : await runBuildScript();
  const missing: string[] = [];
  for (const b of REQUIRED_BINARIES) if (!(await isExecutable(join(binDir, b)))) missing.push(b);
  if (missing.length > 0) {
    throw new Error(
      `cluster binaries missing in ${binDir}: ${missing.join(", ")}` +
        (fromEnv ? " (from KAITO_GITOPS_CLUSTER_BIN; unset it to build them with test/cluster/build.sh)" : ""),
    );
  }
  return binDir;
}

async function runBuildScript(): Promise<string> {
  const script = join(await repoRoot(), "test", "cluster", "build.sh");
  const proc = spawn("bash", [script], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  proc.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  const code = await new Promise<number>((resolve, reject) => {
    proc.on("error", (e) => reject(new Error(`cannot run ${script}: ${e.message}`)));
    proc.on("close", (c, sig) => resolve(c ?? (sig ? 128 : 1)));
  });
  if (code !== 0) throw new Error(`${script} failed with exit code ${code} (its progress and errors are above on stderr)`);
  const lines = stdout.trim().split("\n");
  const last = lines[lines.length - 1]?.trim() ?? "";
  if (last === "") throw new Error(`${script} printed no bin directory`);
  return last;
}

/** Distinct free loopback ports: listen on 0 for all at once, read, close. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === "string") throw new Error("unexpected server address");
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

async function tail(path: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(path, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n");
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

// ---- process bookkeeping: one registry for the whole process -------------------------------

const live = new Set<{ children: Child[]; dir: string; keep: boolean }>();
let handlersInstalled = false;

function killGroupSync(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function cleanupAllSync(): void {
  for (const c of live) {
    for (const ch of c.children) killGroupSync(ch.pid, "SIGKILL");
    if (!c.keep) rmSync(c.dir, { recursive: true, force: true });
  }
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", cleanupAllSync);
  for (const [sig, num] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]] as const) {
    process.on(sig, () => {
      cleanupAllSync();
      process.exit(128 + num);
    });
  }
}

// The watchdog outlives a SIGKILLed parent: it reads "pid N" lines on stdin and, when stdin
// closes (the parent died or stop() finished), kills those process groups and removes the dir.
const WATCHDOG = `
const fs = require("node:fs");
const pids = new Set(); let dir = ""; let keep = false; let buf = "";
process.on("SIGINT", () => {}); process.on("SIGTERM", () => {});
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d; let i;
  while ((i = buf.indexOf("\\n")) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const sp = line.indexOf(" "); const k = sp < 0 ? line : line.slice(0, sp); const v = sp < 0 ? "" : line.slice(sp + 1);
    if (k === "pid") pids.add(Number(v)); else if (k === "dir") dir = v; else if (k === "keep") keep = true;
    else if (k === "done") { pids.clear(); dir = ""; }
  }
});
process.stdin.on("end", () => {
  for (const p of pids) { try { process.kill(-p, "SIGKILL"); } catch {} }
  if (dir && !keep) { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
`;

function startWatchdog(dir: string, keep: boolean): { stdin: Writable; proc: ChildProcess } {
  const env = { ...process.env };
  delete env["NODE_OPTIONS"]; // a plain node process, whatever the test runner put there
  delete env["NODE_TEST_CONTEXT"];
  const proc = spawn(process.execPath, ["-e", WATCHDOG], { detached: true, stdio: ["pipe", "ignore", "ignore"], env });
  const stdin = proc.stdin;
  if (stdin === null) throw new Error("watchdog has no stdin");
  stdin.on("error", () => {});
  stdin.write(`dir ${dir}\n${keep ? "keep 1\n" : ""}`);
  proc.unref();
  (stdin as unknown as { unref?: () => void }).unref?.();
  return { stdin, proc };
}

// ---- probes ----------------------------------------------------------------------------------

interface Probe {
  ok: boolean;
  detail: string;
}

function httpGet(url: string, headers: Record<string, string>, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const opts = { method: "GET", headers, timeout: 5000 };
    const req =
      u.protocol === "https:"
        ? httpsRequest(u, { ...opts, ...(ca === undefined ? { rejectUnauthorized: false } : { ca }) })
        : httpRequest(u, opts);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function probeOk(url: string, headers: Record<string, string> = {}, ca?: string): Promise<Probe> {
  try {
    const r = await httpGet(url, headers, ca);
    return { ok: r.status === 200, detail: `HTTP ${r.status}: ${r.body.slice(0, 300)}` };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

async function waitFor(what: string, child: Child, timeoutMs: number, probe: () => Promise<Probe>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Probe = { ok: false, detail: "not probed yet" };
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (child.exitInfo !== undefined) {
      throw new Error(`${child.name} exited (${child.exitInfo}) while waiting for ${what}`);
    }
    last = await probe();
    if (last.ok) return;
    if (Date.now() >= deadline) {
      throw new Error(`${what} not ready after ${timeoutMs} ms (last probe: ${last.detail})`);
    }
    await sleep(delay);
  }
}

// ---- the cluster ------------------------------------------------------------------------------

export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const binDir = opts.binDir ?? (await ensureBinaries());
  for (const b of REQUIRED_BINARIES) {
    if (!(await isExecutable(join(binDir, b)))) throw new Error(`cluster binary missing: ${join(binDir, b)}`);
  }
  const t0 = Date.now();
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const keep = opts.keepDir ?? process.env["KAITO_GITOPS_CLUSTER_KEEP"] === "1";
  const withKcm = opts.controllerManager ?? true;

  const dir = await mkdtemp(join(tmpdir(), "kaito-gitops-cluster-"));
  const children: Child[] = [];
  const entry = { children, dir, keep };
  installHandlers();
  live.add(entry);
  const watchdog = startWatchdog(dir, keep);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      // Reverse start order: controller-manager, apiserver, etcd.
      for (const ch of [...children].reverse()) {
        killGroupSync(ch.pid, "SIGTERM");
        const timer = setTimeout(() => killGroupSync(ch.pid, "SIGKILL"), 10_000);
        await ch.exited;
        clearTimeout(timer);
        killGroupSync(ch.pid, "SIGKILL"); // anything else left in the group
      }
      live.delete(entry);
      watchdog.stdin.end("done\n");
      if (!keep) await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const spawnChild = async (name: string, bin: string, args: string[]): Promise<Child> => {
    const logPath = join(dir, `${name}.log`);
    const log = await open(logPath, "a");
    let proc: ChildProcess;
    try {
      proc = spawn(join(binDir, bin), args, { detached: true, stdio: ["ignore", log.fd, log.fd], cwd: dir });
    } finally {
      await log.close();
    }
    const pid = proc.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((r) => proc.once("error", r));
      throw new Error(`cannot start ${join(binDir, bin)}: ${err.message}`);
    }
    const child: Child = { name, proc, pid, logPath, exitInfo: undefined, exited: Promise.resolve() };
    child.exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        child.exitInfo = `code ${proc.exitCode}, signal ${proc.signalCode}`;
        resolve();
        return;
      }
      proc.once("exit", (code, signal) => {
        child.exitInfo = `code ${code}, signal ${signal}`;
        resolve();
      });
    });
    proc.unref();
    children.push(child);
    watchdog.stdin.write(`pid ${pid}\n`);
    return child;
  };

  try {
    const [etcdPort, peerPort, apiPort, kcmPort] = (await freePorts(4)) as [number, number, number, number];
    const certDir = join(dir, "certs");
    await mkdir(certDir);
    await mkdir(join(dir, "etcd"), { mode: 0o700 });

    // Service-account signing key pair (ES256) and the static admin token.
    const { publicKey, privateKey } = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const saPub = join(dir, "sa.pub");
    const saKey = join(dir, "sa.key");
    await writeFile(saPub, publicKey);
    await writeFile(saKey, privateKey, { mode: 0o600 });
    const token = randomBytes(24).toString("hex");
    const tokensCsv = join(dir, "tokens.csv");
    await writeFile(tokensCsv, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

    // etcd
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = await spawnChild("etcd", "etcd", [
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      "--unsafe-no-fsync",
    ]);
    await waitFor("etcd /health", etcd, readyTimeoutMs, async () => {
      const p = await probeOk(`${etcdUrl}/health`);
      return { ok: p.ok && p.detail.includes('"health":"true"'), detail: p.detail };
    });

    // kube-apiserver
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = await spawnChild("kube-apiserver", "kube-apiserver", [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${certDir}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--authorization-mode=RBAC",
      `--token-auth-file=${tokensCsv}`,
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount",
      "--profiling=false",
      ...(opts.apiserverFlags ?? []),
    ]);
    const auth = { Authorization: `Bearer ${token}` };
    await waitFor("kube-apiserver /readyz", apiserver, readyTimeoutMs, () => probeOk(`${server}/readyz`, auth));

    // With --cert-dir and no serving certificate, the apiserver writes apiserver.crt: its
    // self-signed leaf followed by the CA that signed it. Check that it verifies.
    const crtPath = join(certDir, "apiserver.crt");
    const caPem = await readFile(crtPath, "utf8");
    const verified = await probeOk(`${server}/readyz`, auth, caPem);
    if (!verified.ok) throw new Error(`the apiserver's certificate ${crtPath} does not verify its own endpoint: ${verified.detail}`);

    const kubeconfigPath = join(dir, "kubeconfig");
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "test", cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
      users: [{ name: "admin", user: { token } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "admin", namespace: "default" } }],
      "current-context": "test",
    };
    await writeFile(kubeconfigPath, JSON.stringify(kubeconfig, null, 2) + "\n", { mode: 0o600 });

    // kube-controller-manager
    let kcmLog: string | undefined;
    if (withKcm) {
      const kcm = await spawnChild("kube-controller-manager", "kube-controller-manager", [
        `--kubeconfig=${kubeconfigPath}`,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        `--secure-port=${kcmPort}`,
        `--cert-dir=${join(dir, "kcm-certs")}`,
        `--service-account-private-key-file=${saKey}`,
        `--root-ca-file=${crtPath}`,
        "--controllers=*",
        "--profiling=false",
        ...(opts.controllerManagerFlags ?? []),
      ]);
      kcmLog = kcm.logPath;
      await waitFor("kube-controller-manager /healthz", kcm, readyTimeoutMs, () =>
        probeOk(`https://127.0.0.1:${kcmPort}/healthz`),
      );
    }

    const builtKubectl = join(binDir, "kubectl");
    const kubectlPath = (await isExecutable(builtKubectl)) ? builtKubectl : "kubectl";
    const kubeCache = join(dir, "kube-cache");
    const kubectl = (args: readonly string[], kopts: KubectlOptions = {}): Promise<KubectlResult> =>
      runKubectl(kubectlPath, ["--kubeconfig", kubeconfigPath, "--cache-dir", kubeCache, ...args], kubeconfigPath, kopts);

    return {
      kubeconfigPath,
      server,
      token,
      caPem,
      binDir,
      kubectlPath,
      dir,
      logs: { etcd: etcd.logPath, apiserver: apiserver.logPath, controllerManager: kcmLog },
      pids: children.map((c) => c.pid),
      startMs: Date.now() - t0,
      kubectl,
      stop,
    };
  } catch (e) {
    // Put the tail of every log in the message, then clean up everything we started.
    let msg = `startCluster failed: ${(e as Error).message}`;
    for (const ch of [...children].reverse()) {
      msg += `\n--- last lines of ${ch.name}.log (${ch.exitInfo === undefined ? "running" : `exited: ${ch.exitInfo}`}) ---\n${await tail(ch.logPath)}`;
    }
    msg += keep ? `\n(logs kept in ${dir})` : "\n(set KAITO_GITOPS_CLUSTER_KEEP=1 to keep the logs and data in the temp dir)";
    await stop().catch(() => {});
    throw new Error(msg, { cause: e });
  }
}

function runKubectl(bin: string, args: string[], kubeconfig: string, opts: KubectlOptions): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    proc.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    proc.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${e.message}${bin === "kubectl" ? " (kubectl was not built and is not on PATH)" : ""}`));
    });
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr });
    });
    proc.stdin.on("error", () => {});
    proc.stdin.end(opts.input ?? "");
  });
}
