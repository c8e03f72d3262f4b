// `kaito-gitops controller`: the controller alone (no webhook), until SIGTERM or SIGINT. `serve`
// runs the same controller beside the webhook; this command is for running or debugging it
// on its own, e.g. against a kind cluster from a laptop.
import { parseArgs } from "node:util";
import { createLogger, isLogLevel, LOG_LEVELS } from "../../webhook/logger.js";
import { ExitCode } from "../cli-io.js";
import type { Command } from "../cli-io.js";
import { expandFlagsUsage, toExpandOptions, UsageError } from "../options.js";
import { untilSignal } from "../signals.js";

const DEFAULT_NAMESPACE = "kaito-gitops-system";

export const usage = `Usage: kaito-gitops controller [flags]

Watches kaito.sh Workspaces, server-side applies the children each one expands to (owned by it)
and keeps status.conditions true to the children's state. Workspaces rendered by the Argo CD
plugin (annotation kaito-gitops.io/rendered-by: plugin, or children tracked by Argo CD) only get
their status. Stops on SIGTERM or SIGINT, releasing the leader Lease.

  --kubeconfig FILE            credentials (default: $KUBECONFIG, ~/.kube/config, else the pod's
                               service account)
  --namespace NS               namespace of the leader-election Lease (default $POD_NAMESPACE,
                               else ${DEFAULT_NAMESPACE})
  --leader-elect=true|false    elect one writer among replicas with a Lease (default true)
  --concurrency N              Workspaces reconciled in parallel (default 4)
  --log-level LEVEL            ${LOG_LEVELS.join(", ")} (default info); JSON lines on stderr

Expansion (as render; --namespace above is the Lease's):
${expandFlagsUsage.split("\n").filter((l) => !l.includes("--namespace")).join("\n")}`;

const OPTIONS = {
  kubeconfig: { type: "string" },
  namespace: { type: "string", short: "n" },
  "leader-elect": { type: "string" },
  concurrency: { type: "string" },
  "log-level": { type: "string" },
  "kaito-version": { type: "string" },
  settings: { type: "string" },
  cluster: { type: "string", multiple: true },
  "models-lock": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`controller takes no arguments; got ${JSON.stringify(positionals[0])}`);
  const leaderElect = values["leader-elect"] ?? "true";
  if (leaderElect !== "true" && leaderElect !== "false") throw new UsageError(`--leader-elect must be true or false; got ${JSON.stringify(leaderElect)}`);
  const level = values["log-level"] ?? "info";
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64; got ${JSON.stringify(values.concurrency)}`);
  }
  const namespace = values.namespace ?? io.env["POD_NAMESPACE"] ?? DEFAULT_NAMESPACE;
  if (namespace === "") throw new UsageError("--namespace must not be empty");
  // The controller's own namespace is not a default for Workspaces: live ones always carry theirs.
  const expandOptions = await toExpandOptions({ ...values, namespace: undefined }, io.cwd, io.stdin);
  const kubeconfig = values.kubeconfig ?? io.env["KUBECONFIG"];

  const logger = createLogger({ level, name: "kaito-gitops-controller" });
  const { startController } = await import("../../controller/index.js");
  const controller = await startController({
    ...(kubeconfig ? { kubeconfig } : {}),
    namespace,
    expandOptions,
    logger,
    leaderElection: leaderElect === "true",
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  await untilSignal(
    () => controller.stop(),
    (signal) => io.stderr.write(`kaito-gitops controller: ${signal}, stopping\n`),
  ).stopped;
  return ExitCode.ok;
};

