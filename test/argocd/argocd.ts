// A real Argo CD on loopback, against a test cluster (test/cluster): Argo CD's own binary
// (test/argocd/build.sh, pinned release) started as argocd-application-controller,
// argocd-repo-server and argocd-cmp-server, with our plugin as the cmp-server "sidecar"
// configured from kustomize/components/argocd (its plugin.yaml and its argocd-cm keys, the files
// a user installs), and a Redis. The way Argo CD's own Procfile runs them outside a pod:
// ARGOCD_FAKE_IN_CLUSTER, the destination https://kubernetes.default.svc served by the
// controller's kubeconfig, plugin sockets in ARGOCD_PLUGINSOCKFILEPATH.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import type { Cluster } from "../cluster/cluster.js";
import { repoPath } from "../helpers/repo.js";
import { argocdBinary } from "./binaries.js";
import { componentArgocdCm } from "./component.js";

export const ARGOCD_NAMESPACE = "argocd";
/** The Application's `plugin.name`: plugin.yaml's `<metadata.name>-<spec.version>`. */
export const PLUGIN_NAME = "kaito-gitops-v1";

export interface ArgoCd {
  dir: string;
  binDir: string;
  logs: Record<"redis" | "cmp" | "repo" | "controller", string>;
  /** the last `lines` lines of every component's log, for failure messages */
  logTails(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartArgoCdOptions {
  /** argocd-cm keys set on top of the component's (e.g. timeout.reconciliation) */
  argocdCm?: Record<string, string>;
  /** extra env for the application controller */
  controllerEnv?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function kubectlOk(cluster: Cluster, args: string[], input?: string): Promise<string> {
  return cluster.kubectl(args, input === undefined ? {} : { input }).then((r) => {
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  });
}

/** Installs what Argo CD reads from the cluster: its CRDs, namespace, argocd-cm (with the
 *  component's keys), argocd-secret, argocd-rbac-cm and the `default` AppProject. */
/** Waits for CRDs to be served (kubectl wait fails outright while a new CRD has no status yet). */
export async function waitEstablished(cluster: Cluster, names: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const r = await cluster.kubectl(["get", "crd", name, "-o", 'jsonpath={.status.conditions[?(@.type=="Established")].status}']);
      if (r.code === 0 && r.stdout.trim() === "True") break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within ${timeoutMs / 1000} s: ${r.stderr}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}

async function installArgoCdConfig(cluster: Cluster, binDir: string, extraCm: Record<string, string>): Promise<void> {
  await kubectlOk(cluster, ["apply", "--server-side", "-f", join(binDir, "crds", "application-crd.yaml"), "-f", join(binDir, "crds", "appproject-crd.yaml")]);
  await waitEstablished(cluster, ["applications.argoproj.io", "appprojects.argoproj.io"]);
  const labels = { "app.kubernetes.io/part-of": "argocd" };
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ARGOCD_NAMESPACE } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "argocd-cm", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-cm" } },
      // The stock install's setting, so status churn does not trigger reconciles.
      data: { "resource.customizations.ignoreResourceUpdates.all": "jsonPointers:\n  - /status\n", ...componentArgocdCm(), ...extraCm },
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "argocd-rbac-cm", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-rbac-cm" } } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "argocd-cmd-params-cm", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-cmd-params-cm" } } },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "argocd-secret", namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": "argocd-secret" } },
      stringData: { "server.secretkey": "kaito-gitops-e2e-not-a-secret" },
    },
    {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: "default", namespace: ARGOCD_NAMESPACE },
      spec: {
        sourceRepos: ["*"],
        destinations: [{ server: "*", namespace: "*" }],
        clusterResourceWhitelist: [{ group: "*", kind: "*" }],
      },
    },
  ];
  await kubectlOk(cluster, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
}

