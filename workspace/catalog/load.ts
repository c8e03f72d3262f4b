// Loading catalogs: the built-in one (checked against the schema at build time, shipped as a
// JSON module so start-up stays fast) and user files, checked here with the same schema. User
// files arrive as text from the edges.
import { catalogSchemaViolations } from "../api/validator.js";
import { parseYamlStream, SourceError } from "../source/yaml.js";
import { formatViolation } from "../violation.js";
import { mergeCatalogFiles } from "./catalog.js";
import type { Catalog, CatalogFile } from "./types.js";

import builtin from "./builtin.generated.js";

export function builtinCatalogFile(): CatalogFile {
  return builtin;
}

/** A user catalog could not be used; the message names the file, line and field. */
export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogError";
  }
}

export function parseCatalogFile(text: string, file: string): CatalogFile {
  let docs;
  try {
    docs = parseYamlStream(text, file);
  } catch (e) {
    if (e instanceof SourceError) throw new CatalogError(e.message);
    throw e;
  }
  const [doc, extra] = docs;
  if (!doc) throw new CatalogError(`${file}: the catalog file is empty`);
  if (extra) throw new CatalogError(`${file}:${extra.start.line}: a catalog file holds one YAML document`);
  const violations = catalogSchemaViolations(doc.value);
  if (violations.length > 0) {
    const lines = violations.map((v) => {
      const { line, col } = doc.positionOf(v.path);
      return `${file}:${line}:${col}: ${formatViolation(v)}`;
    });
    throw new CatalogError(`${file}: not a valid catalog file:\n  ${lines.join("\n  ")}`);
  }
  return doc.value as CatalogFile;
}

/** The built-in catalog with each user file merged over it, in order. */
export function loadCatalog(userFiles: readonly { file: string; text: string }[] = []): Catalog {
  return mergeCatalogFiles([builtinCatalogFile(), ...userFiles.map((f) => parseCatalogFile(f.text, f.file))]);
}
