// Before the webhook says it is ready, a few Workspaces go through both admission handlers in
// process, as reviews would: the valid path and the ways a Workspace is refused (unknown preset,
// unknown instance type, a name past every bound, fields of the wrong type). The first request
// down a path otherwise pays for compiling it: a fresh replica took about 76 ms of CPU for its
// first valid review and 10-20 ms more for its first denial (bench:hostile), where a warm one
// takes well under one. The cluster is never read here: the context goes without its access.
import { inServedVersion } from "../workspace/kaito/api-versions.js";
import { ADMISSION_API_VERSION, parseAdmissionReview, reviewOf } from "./admission-review.js";
import type { AdmissionRequest } from "./admission-review.js";
import { DEFAULT_JSON_LIMITS } from "./json-guard.js";
import { mutate } from "./mutate.js";
import type { AdmissionResult } from "./outcome.js";
import type { AdmissionContext } from "./scope.js";
import { validate } from "./validate.js";

const WORKSPACE = {
  apiVersion: "kaito.sh/v1beta1",
  kind: "Workspace",
  metadata: { name: "warm-up", namespace: "default", annotations: {}, labels: {} },
  resource: { instanceType: "Standard_NC24ads_A100_v4", labelSelector: { matchLabels: { apps: "warm-up" } } },
  inference: { preset: { name: "phi-3-mini-4k-instruct" } },
};

type Change = (ws: typeof WORKSPACE) => Record<string, unknown>;

/** The Workspace as given, then refused ways. */
const VARIANTS: readonly Change[] = [
  (ws) => ws,
  (ws) => ({ ...ws, inference: { preset: { name: "no-such-preset" } } }),
  (ws) => ({ ...ws, inference: { preset: { name: "w".repeat(300) } } }),
  (ws) => ({ ...ws, resource: { ...ws.resource, instanceType: "no-such-instance-type" } }),
  (ws) => ({ ...ws, resource: { ...ws.resource, count: "one" }, inference: { adapters: [1, { source: 2 }] } }),
];

/** An AdmissionReview body as kube-apiserver sends it for a CREATE. */
function reviewText(object: Record<string, unknown>, uid: string): string {
  const version = String(object["apiVersion"]).slice("kaito.sh/".length);
  return JSON.stringify({
    apiVersion: ADMISSION_API_VERSION,
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "kaito.sh", version, kind: "Workspace" },
      resource: { group: "kaito.sh", version, resource: "workspaces" },
      requestKind: { group: "kaito.sh", version, kind: "Workspace" },
      requestResource: { group: "kaito.sh", version, resource: "workspaces" },
      name: "warm-up",
      namespace: "default",
      operation: "CREATE",
      userInfo: { username: "kaito-gitops:warm-up" },
      object,
      oldObject: null,
      dryRun: true,
      options: { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" },
    },
  });
}

/** How many warm-up reviews ended each way. */
export type WarmUpResults = Partial<Record<AdmissionResult, number>>;

/** Every variant through /mutate's and /validate's handlers, `rounds` times. */
export async function warmUp(context: AdmissionContext, rounds = 3): Promise<WarmUpResults> {
  const offline: AdmissionContext = { options: context.options };
  // In the newest API version the KAITO release served, so its valid path is the one taken.
  const workspace = inServedVersion(WORKSPACE, context.options.kaitoVersion);
  const results: WarmUpResults = {};
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, change] of VARIANTS.entries()) {
      const parsed = parseAdmissionReview(JSON.parse(reviewText(change(workspace), `warm-up-${round}-${index}`)) as unknown, DEFAULT_JSON_LIMITS);
      if (!parsed.ok) throw new Error(`warm-up review ${index} does not parse: ${parsed.message}`);
      const request: AdmissionRequest = parsed.request;
      for (const handler of [mutate, validate]) {
        const outcome = await handler(request, offline);
        JSON.stringify(reviewOf(outcome.response));
        results[outcome.result] = (results[outcome.result] ?? 0) + 1;
      }
    }
  }
  return results;
}
