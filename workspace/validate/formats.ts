// Kubernetes name formats and image references, checked where the API server would reject the
// child objects later (better to say so at the Workspace, with its field path).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** null when valid, else why not. */
export function dns1123LabelProblem(value: string, maxLength = 63): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > maxLength) return `must be at most ${maxLength} characters (has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return "must consist of lower case letters, digits and '-', and start and end with a letter or digit";
  }
  return null;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Service names: a DNS-1123 label that starts with a letter. */
export function dns1035LabelProblem(value: string, maxLength = 63): string | null {
  const problem = dns1123LabelProblem(value, maxLength);
  if (problem) return problem;
  return DNS1035_LABEL.test(value) ? null : "must start with a letter";
}

export function dns1123SubdomainProblem(value: string): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must consist of lower case letters, digits, '-' and '.', and start and end with a letter or digit";
  }
  return null;
}

// The shape of distribution/reference: [host[:port]/]path[:tag][@digest], lower-case path.
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

export function imageReferenceProblem(value: string): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > 4096) return "is too long for an image reference";
  if (!IMAGE_REFERENCE.test(value)) {
    return `${JSON.stringify(value)} is not a valid image reference (expected [registry/]repository[:tag][@digest], repository in lower case)`;
  }
  return null;
}

/** Strength of an adapter: a decimal number from 0 to 1, written as a string. */
export function strengthProblem(value: string): string | null {
  if (!/^(?:0|1|0?\.[0-9]+|[01]\.[0-9]+)$/.test(value.trim())) {
    return `must be a decimal number between 0 and 1 written as a string, such as "0.5"; got ${JSON.stringify(value)}`;
  }
  const n = Number(value);
  if (n < 0 || n > 1) return `must be between 0 and 1; got ${value}`;
  return null;
}
