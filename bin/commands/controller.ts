// `kaito-gitops controller`: the controller alone (no webhook), until SIGTERM or SIGINT. `serve`
// runs the same controller beside the webhook; this command is for running or debugging it
// on its own, e.g. against a kind cluster from a laptop.
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { LevelWithSilent } from "pino";
import { ExitCode } from "../cli-io.js";
import type { CliIO, Command } from "../cli-io.js";
import { catalogFrom, toExpandOptions, UsageError } from "../options.js";

const LOG_LEVELS: readonly LevelWithSilent[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
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

Expansion (as render): --catalog FILE (repeatable), --node-claim Machine|NodeClaim,
  --workload Deployment|Rollout, --allow-unknown-instance-types
`;

const OPTIONS = {
  kubeconfig: { type: "string" },
  namespace: { type: "string", short: "n" },
  "leader-elect": { type: "string" },
  concurrency: { type: "string" },
  "log-level": { type: "string" },
  catalog: { type: "string", multiple: true },
  "node-claim": { type: "string" },
  workload: { type: "string" },
  "allow-unknown-instance-types": { type: "boolean" },
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
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64; got ${JSON.stringify(values.concurrency)}`);
  }
  const namespace = values.namespace ?? io.env["POD_NAMESPACE"] ?? DEFAULT_NAMESPACE;
  if (namespace === "") throw new UsageError("--namespace must not be empty");
  // The controller's own namespace is not a default for Workspaces: live ones always carry theirs.
  const expandOptions = toExpandOptions({ ...values, namespace: undefined });
  const kubeconfig = values.kubeconfig ?? io.env["KUBECONFIG"];

  const logger = pino(
    {
      name: "kaito-gitops-controller",
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  const catalog = await catalogFrom(values.catalog, io.cwd);
  const { startController } = await import("../../controller/index.js");
  const controller = await startController({
    ...(kubeconfig ? { kubeconfig } : {}),
    namespace,
    catalog,
    expandOptions,
    logger,
    leaderElection: leaderElect === "true",
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  await waitForSignal(io);
  await controller.stop();
  return ExitCode.ok;
};

function waitForSignal(io: CliIO): Promise<void> {
  return new Promise((resolve) => {
    // Keeps the process alive while the controller's sockets come and go.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      clearInterval(keepAlive);
      io.stderr.write(`kaito-gitops controller: ${signal}, stopping\n`);
      // A second signal does not wait for the Lease release.
      process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
      resolve();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
