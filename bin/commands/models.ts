// kaito-gitops models add|verify: the only commands that talk to the Hugging Face hub. `add` pins
// models outside KAITO's catalog in the model lock (all of them or none: the lock is rewritten once,
// atomically, only when every model resolved); `verify` re-resolves every entry and reports drift.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { HubClient, HubError, DEFAULT_ENDPOINT } from "../../hub/client.js";
import { factsFromDir } from "../../hub/from-dir.js";
import { LockFileError, readLockFile, writeLockFile } from "../../hub/lock-file.js";
import { HF_ID, resolveModel } from "../../hub/resolve.js";
import type { ModelFacts } from "../../workspace/models/facts.js";
import { HubAnswerError } from "../../workspace/models/from-hub.js";
import { LOCK_FILE_NAME } from "../../workspace/models/lock-format.js";
import { findLockedModel, lockDrift, ModelLockError, withLockedModels } from "../../workspace/models/lock.js";
import type { CliIO, Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { UsageError } from "../options.js";

export const usage = `Usage: kaito-gitops models add ORG/MODEL... [flags]
       kaito-gitops models add ORG/MODEL --from-dir PATH [--revision SHA] [--gated] [--lock FILE]
       kaito-gitops models verify [flags]

add     resolves each Hugging Face id on the hub (the commit main points at, its file list and
        config.json), derives what KAITO's generator derives (weight size, architecture, context
        length, attention shape, quantization, formats, gating) and writes the entries into the
        model lock, sorted. All or nothing: if any model fails, the lock is left as it was.
        --from-dir builds the entry from a local copy instead (config.json plus the weight files
        or model.safetensors.index.json), without network.
verify  re-resolves every entry of the lock and reports drift (a moved revision, a changed size
        or shape); exit 1 on any drift, for CI.

Flags:
  --lock FILE          the model lock (default ./${LOCK_FILE_NAME})
  --endpoint URL       the hub (default ${DEFAULT_ENDPOINT}; a mirror works)
  --token-file FILE    a Hugging Face token for gated models (default: the HF_TOKEN variable);
                       sent only when the hub refuses an anonymous request
  --timeout SECONDS    per request (default 30)
  --ca-file FILE       PEM certificates to trust for an https endpoint with a private CA
  --from-dir PATH      (add) a local copy of one model
  --revision SHA       (add --from-dir) the commit the copy was taken at (a Hugging Face cache
                       snapshot folder is named by it)
  --gated              (add --from-dir) the model is gated on the hub
Progress goes to stderr. Exit codes: 0 ok, 1 a model could not be locked (unknown, gated, refused,
the hub unreachable or its answer unusable) or drifted, 2 wrong usage, 3 the lock or a file named by
a flag could not be read.
`;

const MAX_TOKEN_BYTES = 4096;
const MAX_MODELS = 200;

export const run: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    (sub === undefined ? io.stderr : io.stdout).write(usage);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      lock: { type: "string" },
      endpoint: { type: "string" },
      "token-file": { type: "string" },
      timeout: { type: "string" },
      "ca-file": { type: "string" },
      "from-dir": { type: "string" },
      revision: { type: "string" },
      gated: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (sub !== "add" && sub !== "verify") throw new UsageError(`models: unknown subcommand ${JSON.stringify(sub.slice(0, 40))}; expected add or verify`);
  const lockShown = values.lock ?? LOCK_FILE_NAME;
  const lockPath = resolve(io.cwd, lockShown);
  const say = (line: string) => io.stderr.write(`models ${sub}: ${line}\n`);

  try {
    if (sub === "add") {
      if (positionals.length === 0) throw new UsageError("models add needs at least one ORG/MODEL");
      if (positionals.length > MAX_MODELS) throw new UsageError(`models add takes at most ${MAX_MODELS} models at once`);
      const badId = positionals.find((id) => !HF_ID.test(id));
      if (badId !== undefined) throw new UsageError(`${JSON.stringify(badId.slice(0, 200))} is not a Hugging Face model id (ORG/MODEL: letters, digits, ".", "_", "-")`);
      if (values["from-dir"] === undefined && (values.revision !== undefined || values.gated)) throw new UsageError("--revision and --gated go with --from-dir");
      const lock = await readLockFile(lockPath, lockShown, true);
      let entries: ModelFacts[];
      if (values["from-dir"] !== undefined) {
        if (positionals.length !== 1) throw new UsageError("--from-dir takes exactly one ORG/MODEL");
        const id = positionals[0] as string;
        say(`${id}: reading ${values["from-dir"]}`);
        entries = [await factsFromDir(resolve(io.cwd, values["from-dir"]), { id, revision: values.revision, gated: values.gated })];
      } else {
        const client = await clientFrom(values, io, say);
        entries = await resolveAll(positionals, client, say);
        if (entries.length < positionals.length) {
          say(`${positionals.length - entries.length} of ${positionals.length} model(s) failed; ${lockShown} was not changed`);
          return ExitCode.invalid;
        }
      }
      for (const e of entries) {
        const before = findLockedModel(lock, e.name);
        if (before && lockDrift(before, e).length === 0) say(`${e.name}: already locked, unchanged`);
        else if (before) say(`${e.name}: updated (${lockDrift(before, e).join("; ")})`);
      }
      await writeLockFile(lockPath, withLockedModels(lock, entries));
      say(`wrote ${lockShown} (${entries.length} model(s) added or refreshed)`);
      return ExitCode.ok;
    }

    if (positionals.length > 0) throw new UsageError("models verify takes no arguments; it checks every entry of the lock");
    const lock = await readLockFile(lockPath, lockShown, false);
    const client = await clientFrom(values, io, say);
    let drifted = 0;
    let failed = 0;
    for (const [i, locked] of lock.models.entries()) {
      const at = `[${i + 1}/${lock.models.length}] ${locked.name}`;
      try {
        const { facts } = await resolveModel(locked.name, client);
        // An entry made from a local copy without a revision pins no commit to compare.
        const fresh = locked.revision === undefined ? { ...facts, revision: undefined } : facts;
        const changes = lockDrift(locked, fresh);
        if (changes.length === 0) say(`${at}: ok`);
        else {
          drifted++;
          say(`${at}: DRIFT: ${changes.join("; ")}`);
        }
      } catch (e) {
        if (!(e instanceof HubError || e instanceof HubAnswerError)) throw e;
        failed++;
        say(`${at}: ${e.message}`);
      }
    }
    say(`${lock.models.length} model(s): ${lock.models.length - drifted - failed} unchanged, ${drifted} drifted, ${failed} could not be resolved`);
    if (drifted > 0 || failed > 0) say(`refresh with: kaito-gitops models add ${lock.models.map((m) => m.name).join(" ")}`);
    return drifted > 0 || failed > 0 ? ExitCode.invalid : ExitCode.ok;
  } catch (e) {
    if (e instanceof ModelLockError || e instanceof LockFileError) {
      say(e.message);
      return ExitCode.unreadable;
    }
    if (e instanceof HubError || e instanceof HubAnswerError) {
      say(e.message);
      return ExitCode.invalid;
    }
    throw e;
  }
};

