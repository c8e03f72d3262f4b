// Type of the built-in catalog module scripts/build.mjs generates from the YAML files beside this.
import type { CatalogFile } from "./types.js";
declare const builtin: CatalogFile;
export default builtin;
