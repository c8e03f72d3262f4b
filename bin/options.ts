// The options render and validate share: catalogs, kinds to render, default namespace.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CatalogError, expandOptions, loadCatalog } from "../workspace/index.js";
import type { Catalog, ExpandOptions, NodeClaimKind, WorkloadKind } from "../workspace/index.js";
import { InputError } from "./inputs.js";

export const expandFlags = {
  catalog: { type: "string", multiple: true },
  "node-claim": { type: "string" },
  workload: { type: "string" },
  namespace: { type: "string", short: "n" },
  "allow-unknown-instance-types": { type: "boolean" },
} as const;

export interface ExpandFlagValues {
  catalog?: string[];
  "node-claim"?: string;
  workload?: string;
  namespace?: string;
  "allow-unknown-instance-types"?: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
  return match;
}

export function toExpandOptions(values: ExpandFlagValues): ExpandOptions {
  return expandOptions({
    nodeClaimKind: oneOf<NodeClaimKind>("node-claim", values["node-claim"], ["Machine", "NodeClaim"]),
    workloadKind: oneOf<WorkloadKind>("workload", values.workload, ["Deployment", "Rollout"]),
    namespace: values.namespace,
    allowUnknownInstanceTypes: values["allow-unknown-instance-types"],
  });
}

export async function catalogFrom(files: readonly string[] | undefined, cwd: string): Promise<Catalog> {
  const userFiles = [];
  for (const file of files ?? []) {
    try {
      userFiles.push({ file, text: await readFile(resolve(cwd, file), "utf8") });
    } catch {
      throw new InputError(`${file}: cannot read the catalog file`);
    }
  }
  try {
    return loadCatalog(userFiles);
  } catch (e) {
    if (e instanceof CatalogError) throw new InputError(e.message);
    throw e;
  }
}
