// The body of an HTTP error answer: a metav1.Status, as the API server's own errors are. Apart
// from the rest of the webhook so the HTTPS server (and the benchmark's floors on it) can use it
// without loading the domain.

export function statusBody(code: number, reason: string, message: string, details?: object): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, ...(details && { details }) };
}
