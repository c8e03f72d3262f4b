// Where the self-managed certificates live: one Kubernetes Secret of type kubernetes.io/tls,
// so that it also works as a volume for anything expecting the usual tls.crt/tls.key layout.
// The interface is what ensure.ts needs and no more, which keeps the concurrency logic
// testable against an in-memory store.
import type { CoreV1Api, V1Secret } from "@kubernetes/client-node";
import type { CertBundle } from "./types.js";

export interface StoredBundle {
  readonly bundle: CertBundle;
  /** the Secret's metadata.resourceVersion, for optimistic concurrency on replace */
  readonly resourceVersion: string;
}

export interface SecretStore {
  /** undefined when the Secret does not exist; missing keys read as empty strings */
  read(): Promise<StoredBundle | undefined>;
  /** "exists" when someone else created it first */
  create(bundle: CertBundle): Promise<"created" | "exists">;
  /** "conflict" when the Secret changed (or vanished) since `resourceVersion` was read */
  replace(bundle: CertBundle, resourceVersion: string): Promise<"replaced" | "conflict">;
}

export const SECRET_TYPE = "kubernetes.io/tls";
export const SECRET_KEYS = { tlsCert: "tls.crt", tlsKey: "tls.key", caCert: "ca.crt", caKey: "ca.key" } as const;
export const MANAGED_BY_LABEL = { "app.kubernetes.io/managed-by": "kaito-gitops" } as const;

/** The Secret's `data`: base64 of each PEM. */
export function bundleToSecretData(bundle: CertBundle): Record<string, string> {
  const b64 = (pem: string): string => Buffer.from(pem, "utf8").toString("base64");
  return {
    [SECRET_KEYS.tlsCert]: b64(bundle.tlsCert),
    [SECRET_KEYS.tlsKey]: b64(bundle.tlsKey),
    [SECRET_KEYS.caCert]: b64(bundle.caCert),
    [SECRET_KEYS.caKey]: b64(bundle.caKey),
  };
}

/**
 * The bundle in a Secret's `data`. Missing keys become empty strings rather than an error so
 * that an empty placeholder Secret (shipped by the install so RBAC can name it) simply reads
 * as "needs renewal" and gets filled in by replace.
 */
export function bundleFromSecretData(data: Readonly<Record<string, string>> | undefined): CertBundle {
  const pem = (key: string): string => Buffer.from(data?.[key] ?? "", "base64").toString("utf8");
  return {
    tlsCert: pem(SECRET_KEYS.tlsCert),
    tlsKey: pem(SECRET_KEYS.tlsKey),
    caCert: pem(SECRET_KEYS.caCert),
    caKey: pem(SECRET_KEYS.caKey),
  };
}

/** The calls the store makes; CoreV1Api satisfies it, and so can a test double. */
export type SecretsApi = Pick<CoreV1Api, "readNamespacedSecret" | "createNamespacedSecret" | "replaceNamespacedSecret">;

export class KubeSecretStore implements SecretStore {
  /** The last Secret read, so replace keeps its labels, annotations, owners and type. */
  private lastRead: V1Secret | undefined;

  constructor(
    private readonly api: SecretsApi,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async read(): Promise<StoredBundle | undefined> {
    let secret: V1Secret;
    try {
      secret = await this.api.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw wrapError(err, `reading Secret ${this.namespace}/${this.name}`);
    }
    this.lastRead = secret;
    const resourceVersion = secret.metadata?.resourceVersion;
    if (resourceVersion === undefined) throw new Error(`Secret ${this.namespace}/${this.name} has no resourceVersion`);
    return { bundle: bundleFromSecretData(secret.data), resourceVersion };
  }

  async create(bundle: CertBundle): Promise<"created" | "exists"> {
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: this.name, namespace: this.namespace, labels: { ...MANAGED_BY_LABEL } },
      type: SECRET_TYPE,
      data: bundleToSecretData(bundle),
    };
    try {
      await this.api.createNamespacedSecret({ namespace: this.namespace, body });
      return "created";
    } catch (err) {
      if (statusCode(err) === 409) return "exists";
      throw wrapError(err, `creating Secret ${this.namespace}/${this.name}`);
    }
  }

  async replace(bundle: CertBundle, resourceVersion: string): Promise<"replaced" | "conflict"> {
    const base = this.lastRead?.metadata?.resourceVersion === resourceVersion ? this.lastRead : undefined;
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        ...base?.metadata,
        name: this.name,
        namespace: this.namespace,
        resourceVersion,
        labels: { ...base?.metadata?.labels, ...MANAGED_BY_LABEL },
      },
      // A Secret's type is immutable; keep whatever a placeholder was created with.
      type: base?.type ?? SECRET_TYPE,
      data: { ...base?.data, ...bundleToSecretData(bundle) },
    };
    try {
      await this.api.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body });
      return "replaced";
    } catch (err) {
      // 404: deleted since we read it; the caller re-reads and creates, same as a conflict.
      const code = statusCode(err);
      if (code === 409 || code === 404) return "conflict";
      throw wrapError(err, `replacing Secret ${this.namespace}/${this.name}`);
    }
  }
}

/** The HTTP status of a client-node ApiException (or anything shaped like one). */
export function statusCode(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "number") return err.code;
  return undefined;
}

function wrapError(err: unknown, doing: string): Error {
  const code = statusCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${doing}: ${code === undefined ? "" : `HTTP ${code}: `}${message}`, { cause: err });
}
