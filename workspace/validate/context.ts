// What every rule sees: the Workspace (already shape-checked), the catalog and the options.
import type { Catalog } from "../catalog/types.js";
import type { ExpandOptions } from "../options.js";
import type { Workspace, WorkspaceVersion } from "../api/types.js";

export interface RuleContext {
  readonly ws: Workspace;
  readonly version: WorkspaceVersion;
  readonly catalog: Catalog;
  readonly options: ExpandOptions;
}

export const annotation = (ws: Workspace, key: string): string | undefined => ws.metadata.annotations?.[key];
