// What kustomize/components/argocd adds to a user's argocd-cm, read from its kustomization
// (configMapGenerator argocd-cm: `files: [key=file]` and `literals: [key=value]`), so the tests
// configure Argo CD with exactly the keys a user installs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoPath } from "../helpers/repo.js";

export const COMPONENT_DIR = repoPath("kustomize", "components", "argocd");

/** argocd-cm data as the component's configMapGenerator writes it (files and literals). */
export function componentArgocdCm(dir: string = COMPONENT_DIR): Record<string, string> {
  const kustomization = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as {
    configMapGenerator?: { name: string; files?: string[]; literals?: string[] }[];
  };
  const generator = kustomization.configMapGenerator?.find((g) => g.name === "argocd-cm");
  if (generator === undefined) throw new Error(`${dir}/kustomization.yaml: no argocd-cm configMapGenerator`);
  const data: Record<string, string> = {};
  const split = (entry: string): [string, string] => {
    const eq = entry.indexOf("=");
    return eq < 0 ? [entry, entry] : [entry.slice(0, eq), entry.slice(eq + 1)];
  };
  for (const entry of generator.files ?? []) {
    const [key, file] = split(entry);
    data[key] = readFileSync(join(dir, file), "utf8");
  }
  for (const entry of generator.literals ?? []) {
    const [key, value] = split(entry);
    data[key] = value;
  }
  return data;
}

