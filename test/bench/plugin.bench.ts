// npm run bench:plugin: the plugin's generate over a repo folder of 1, 100 and 2,000 Workspace
// files, beside kubectl kustomize over a folder holding the same rendered output (what Argo CD
// users already run on every sync), in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "../helpers/repo.js";
import { fmt, measure, printTable } from "./measure.js";
import { benchWorkspace } from "./workspaces.js";
import { KUBECTL } from "../helpers/kubectl.js";

const cli = repoPath("dist/cli/kaito-gitops.js");
const root = mkdtempSync(join(tmpdir(), "kaito-gitops-bench-plugin-"));
const env = { ...process.env, ARGOCD_APP_NAME: "bench", ARGOCD_APP_NAMESPACE: "models", KUBE_API_VERSIONS: "karpenter.sh/v1/NodeClaim" };
try {
  const rows: string[][] = [];
  for (const n of [1, 100, 2_000]) {
    const app = join(root, `app-${n}`);
    for (let i = 0; i < n; i++) {
      const dir = join(app, `team-${i % 20}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `ws-${i}.yaml`), benchWorkspace(i));
    }
    const kustomized = join(root, `kustomize-${n}`);
    mkdirSync(kustomized);
    const rendered = join(kustomized, "rendered.yaml");
    // measure() runs with our environment; generate reads ARGOCD_* from it.
    Object.assign(process.env, env);
    const generate = measure([process.execPath, cli, "generate", app], { stdout: rendered });
    writeFileSync(join(kustomized, "kustomization.yaml"), "resources:\n  - rendered.yaml\n");
    const kustomize = measure([KUBECTL, "kustomize", kustomized], { stdout: join(root, `kustomize-out-${n}.yaml`) });
    rows.push([
      String(n),
      fmt(generate.seconds),
      fmt(generate.peakRssMiB, 0),
      fmt(kustomize.seconds),
      fmt(kustomize.peakRssMiB, 0),
      fmt(generate.seconds / kustomize.seconds),
    ]);
  }
  console.log("plugin generate over N Workspace files vs kubectl kustomize over the rendered output");
  printTable(["N", "generate s", "generate MiB", "kustomize s", "kustomize MiB", "ratio"], rows);
  console.log("target: ratio <= 1.0 at 2,000");
} finally {
  rmSync(root, { recursive: true, force: true });
}