async function resolveAll(ids: readonly string[], client: HubClient, say: (line: string) => void): Promise<ModelFacts[]> {
  const out: ModelFacts[] = [];
  for (const [i, id] of ids.entries()) {
    const at = `[${i + 1}/${ids.length}] ${id}`;
    say(`${at}: resolving on ${client.endpoint}`);
    try {
      const { facts, notes } = await resolveModel(id, client);
      for (const n of notes) say(n);
      say(`${at}: revision ${facts.revision?.slice(0, 12)}, ${facts.modelFileSize}, ${facts.architectures.join(", ") || "no architecture"}${facts.gated ? ", gated" : ""}`);
      out.push(facts);
    } catch (e) {
      if (!(e instanceof HubError || e instanceof HubAnswerError)) throw e;
      say(`${at}: ${e.message}`);
    }
  }
  return out;
}

interface ClientFlags {
  endpoint?: string;
  "token-file"?: string;
  timeout?: string;
  "ca-file"?: string;
}

async function clientFrom(values: ClientFlags, io: CliIO, say: (line: string) => void): Promise<HubClient> {
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0 || s > 600) throw new UsageError(`--timeout must be seconds between 0 and 600; got ${JSON.stringify(values.timeout)}`);
    timeoutMs = s * 1000;
  }
  const token = values["token-file"] !== undefined ? await readSmall(resolve(io.cwd, values["token-file"]), "--token-file", MAX_TOKEN_BYTES) : io.env.HF_TOKEN;
  const ca = values["ca-file"] !== undefined ? await readSmall(resolve(io.cwd, values["ca-file"]), "--ca-file", 1024 * 1024) : undefined;
  if (values.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(values.endpoint)) {
    throw new UsageError(`--endpoint must be an http or https URL; got ${JSON.stringify(values.endpoint.slice(0, 200))}`);
  }
  return new HubClient({ endpoint: values.endpoint, token: token?.trim() || undefined, timeoutMs, ca, log: say });
}

async function readSmall(path: string, flag: string, max: number): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new LockFileError(`${flag} ${path}: cannot read the file`);
  }
  if (text.length > max) throw new LockFileError(`${flag} ${path}: larger than ${max} bytes`);
  return text;
}
