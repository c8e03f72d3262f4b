// Shapes shared by every part of certs/. Kept free of imports so that the issuing, storage,
// injection and loading code can depend on them without depending on each other.

/** What the HTTPS server needs to serve: PEM strings, as a Kubernetes TLS Secret holds them. */
export interface ServingCerts {
  /** the serving certificate (a chain is allowed: leaf first) */
  readonly tlsCert: string;
  /** the serving certificate's private key */
  readonly tlsKey: string;
  /** the CA certificates clients should trust; absent when a mounted Secret has no ca.crt */
  readonly caCert?: string;
}

/**
 * A self-managed certificate set. `caCert` may hold several CA certificates: the one that
 * matches `caKey` comes first, followed by the previous CA while it is still valid, so that
 * servers still presenting a leaf from the old CA keep being trusted during a CA rotation.
 */
export interface CertBundle extends ServingCerts {
  readonly caCert: string;
  readonly caKey: string;
}

/** Whom the serving certificate is for. */
export interface WantedCert {
  /** the webhook's Service name */
  readonly service: string;
  /** the Service's namespace */
  readonly namespace: string;
  /** extra DNS names beyond the four derived from service and namespace */
  readonly dnsNames?: readonly string[];
  /** IP addresses to put in the SAN (e.g. 127.0.0.1 for tests against a local server) */
  readonly ipAddresses?: readonly string[];
}

/** Lifetimes and names used when a certificate has to be (re)issued. */
export interface IssueOptions {
  /** CA lifetime in days (default 3650) */
  readonly caValidityDays?: number;
  /** serving certificate lifetime in days (default 365); never beyond the CA's notAfter */
  readonly validityDays?: number;
  /** CA common name (default "kaito-gitops-webhook-ca") */
  readonly caCommonName?: string;
}
