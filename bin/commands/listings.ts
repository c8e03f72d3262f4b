// kaito-gitops presets | instance-types: what the chosen KAITO release knows (its profile's
// listing, plus the model lock's models), as a table or as JSON/YAML.
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { DEFAULT_KAITO_VERSION, kaitoProfile } from "../../workspace/index.js";
import type { CloudProvider, InstanceTypeListing, ModelListing } from "../../workspace/index.js";
import type { CliIO, Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { modelsLockFrom } from "../models-lock.js";
import { kaitoVersionFlag, UsageError } from "../options.js";
import { table } from "../table.js";

const FORMATS = ["table", "json", "yaml"] as const;
type Format = (typeof FORMATS)[number];
const CLOUDS: readonly CloudProvider[] = ["azure", "aws"];

const COMMON_FLAGS = {
  "kaito-version": { type: "string" },
  output: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const;

const isFormat = (v: string): v is Format => (FORMATS as readonly string[]).includes(v);
const isCloud = (v: string): v is CloudProvider => (CLOUDS as readonly string[]).includes(v);
const shown = (v: string): string => JSON.stringify(v.slice(0, 64));

function formatFlag(value: string | undefined): Format {
  const format = value ?? "table";
  if (!isFormat(format)) throw new UsageError(`--output must be table, json or yaml; got ${shown(format)}`);
  return format;
}

const versionOf = (flag: string | undefined) => kaitoVersionFlag(flag) ?? DEFAULT_KAITO_VERSION;

/** A table column; left out when no row has a value for it (a release without such data). */
interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string | undefined;
}

function render<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const used = columns.filter((c) => rows.some((r) => c.cell(r) !== undefined));
  return table(
    used.map((c) => c.header),
    rows.map((r) => used.map((c) => c.cell(r) ?? "-")),
  );
}

function emit<T>(io: CliIO, format: Format, rows: readonly T[], columns: readonly Column<T>[]): void {
  if (format === "json") io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === "yaml") io.stdout.write(stringify(rows, { lineWidth: 0, aliasDuplicateObjects: false }));
  else io.stdout.write(render(columns, rows));
}

const yesNo = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : v ? "yes" : "no");
const list = (v: readonly string[]): string => (v.length > 0 ? v.join(",") : "-");

const MODEL_COLUMNS: readonly Column<ModelListing>[] = [
  { header: "NAME", cell: (m) => m.name },
  { header: "SOURCE", cell: (m) => (m.source === "lock" ? "locked" : "built-in") },
  { header: "ALIASES", cell: (m) => (m.aliases.length > 0 ? m.aliases.join(",") : undefined) },
  { header: "RUNTIMES", cell: (m) => list(m.runtimes) },
  { header: "WEIGHTS", cell: (m) => m.weightsSize },
  { header: "CONTEXT", cell: (m) => (m.contextLength === undefined ? undefined : String(m.contextLength)) },
  { header: "GPUS", cell: (m) => (m.gpuCount === undefined ? undefined : String(m.gpuCount)) },
  { header: "GPU-MEMORY", cell: (m) => m.gpuMemory },
  { header: "PER-GPU", cell: (m) => m.perGpuMemory },
  { header: "DISK", cell: (m) => m.disk },
  { header: "MULTI-NODE", cell: (m) => yesNo(m.multiNode) },
  { header: "TUNING", cell: (m) => list(m.tuning) },
  { header: "GATED", cell: (m) => yesNo(m.gated) },
  { header: "IMAGE", cell: (m) => m.image },
  { header: "NOTE", cell: (m) => (m.deprecated ? "deprecated: KAITO refuses it" : undefined) },
];

const INSTANCE_TYPE_COLUMNS: readonly Column<InstanceTypeListing>[] = [
  { header: "NAME", cell: (t) => t.name },
  { header: "CLOUD", cell: (t) => t.cloud },
  { header: "GPUS", cell: (t) => String(t.gpuCount) },
  { header: "GPU-MEMORY", cell: (t) => `${t.gpuMemoryGiB}Gi` },
  { header: "PER-GPU", cell: (t) => `${Math.round((t.gpuMemoryGiB / t.gpuCount) * 100) / 100}Gi` },
  { header: "GPU-MODEL", cell: (t) => t.gpuModel },
  { header: "NVME", cell: (t) => yesNo(t.nvme) },
  { header: "NOTE", cell: (t) => t.note },
];

export const presetsUsage = `Usage: kaito-gitops presets [--kaito-version v0.12|v0.3] [--models-lock FILE] [-o table|json|yaml]

Lists the models a KAITO release knows, sorted by name: KAITO v0.12's model catalog (Hugging Face
ids, the legacy short names redirecting to them, runtimes, weight size, context length, tuning
methods) plus the model lock's models, marked locked; KAITO v0.3's presets (image, runtime, GPUs
and GPU memory required, disk, multi-node, tuning).

  --kaito-version v0.12|v0.3   the KAITO release (default ${DEFAULT_KAITO_VERSION})
  --models-lock FILE           the model lock (default: kaito-models.lock.yaml in this folder,
                               when present); KAITO v0.3 reads no lock
  -o, --output table|json|yaml the format (default table)
`;

export const presets: Command = async (argv, io) => {
  const { values } = parseArgs({ args: [...argv], options: { ...COMMON_FLAGS, "models-lock": { type: "string" } } });
  if (values.help) {
    io.stdout.write(presetsUsage);
    return ExitCode.ok;
  }
  const format = formatFlag(values.output);
  const version = versionOf(values["kaito-version"]);
  // As render finds it: the file --models-lock names, else kaito-models.lock.yaml in this folder.
  const lock = (await modelsLockFrom(values["models-lock"], [], io.cwd)) ?? { models: [] };
  if (version === "v0.3" && values["models-lock"] !== undefined) io.stderr.write("note: KAITO v0.3 reads no model lock; --models-lock is ignored\n");
  emit(io, format, kaitoProfile(version).catalog(lock).models, MODEL_COLUMNS);
  return ExitCode.ok;
};

export const instanceTypesUsage = `Usage: kaito-gitops instance-types [--kaito-version v0.12|v0.3] [--cloud azure|aws] [-o table|json|yaml]

Lists the GPU instance types a KAITO release sizes Workspaces with, sorted by cloud and name:
GPUs, GPU memory per node and per GPU, GPU model and local NVMe where the release knows them.

  --kaito-version v0.12|v0.3   the KAITO release (default ${DEFAULT_KAITO_VERSION})
  --cloud azure|aws            one cloud only (default both)
  -o, --output table|json|yaml the format (default table)
`;

export const instanceTypes: Command = async (argv, io) => {
  const { values } = parseArgs({ args: [...argv], options: { ...COMMON_FLAGS, cloud: { type: "string" } } });
  if (values.help) {
    io.stdout.write(instanceTypesUsage);
    return ExitCode.ok;
  }
  const format = formatFlag(values.output);
  const cloud = values.cloud?.toLowerCase();
  if (cloud !== undefined && !isCloud(cloud)) throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}; got ${shown(values.cloud ?? "")}`);
  // Instance types do not depend on the model lock.
  const { instanceTypes: all } = kaitoProfile(versionOf(values["kaito-version"])).catalog({ models: [] });
  emit(io, format, all.filter((t) => cloud === undefined || t.cloud === cloud), INSTANCE_TYPE_COLUMNS);
  return ExitCode.ok;
};
