// kaito-gitops generate [DIR]: the Argo CD config-management plugin's generate command. Renders
// the app's source folder with the settings Argo CD passes in the environment (plugin/settings.ts);
// stdout holds only manifests, everything else goes to stderr (Argo CD shows it on failure).
import { parseArgs } from "node:util";
import { pluginSettings, SettingsError } from "../../plugin/settings.js";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { UsageError } from "../options.js";
import { renderPaths } from "./render.js";

export const usage = `Usage: kaito-gitops generate [DIR]   (default: the current folder, as Argo CD runs it)

Renders every manifest under DIR like render, configured from the environment:
  PARAM_<NAME> or ARGOCD_ENV_<NAME> for NODE_CLAIM (auto|Machine|NodeClaim), WORKLOAD (Deployment|Rollout),
  CATALOG (catalog files, relative to DIR), NAMESPACE, ROLLOUT_STEPS; ARGOCD_APP_NAMESPACE as the
  default namespace; KUBE_API_VERSIONS to choose Machine or NodeClaim. Fails when nothing is rendered.
`;

export const run: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  if (values.help) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new UsageError("generate takes one folder");
  let settings;
  try {
    settings = pluginSettings(io.env);
  } catch (e) {
    if (e instanceof SettingsError) {
      io.stderr.write(`kaito-gitops generate: ${e.message}\n`);
      return ExitCode.usage;
    }
    throw e;
  }
  for (const note of settings.notes) io.stderr.write(`kaito-gitops generate: ${note}\n`);
  return renderPaths([positionals[0] ?? "."], settings.options, settings.catalogFiles, io, {
    quiet: false,
    format: "yaml",
    requireObjects: true,
  });
};
