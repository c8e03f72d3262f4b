// The whole GitOps road on one machine, for test/e2e/argocd.test.ts and bench/argocd.bench.ts:
// a test cluster with the Workspace CRD, `kaito-gitops serve --controller` behind the mutating
// and validating webhooks, a real Argo CD with our plugin, a Git repository on local disk
// (file://, as Argo CD's own e2e tests use) and an Application that syncs it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { startCluster } from "../cluster/cluster.js";
import type { Cluster } from "../cluster/cluster.js";
import { repoPath } from "../helpers/repo.js";
import { localWebhookConfigurations } from "../helpers/webhook-configs.js";
import { startServe } from "../webhook/serve-process.js";
import type { ServeProcess } from "../webhook/serve-process.js";
import { ARGOCD_NAMESPACE, PLUGIN_NAME, startArgoCd, waitEstablished } from "./argocd.js";
import type { ArgoCd } from "./argocd.js";

export const APP = "models";
export const DEST_NS = "models";
export const APP_PATH = "workspaces";

export interface Condition {
  type: string;
  message?: string;
}
export interface AppResource {
  group?: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status?: string; message?: string };
}
export interface Application {
  metadata: { name: string; annotations?: Record<string, string> };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    conditions?: Condition[];
    resources?: AppResource[];
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
  };
}

/** A Git repository on local disk that Argo CD reads through file://. */
export class GitRepo {
  readonly dir: string;
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "kg-gitops-repo-"));
    this.git("init", "-q", "-b", "main");
    this.git("config", "user.email", "e2e@kaito-gitops.test");
    this.git("config", "user.name", "kaito-gitops e2e");
    this.git("config", "commit.gpgsign", "false");
  }
  get url(): string {
    return `file://${this.dir}`;
  }
  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
  }
  /** Writes (or, with `null`, deletes) files and commits them; returns the new commit. */
  commit(message: string, files: Record<string, string | null>): string {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (text === null) {
        unlinkSync(full);
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Scenario {
  cluster: Cluster;
  serve: ServeProcess;
  argocd: ArgoCd;
  repo: GitRepo;
  kubectl(args: string[], input?: string): Promise<string>;
  getJson<T>(args: string[]): Promise<T>;
  tryGetJson<T>(args: string[]): Promise<T | undefined>;
  application(): Promise<Application>;
  /** What a Git webhook does: ask Argo CD to look at the repository now. */
  refresh(kind?: "normal" | "hard"): Promise<void>;
  createApplication(annotations?: Record<string, string>): Promise<void>;
  /** Our plugin's output for the repository's app folder, as Argo CD would get it (same env). */
  render(): Promise<{ kind: string; apiVersion: string; metadata: { name: string; namespace?: string } }[]>;
  diagnostics(): string;
  stop(): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  const cluster = await startCluster();
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const r = await cluster.kubectl(args, input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  let serve: ServeProcess | undefined;
  let argocd: ArgoCd | undefined;
  const repo = new GitRepo();
  const stop = async (): Promise<void> => {
    await argocd?.stop();
    if (serve && serve.child.exitCode === null) serve.child.kill("SIGKILL");
    await cluster.stop();
    repo.remove();
  };
  try {
    await kubectl(["apply", "-f", repoPath("kustomize/base/crds/kaito.sh_workspaces.yaml"), "-f", repoPath("test/e2e/fixtures/karpenter-crds.yaml")]);
    await waitEstablished(cluster, ["workspaces.kaito.sh", "nodeclaims.karpenter.sh"]);
    // Established is not yet served: a LIST right after can get 429 "storage is (re)initializing",
    // and the controller's NodeClaim informer must start on a served API (see the report).
    for (const resource of ["workspaces.kaito.sh", "nodeclaims.karpenter.sh"]) {
      for (let i = 0; (await cluster.kubectl(["get", resource, "-A", "-o", "name"])).code !== 0; i++) {
        if (i > 100) throw new Error(`${resource} is not served`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await kubectl(["create", "namespace", "kaito-gitops-system"]);
    await kubectl(["create", "namespace", DEST_NS]);
    serve = await startServe(["--controller", "--kubeconfig", cluster.kubeconfigPath, "--host", "127.0.0.1", "--port", "0", "--log-level", process.env["KAITO_GITOPS_E2E_LOG_LEVEL"] ?? "info"]);
    const caBundle = await serve.firstStdoutLine();
    await kubectl(["apply", "-f", "-"], localWebhookConfigurations(`https://127.0.0.1:${serve.port}`, caBundle));
    // Argo CD 3.x keeps each resource's health out of the Application by default (Redis only);
    // the tests read the Workspace's health from the Application, so it is persisted there.
    argocd = await startArgoCd(cluster, { controllerEnv: { ARGOCD_APPLICATION_CONTROLLER_PERSIST_RESOURCE_HEALTH: "true" } });
  } catch (err) {
    await stop();
    throw err;
  }
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await kubectl([...args, "-o", "json"])) as T;
  const tryGetJson = async <T>(args: string[]): Promise<T | undefined> => {
    const r = await cluster.kubectl([...args, "-o", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
  };
  const started = { cluster, serve, argocd };
  return {
    ...started,
    repo,
    kubectl,
    getJson,
    tryGetJson,
    application: () => getJson<Application>(["get", "applications.argoproj.io", APP, "-n", ARGOCD_NAMESPACE]),
    refresh: async (kind = "normal") => {
      await kubectl(["annotate", "applications.argoproj.io", APP, "-n", ARGOCD_NAMESPACE, `argocd.argoproj.io/refresh=${kind}`, "--overwrite"]);
    },
    createApplication: async (annotations = {}) => {
      const app = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: APP, namespace: ARGOCD_NAMESPACE, annotations },
        spec: {
          project: "default",
          source: { repoURL: repo.url, targetRevision: "main", path: APP_PATH, plugin: { name: PLUGIN_NAME } },
          destination: { server: "https://kubernetes.default.svc", namespace: DEST_NS },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
        },
      };
      await kubectl(["apply", "-f", "-"], JSON.stringify(app));
    },
    render: () => {
      const out = execFileSync(process.execPath, [repoPath("dist/cli/kaito-gitops.js"), "generate"], {
        cwd: join(repo.dir, APP_PATH),
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "", ARGOCD_APP_NAMESPACE: DEST_NS, ARGOCD_APP_NAME: APP },
        maxBuffer: 64 * 1024 * 1024,
      });
      return Promise.resolve(parseAll(out));
    },
    diagnostics: () => `${argocd?.logTails(40) ?? ""}\n--- serve\n${serve?.stderr().split("\n").slice(-20).join("\n") ?? ""}`,
    stop,
  };
}

function parseAll(text: string): { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } }[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } } | null)
    .filter((d): d is { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } } => d !== null);
}

