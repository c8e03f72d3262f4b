// UPDATE: the fields KAITO freezes once a Workspace exists, because nodes were provisioned and
// pods started for them. Each message says what it was and what the update tried.
import { isDeepStrictEqual } from "node:util";
import type { PresetSpec, Workspace } from "../api/types.js";
import type { FieldPath } from "../source/yaml.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";

const show = (v: unknown): string => (v === undefined ? "unset" : JSON.stringify(v));

/** A preset as the expansion would default it, so a stored object written before defaults compares equal. */
const defaulted = (preset: PresetSpec | undefined): PresetSpec | undefined =>
  preset && { ...preset, accessMode: preset.accessMode ?? "public" };

export function checkUpdate(oldWs: Workspace, newWs: Workspace): Violation[] {
  const out: Violation[] = [];
  const frozen = (rule: string, path: FieldPath, before: unknown, after: unknown, hint = ""): void => {
    if (!isDeepStrictEqual(before, after)) {
      out.push(error(rule, path, `field is immutable: was ${show(before)}, now ${show(after)}${hint}`));
    }
  };
  const recreate = "; delete and recreate the Workspace to change it";

  if (Boolean(oldWs.inference) !== Boolean(newWs.inference)) {
    out.push(error("immutable.inference", ["inference"], `inference cannot be ${oldWs.inference ? "removed" : "added"} once the Workspace exists`));
  }
  if (Boolean(oldWs.tuning) !== Boolean(newWs.tuning)) {
    out.push(error("immutable.tuning", ["tuning"], `tuning cannot be ${oldWs.tuning ? "removed" : "added"} once the Workspace exists`));
  }
  const oldR = oldWs.resource;
  const newR = newWs.resource;
  if (oldR?.count !== undefined && newR?.count !== undefined) {
    frozen("immutable.count", ["resource", "count"], oldR.count, newR.count, recreate);
  }
  // Instance types are matched case-insensitively, so a change of case is no change.
  if (oldR?.instanceType && oldR.instanceType.toLowerCase() !== newR?.instanceType?.toLowerCase()) {
    frozen("immutable.instanceType", ["resource", "instanceType"], oldR.instanceType, newR?.instanceType, recreate);
  }
  if (oldR && newR) {
    frozen("immutable.labelSelector", ["resource", "labelSelector"], oldR.labelSelector, newR.labelSelector, recreate);
  }
  if (oldWs.inference && newWs.inference) {
    frozen("immutable.preset", ["inference", "preset"], defaulted(oldWs.inference.preset), defaulted(newWs.inference.preset), recreate);
    if (Boolean(oldWs.inference.template) !== Boolean(newWs.inference.template)) {
      out.push(
        error("immutable.template", ["inference", "template"], `inference.template cannot be ${oldWs.inference.template ? "unset" : "set"} once the Workspace exists`),
      );
    }
  }
  if (oldWs.tuning && newWs.tuning) {
    frozen("immutable.tuningPreset", ["tuning", "preset"], defaulted(oldWs.tuning.preset), defaulted(newWs.tuning.preset), recreate);
    frozen("immutable.tuningMethod", ["tuning", "method"], oldWs.tuning.method, newWs.tuning.method, recreate);
    if (oldWs.tuning.input?.name !== undefined) {
      frozen("immutable.tuningInputName", ["tuning", "input", "name"], oldWs.tuning.input.name, newWs.tuning.input?.name);
    }
  }
  return out;
}
