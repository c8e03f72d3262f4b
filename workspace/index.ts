// The public face of the domain: everything the webhook, controller, plugin and CLI use.
export * from "./api/types.js";
export * from "./api/well-known.js";
export { workspaceCRD } from "./api/crd.js";
export type { Catalog, CatalogFile, InstanceType, ModelPreset, Runtime } from "./catalog/types.js";
export { loadCatalog, parseCatalogFile, CatalogError } from "./catalog/load.js";
export { expand, ExpansionError } from "./expand/index.js";
export type { Expansion, KubeObject } from "./expand/index.js";
export { checkWorkspace, versionOf } from "./validate/check.js";
export type { CheckResult } from "./validate/check.js";
export { expandOptions, defaultExpandOptions } from "./options.js";
export type { ExpandOptions, NodeClaimKind, WorkloadKind } from "./options.js";
export type { Plan } from "./plan.js";
export { formatPath, formatViolation, errorsOf, warningsOf } from "./violation.js";
export type { Violation, Severity } from "./violation.js";
export { parseYamlStream, SourceError } from "./source/yaml.js";
export type { SourceDocument, FieldPath, Position } from "./source/yaml.js";
export { parseRolloutSteps, DEFAULT_CANARY_STEPS } from "./rollout-steps.js";
export type { CanaryStep } from "./rollout-steps.js";