/** Polls until `probe` gives a value; the error carries the components' logs. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, diagnostics: () => string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}\n${diagnostics()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface PodLike {
  metadata: { name: string };
  spec?: { containers?: { name: string; image: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** What Karpenter would write once the node joined: every NodeClaim of the rendering Ready. */
export async function makeNodeClaimsReady(s: Scenario): Promise<number> {
  const claims = (await s.render()).filter((o) => o.kind === "NodeClaim");
  const now = rfc3339(Date.now());
  for (const claim of claims) {
    const conditions = ["Launched", "Registered", "Initialized", "Ready"].map((type) => ({ type, status: "True", reason: type, message: "", lastTransitionTime: now }));
    await s.kubectl(["patch", "nodeclaims.karpenter.sh", claim.metadata.name, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { nodeName: `aks-${claim.metadata.name}`, conditions } })]);
  }
  return claims.length;
}

/** The pods of a Workspace's workload, once the StatefulSet controller made them. */
export async function podsOf(s: Scenario, workspace: string, timeoutMs = 60_000): Promise<PodLike[]> {
  return waitFor(`pods of ${workspace}`, async () => {
    const list = await s.getJson<{ items: PodLike[] }>(["get", "pods", "-n", DEST_NS, "-l", `kaito.sh/workspace=${workspace}`]);
    return list.items.length > 0 ? list.items : undefined;
  }, s.diagnostics, timeoutMs);
}

/** What a kubelet writes (there is none in the test cluster): the pods Running and Ready, or
 *  stuck pulling their image. */
export async function setPods(s: Scenario, pods: readonly PodLike[], state: "ready" | "imagePullBackOff"): Promise<void> {
  const started = rfc3339(Date.now() - 60_000);
  for (const pod of pods) {
    const containers = pod.spec?.containers ?? [];
    const status =
      state === "ready"
        ? {
            phase: "Running",
            conditions: [{ type: "Ready", status: "True", lastTransitionTime: started }, { type: "ContainersReady", status: "True", lastTransitionTime: started }],
            containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } } })),
          }
        : {
            phase: "Pending",
            containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` } } })),
          };
    await s.kubectl(["patch", "pod", pod.metadata.name, "-n", DEST_NS, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
  }
}
