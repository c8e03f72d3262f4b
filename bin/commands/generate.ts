// kaito-gitops generate [DIR]: the Argo CD config-management plugin's generate command. Renders
// the app's source folder with the settings Argo CD passes in the environment (plugin/settings.ts);
// stdout holds only manifests, everything else goes to stderr (Argo CD shows it on failure).
import { parseArgs } from "node:util";
import { pluginSettings, SettingsError } from "../../plugin/settings.js";
import type { Command } from "../cli-io.js";
import { ExitCode } from "../cli-io.js";
import { settingsFrom, UsageError } from "../options.js";
import { modelsLockFrom } from "../models-lock.js";
import { expandOptions } from "../../workspace/index.js";
import { join } from "node:path";
import { renderPaths } from "./render.js";

export const usage = `Usage: kaito-gitops generate [DIR]   (default: the current folder, as Argo CD runs it)

Renders every manifest under DIR like render, configured from the environment:
  PARAM_<NAME> or ARGOCD_ENV_<NAME> for KAITO_VERSION (v0.12|v0.3), SETTINGS (the KAITO controller
  settings file, relative to DIR), NAMESPACE, MODELS_LOCK (the model lock, relative to DIR; default
  DIR/kaito-models.lock.yaml when present); ARGOCD_APP_NAMESPACE as the default namespace.
  Fails when nothing is rendered.
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
  const dir = positionals[0] ?? ".";
  const settingsFile = settings.settingsFile && join(dir, settings.settingsFile);
  const options = expandOptions({
    kaitoVersion: settings.kaitoVersion,
    namespace: settings.namespace,
    settings: await settingsFrom(settingsFile, io.cwd),
    models: await modelsLockFrom(settings.modelsLockFile && join(dir, settings.modelsLockFile), [dir], io.cwd),
  });
  return renderPaths([dir], options, io, {
    quiet: false,
    format: "yaml",
    requireObjects: true,
    skipFiles: settingsFile ? [settingsFile] : [],
  });
};
