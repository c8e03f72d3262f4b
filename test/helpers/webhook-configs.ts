// The install bundle's own webhook configurations (kustomize/base/webhooks.yaml), pointed at a
// webhook on this machine, so real-cluster tests exercise the rules, selectors and failure policy
// users install.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { repoPath } from "./repo.js";

interface Hook {
  name: string;
  clientConfig: unknown;
  namespaceSelector?: unknown;
}

/** JSON documents for `kubectl apply -f -`; `baseUrl` is https://127.0.0.1:PORT. */
export function localWebhookConfigurations(baseUrl: string, caBundle: string, namespaceSelector?: object): string {
  const configs = parseAllDocuments(readFileSync(repoPath("kustomize/base/webhooks.yaml"), "utf8")).map((d) => d.toJS() as { webhooks: Hook[] });
  for (const config of configs) {
    for (const hook of config.webhooks) {
      hook.clientConfig = { url: `${baseUrl}${hook.name.includes("mutate") ? "/mutate" : "/validate"}`, caBundle };
      if (namespaceSelector) hook.namespaceSelector = namespaceSelector;
    }
  }
  return configs.map((c) => JSON.stringify(c)).join("\n");
}
