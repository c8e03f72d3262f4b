// The Kubernetes side of the webhook: the self-managed certificate mode's Secret and two webhook
// configurations through @kubernetes/client-node, and the client admission reads the cluster
// with. Imported only when one of them is used, so a laptop run never loads the client (and
// works without a kubeconfig).
import type { ReadLimits } from "../controller/cluster-facts.js";
import { createKubeClient } from "../controller/kube.js";
import type { RequestObserver } from "../controller/kube.js";
import { KubeSecretStore, KubeWebhookConfigApi } from "../certs/index.js";
import type { SecretStore, WebhookConfigApi } from "../certs/index.js";
import type { ClusterAccess } from "./cluster-reads.js";

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

/**
 * Admission's cluster reads, with the same credentials (explicit file, else $KUBECONFIG,
 * ~/.kube/config, the pod's service account). The caller closes the client at shutdown.
 */
export async function kubeClusterAccess(limits: ReadLimits, kubeconfig?: string, observe?: RequestObserver): Promise<ClusterAccess> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  if (kubeconfig !== undefined && kubeconfig !== "") config.loadFromFile(kubeconfig);
  else config.loadFromDefault();
  return { client: createKubeClient(config, observe), limits };
}
