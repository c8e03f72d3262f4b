// What a user reads when a Workspace names a model this render cannot size: one wording for every
// KAITO profile and every road (CLI, plugin, webhook), naming the command that fixes it.
import { LOCK_FILE_NAME } from "./lock-format.js";

/** The command that pins a model in the lock. */
export const addModelCommand = (id: string): string => `kaito-gitops models add ${id}`;

/** A preset name that is neither a catalog model (nor a legacy alias) nor an entry of the model lock. */
export function unknownModelMessage(id: string, catalogDescription = "the built-in model catalog"): string {
  const addable = id.includes("/");
  const fix = addable
    ? `pin it in the model lock (${LOCK_FILE_NAME}, committed beside the Workspaces) with \`${addModelCommand(id)}\``
    : "use a Hugging Face id (org/model) or a catalog name (kaito-gitops presets)";
  return `model ${JSON.stringify(id)} is neither in ${catalogDescription} nor in the model lock; ${fix}`;
}