export async function startArgoCd(cluster: Cluster, options: StartArgoCdOptions = {}): Promise<ArgoCd> {
  const binDir = argocdBinary(["argocd", "redis"]);
  // Short: the plugin socket path must fit in a sockaddr_un (108 bytes).
  const dir = mkdtempSync("/tmp/kg-argocd-");
  const paths = {
    sockets: join(dir, "plugins"),
    cmpConfig: join(dir, "cmp-config"),
    cmpWork: join(dir, "cmp-work"),
    tools: join(dir, "tools"),
    tmp: join(dir, "tmp"),
    tls: join(dir, "tls"),
    ssh: join(dir, "ssh"),
    gpg: join(dir, "gpg"),
  };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  // The sidecar's plugin.yaml is the component's; its command `kaito-gitops` is this checkout's CLI.
  copyFileSync(repoPath("kustomize", "components", "argocd", "plugin.yaml"), join(paths.cmpConfig, "plugin.yaml"));
  const cli = join(paths.tools, "kaito-gitops");
  writeFileSync(cli, `#!/bin/sh\nexec "${process.execPath}" "${repoPath("dist", "cli", "kaito-gitops.js")}" "$@"\n`);
  chmodSync(cli, 0o755);

  await installArgoCdConfig(cluster, binDir, options.argocdCm ?? {});

  const [redisPort, repoPort, repoMetrics, controllerMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const logs = { redis: join(dir, "redis.log"), cmp: join(dir, "cmp-server.log"), repo: join(dir, "repo-server.log"), controller: join(dir, "application-controller.log") };
  const children: ChildProcess[] = [];
  const baseEnv = {
    // binDir: git-verify-wrapper.sh, which the repo server runs as the Argo CD image does
    PATH: `${paths.tools}:${binDir}:${process.env["PATH"] ?? ""}`,
    HOME: dir,
    TMPDIR: paths.tmp,
    ARGOCD_FAKE_IN_CLUSTER: "true",
    ARGOCD_PLUGINSOCKFILEPATH: paths.sockets,
    ARGOCD_TLS_DATA_PATH: paths.tls,
    ARGOCD_SSH_DATA_PATH: paths.ssh,
    ARGOCD_GNUPGHOME: paths.gpg,
    ARGOCD_GPG_ENABLED: "false",
    KUBECONFIG: cluster.kubeconfigPath,
  };
  const run = (name: keyof typeof logs, argv0: string, args: string[], env: Record<string, string> = {}): ChildProcess => {
    const out = createWriteStream(logs[name]);
    const child = spawn(join(binDir, argv0), args, { env: { ...baseEnv, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    child.unref();
    children.push(child);
    return child;
  };
  const killAll = (signal: NodeJS.Signals): void => {
    for (const child of children) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      }
    }
  };
  const onExit = (): void => killAll("SIGKILL");
  process.on("exit", onExit);

  const tail = (path: string, lines: number): string => {
    try {
      return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const logTails = (lines = 30): string => Object.entries(logs).map(([name, path]) => `--- ${name} (${path})\n${tail(path, lines)}`).join("\n");

  const stop = async (): Promise<void> => {
    killAll("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && children.some((c) => c.exitCode === null && c.signalCode === null)) await new Promise((r) => setTimeout(r, 100));
    killAll("SIGKILL");
    process.off("exit", onExit);
    if (process.env["KAITO_GITOPS_ARGOCD_KEEP"] !== "1") rmSync(dir, { recursive: true, force: true });
  };

  try {
    const redis = run("redis", "redis", ["--addr", `127.0.0.1:${redisPort}`]);
    await waitForPort(redisPort, "redis", redis, () => logTails());
    run("cmp", "argocd-cmp-server", ["--config-dir-path", paths.cmpConfig, "--loglevel", "info", "--logformat", "text"], { ARGOCD_CMP_WORKDIR: paths.cmpWork });
    const repo = run("repo", "argocd-repo-server", ["--port", String(repoPort), "--metrics-port", String(repoMetrics), "--redis", `127.0.0.1:${redisPort}`, "--disable-tls",
      // v3.6.1 defaults this to a path and then refuses it with --disable-tls; no mTLS on loopback
      "--client-ca-path=", "--loglevel", "info", "--logformat", "text", "--address", "127.0.0.1"]);
    await waitForPort(repoPort, "argocd-repo-server", repo, () => logTails(), 60_000);
    const controller = run(
      "controller",
      "argocd-application-controller",
      [
        "--kubeconfig", cluster.kubeconfigPath,
        "--namespace", ARGOCD_NAMESPACE,
        "--repo-server", `127.0.0.1:${repoPort}`,
        "--repo-server-plaintext",
        "--redis", `127.0.0.1:${redisPort}`,
        "--metrics-port", String(controllerMetrics),
        "--loglevel", "info",
        "--logformat", "text",
        "--status-processors", "2",
        // Since Argo CD 3.0 per-resource health lives only in the resource tree (Redis); keep it
        // in the Application's status.resources too, where the tests (and kubectl) read it.
        "--persist-resource-health=true",
        "--operation-processors", "2",
      ],
      { ARGOCD_SYNC_WAVE_DELAY: "0", ...(options.controllerEnv ?? {}) },
    );
    await waitForPort(controllerMetrics, "argocd-application-controller", controller, () => logTails(), 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, binDir, logs, logTails, stop };
}

async function waitForPort(port: number, what: string, child: ChildProcess, logs: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before listening on 127.0.0.1:${port}\n${logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
