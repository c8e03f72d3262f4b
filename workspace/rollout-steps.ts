// Canary steps of an Argo Rollout, written as YAML or JSON flow, e.g.
//   [{setWeight: 50}, {pause: {duration: 10m}}]
// They come from the kaito-gitops.io/rollout-steps annotation of a Workspace or from a plugin
// parameter. Only the steps that make sense without traffic routing are accepted.
import { parse } from "yaml";

export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: string };
}

/** Half the replicas first, then ten minutes to watch them before the rest. */
export const DEFAULT_CANARY_STEPS: readonly CanaryStep[] = [{ setWeight: 50 }, { pause: { duration: "10m" } }];

const DURATION = /^[0-9]+(s|m|h)?$/;

export function parseRolloutSteps(text: string): { steps: CanaryStep[] } | { error: string } {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return { error: `not YAML or JSON: ${(e as Error).message.split("\n")[0] ?? ""}` };
  }
  if (!Array.isArray(value)) return { error: "must be a list of steps, such as [{setWeight: 50}, {pause: {duration: 10m}}]" };
  const steps: CanaryStep[] = [];
  for (const [i, step] of value.entries()) {
    if (typeof step !== "object" || step === null || Array.isArray(step)) return { error: `step ${i + 1} must be a map` };
    const entries = Object.entries(step as Record<string, unknown>);
    const [entry] = entries;
    if (entries.length !== 1 || !entry) return { error: `step ${i + 1} must have exactly one of setWeight or pause` };
    const [key, arg] = entry;
    if (key === "setWeight") {
      if (typeof arg !== "number" || !Number.isInteger(arg) || arg < 0 || arg > 100) {
        return { error: `step ${i + 1}: setWeight must be a whole number from 0 to 100` };
      }
      steps.push({ setWeight: arg });
    } else if (key === "pause") {
      const duration = (arg as { duration?: unknown } | null)?.duration;
      if (arg !== null && (typeof arg !== "object" || Object.keys(arg).some((k) => k !== "duration"))) {
        return { error: `step ${i + 1}: pause takes {} or {duration: 10m}` };
      }
      if (duration !== undefined && !DURATION.test(String(duration))) {
        return { error: `step ${i + 1}: pause duration must look like 30s, 10m or 1h; got ${JSON.stringify(duration)}` };
      }
      steps.push({ pause: duration === undefined ? {} : { duration: String(duration) } });
    } else {
      return { error: `step ${i + 1}: unsupported step ${JSON.stringify(key)}; supported are setWeight and pause` };
    }
  }
  return { steps };
}
