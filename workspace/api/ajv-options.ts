// The ajv settings shared by the build (standalone validators) and tests that compile schemas at
// run time: Kubernetes' x-kubernetes-* keywords are annotations, not assertions.
import type { Ajv, Options } from "ajv";

type AjvClass = new (options: Options) => Ajv;

export function newAjv(AjvCtor: AjvClass, extra: Options = {}): Ajv {
  // unicode: false counts string length in UTF-16 units, as bounds.ts does, and keeps the
  // generated validators free of ajv's runtime (its code-point counter is a require()).
  const ajv = new AjvCtor({ allErrors: true, strict: true, allowUnionTypes: true, unicode: false, ...extra });
  for (const keyword of [
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-map-type",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource",
  ]) {
    ajv.addKeyword({ keyword, schemaType: ["boolean", "string", "array"] });
  }
  return ajv;
}
