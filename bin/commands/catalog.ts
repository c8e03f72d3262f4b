// kaito-gitops presets | instance-types: the catalogs, as a table or as JSON/YAML.
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import type { Catalog } from "../../workspace/index.js";
import type { CliIO, Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { catalogFrom, UsageError } from "../options.js";
import { table } from "../table.js";

const gib = (n: number): string => `${n}Gi`;

async function parse(argv: readonly string[], io: CliIO) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      catalog: { type: "string", multiple: true },
      output: { type: "string", short: "o" },
      cloud: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const format = values.output ?? "table";
  if (format !== "table" && format !== "json" && format !== "yaml") {
    throw new UsageError(`--output must be table, json or yaml; got ${JSON.stringify(format)}`);
  }
  const catalog: Catalog = await catalogFrom(values.catalog, io.cwd);
  return { values, format, catalog };
}

function emit(io: CliIO, format: string, entries: readonly unknown[], asTable: () => string): void {
  if (format === "json") io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else if (format === "yaml") io.stdout.write(stringify(entries, { lineWidth: 0, aliasDuplicateObjects: false }));
  else io.stdout.write(asTable());
}

export const presetsUsage = `Usage: kaito-gitops presets [--catalog FILE]... [-o table|json|yaml]\n\nLists the model presets: runtimes, GPU memory, disk, multi-node and tuning support.\n`;

export const presets: Command = async (argv, io) => {
  const { values, format, catalog } = await parse(argv, io);
  if (values.help) {
    io.stdout.write(presetsUsage);
    return ExitCode.ok;
  }
  const entries = [...catalog.presets.values()];
  emit(io, format, entries, () =>
    table(
      ["NAME", "RUNTIMES", "GPU-MEMORY", "PER-GPU", "GPUS", "DISK", "WEIGHTS", "MULTI-NODE", "TUNING", "NOTE"],
      entries.map((p) => [
        p.name,
        p.runtimes.join(","),
        gib(p.gpuMemoryGiB),
        p.perGPUMemoryGiB > 0 ? gib(p.perGPUMemoryGiB) : "-",
        String(p.gpuCount),
        gib(p.diskGiB),
        p.weights,
        p.multiNode ? "yes" : "no",
        p.tuning ? p.tuning.methods.join(",") : "-",
        p.deprecated ? "deprecated" : p.authRequired ? "gated (HF token)" : "",
      ]),
    ),
  );
  return ExitCode.ok;
};

export const instanceTypesUsage = `Usage: kaito-gitops instance-types [--cloud azure|aws|gcp|arc] [--catalog FILE]... [-o table|json|yaml]\n\nLists the GPU instance types: GPUs, GPU memory and model.\n`;

export const instanceTypes: Command = async (argv, io) => {
  const { values, format, catalog } = await parse(argv, io);
  if (values.help) {
    io.stdout.write(instanceTypesUsage);
    return ExitCode.ok;
  }
  const cloud = values.cloud;
  const entries = [...catalog.instanceTypes.values()].filter((t) => cloud === undefined || t.cloud === cloud.toLowerCase());
  if (cloud !== undefined && entries.length === 0) throw new UsageError(`no instance types for cloud ${JSON.stringify(cloud)}; clouds are azure, aws, gcp, arc`);
  emit(io, format, entries, () =>
    table(
      ["NAME", "CLOUD", "GPUS", "GPU-MEMORY", "PER-GPU", "GPU-MODEL", "NOTE"],
      entries.map((t) => [
        t.name,
        t.cloud,
        String(t.gpuCount),
        gib(t.gpuMemoryGiB),
        gib(Math.round((t.gpuMemoryGiB / t.gpuCount) * 100) / 100),
        t.gpuModel,
        t.deprecated ? "deprecated" : "",
      ]),
    ),
  );
  return ExitCode.ok;
};
