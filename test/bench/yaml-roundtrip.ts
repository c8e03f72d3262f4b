// The render benchmark's baseline: parse a YAML stream and print it again with the yaml library
// alone, the least any renderer of that output must do.
import { readFileSync, writeSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";

const file = process.argv[2];
if (!file) throw new Error("usage: yaml-roundtrip FILE");
const docs = parseAllDocuments(readFileSync(file, "utf8"));
const out = (Array.isArray(docs) ? docs : []).map((d) => stringify(d.toJS(), { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
writeSync(1, out);
