// The Kubernetes side of the self-managed certificate mode: the Secret and the two webhook
// configurations through @kubernetes/client-node. Imported only when --manage-certs is used, so
// the other modes never load the client (and work without a kubeconfig).
import { KubeSecretStore, KubeWebhookConfigApi } from "../certs/index.js";
import type { SecretStore, WebhookConfigApi } from "../certs/index.js";

export interface KubeCertificateBackends {
  readonly store: SecretStore;
  readonly webhookConfigs: WebhookConfigApi;
  /** the API server the client talks to, for the log */
  readonly server: string;
}

/**
 * Credentials as kubectl finds them: $KUBECONFIG (when given), else ~/.kube/config, else the
 * pod's service account.
 */
export async function kubeCertificateBackends(namespace: string, secretName: string, kubeconfig?: string): Promise<KubeCertificateBackends> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  if (kubeconfig !== undefined && kubeconfig !== "") config.loadFromFile(kubeconfig);
  else config.loadFromDefault();
  return {
    store: new KubeSecretStore(config.makeApiClient(k8s.CoreV1Api), namespace, secretName),
    webhookConfigs: new KubeWebhookConfigApi(config.makeApiClient(k8s.AdmissionregistrationV1Api)),
    server: config.getCurrentCluster()?.server ?? "(no cluster in the kubeconfig)",
  };
}
