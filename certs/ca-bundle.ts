// Telling kube-apiserver which CA to trust when it calls the webhook: every webhook's
// clientConfig.caBundle in our Mutating- and ValidatingWebhookConfiguration. The caBundle is
// only written when it differs, so steady-state checks cost two GETs and no writes, and an
// Argo CD sync that blanked it (argo-cd#1487) gets repaired at the next check.
//
// Only types come from @kubernetes/client-node: 2.0.1 pulls in undici 8, which needs Node >= 22
// and throws at import time on Node 20, and this file must stay loadable without it.
import type { AdmissionregistrationV1Api } from "@kubernetes/client-node";
import { caBundleBase64 } from "./inspect.js";
import { statusCode } from "./secret-store.js";

export type WebhookKind = "mutating" | "validating";

export interface WebhookConfigNames {
  readonly mutating?: string;
  readonly validating?: string;
}

export interface WebhookEntry {
  readonly name: string;
  readonly caBundle?: string;
}

/** The two calls injection needs, so it can run against a fake. */
export interface WebhookConfigApi {
  /** the configuration's webhooks in order, or undefined when it does not exist */
  read(kind: WebhookKind, name: string): Promise<readonly WebhookEntry[] | undefined>;
  /**
   * Sets `caBundle` on the webhooks at the given positions, provided each position still holds
   * the webhook named; "conflict" when the configuration changed or vanished in between.
   */
  setCABundle(
    kind: WebhookKind,
    name: string,
    targets: readonly { readonly index: number; readonly webhook: string }[],
    caBundle: string,
  ): Promise<"updated" | "conflict">;
}

/** missing: the configuration does not exist (yet): not injected, try again later. */
export type InjectOutcome = "updated" | "unchanged" | "missing";

export type InjectResult = { readonly [K in WebhookKind]?: InjectOutcome };

const MAX_ATTEMPTS = 3;

export async function injectCABundle(api: WebhookConfigApi, names: WebhookConfigNames, caPem: string): Promise<InjectResult> {
  const caBundle = caBundleBase64(caPem);
  const result: { [K in WebhookKind]?: InjectOutcome } = {};
  for (const kind of ["mutating", "validating"] as const) {
    const name = names[kind];
    if (name !== undefined) result[kind] = await injectOne(api, kind, name, caBundle);
  }
  return result;
}

/** True when every configuration asked for exists and carries the caBundle (readiness). */
export function isInjected(result: InjectResult): boolean {
  return Object.values(result).every((outcome) => outcome !== "missing");
}

async function injectOne(api: WebhookConfigApi, kind: WebhookKind, name: string, caBundle: string): Promise<InjectOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const webhooks = await api.read(kind, name);
    if (webhooks === undefined) return "missing";
    const targets = webhooks
      .map((webhook, index) => ({ index, webhook: webhook.name, current: webhook.caBundle }))
      .filter((target) => target.current !== caBundle)
      .map(({ index, webhook }) => ({ index, webhook }));
    if (targets.length === 0) return "unchanged";
    if ((await api.setCABundle(kind, name, targets, caBundle)) === "updated") return "updated";
  }
  throw new Error(`${kind}WebhookConfiguration ${name}: caBundle not injected, it kept changing concurrently`);
}

type AdmissionApi = Pick<
  AdmissionregistrationV1Api,
  | "readMutatingWebhookConfiguration"
  | "readValidatingWebhookConfiguration"
  | "patchMutatingWebhookConfiguration"
  | "patchValidatingWebhookConfiguration"
>;

/** WebhookConfigApi over client-node, writing with a JSON Patch guarded by `test` ops. */
export class KubeWebhookConfigApi implements WebhookConfigApi {
  constructor(private readonly api: AdmissionApi) {}

  async read(kind: WebhookKind, name: string): Promise<readonly WebhookEntry[] | undefined> {
    try {
      const config =
        kind === "mutating"
          ? await this.api.readMutatingWebhookConfiguration({ name })
          : await this.api.readValidatingWebhookConfiguration({ name });
      return (config.webhooks ?? []).map((webhook) => ({
        name: webhook.name,
        ...(webhook.clientConfig.caBundle !== undefined && { caBundle: webhook.clientConfig.caBundle }),
      }));
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw new Error(`reading ${kind}WebhookConfiguration ${name}: ${message(err)}`, { cause: err });
    }
  }

  async setCABundle(
    kind: WebhookKind,
    name: string,
    targets: readonly { readonly index: number; readonly webhook: string }[],
    caBundle: string,
  ): Promise<"updated" | "conflict"> {
    // The `test` ops make the patch fail instead of writing into the wrong webhook if the list
    // was reordered since it was read; "add" on an object member replaces it if present.
    const body = targets.flatMap(({ index, webhook }) => [
      { op: "test", path: `/webhooks/${index}/name`, value: webhook },
      { op: "add", path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle },
    ]);
    // No Content-Type override: client-node 2.0.1 picks application/json-patch+json, the first
    // JSON-like type of the patch endpoints' list, and setHeaderOptions would be a value import.
    try {
      if (kind === "mutating") await this.api.patchMutatingWebhookConfiguration({ name, body });
      else await this.api.patchValidatingWebhookConfiguration({ name, body });
      return "updated";
    } catch (err) {
      // 422: a `test` op failed; 404: deleted; 409: conflict. All mean "read again".
      const code = statusCode(err);
      if (code === 422 || code === 404 || code === 409) return "conflict";
      throw new Error(`patching ${kind}WebhookConfiguration ${name}: ${message(err)}`, { cause: err });
    }
  }
}

function message(err: unknown): string {
  const code = statusCode(err);
  return `${code === undefined ? "" : `HTTP ${code}: `}${err instanceof Error ? err.message : String(err)}`;
}
