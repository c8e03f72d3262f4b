// Choices that are not part of a Workspace: which KAITO release to render for, the KAITO
// controller's settings, what already exists in the cluster, the model lock, and the namespace to
// assume where a Workspace names none. Every road (webhook, controller, plugin, CLI) passes them in.
import type { ClusterFacts, ControllerSettings, KaitoVersion, ModelLock } from "./kaito/types.js";
import { DEFAULT_KAITO_VERSION, defaultControllerSettings, emptyClusterFacts, emptyModelLock } from "./kaito/types.js";

export interface ExpandOptions {
  /** The KAITO release whose controller output we render, unless a Workspace's annotation pins another. */
  readonly kaitoVersion: KaitoVersion;
  /** Namespace for Workspaces that name none. */
  readonly namespace: string;
  /** The KAITO controller's settings (cloud provider, node provisioner, feature gates). */
  readonly settings: ControllerSettings;
  /** Objects KAITO's controller would read from the cluster: ConfigMaps, Secrets, GPU Nodes. */
  readonly cluster: ClusterFacts;
  /** Models outside the built-in catalog, pinned by `kaito-gitops models add`. */
  readonly models: ModelLock;
  /**
   * A renderer cannot see the cluster's Secrets (nor should Git hold them): take a Secret that a
   * Workspace names as existing, with the HF_TOKEN key KAITO reads, and say so in a warning.
   * The controller, which reads the live Secret, turns this off.
   */
  readonly assumeNamedSecrets: boolean;
}

export const defaultExpandOptions: ExpandOptions = {
  kaitoVersion: DEFAULT_KAITO_VERSION,
  namespace: "default",
  settings: defaultControllerSettings,
  cluster: emptyClusterFacts,
  models: emptyModelLock,
  assumeNamedSecrets: true,
};

export function expandOptions(partial: Partial<ExpandOptions> = {}): ExpandOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...defaultExpandOptions, ...defined };
}
