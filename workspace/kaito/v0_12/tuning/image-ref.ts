// Container image references the way KAITO v0.12 reads them (Docker's reference grammar,
// `reference.ParseDockerRef`): the webhook refuses what does not parse, and the controller writes
// the normalised form (docker.io/library/ prefix, `:latest` when neither tag nor digest) into the
// puller and pusher containers. Pure string work; bounded by MAX_REFERENCE.

/** Far beyond any real reference (a name is at most 255 characters); bounds the regexes' work. */
const MAX_REFERENCE = 1024;
const MAX_NAME = 255;
const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";

const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const ipv6address = "\\[(?:[a-fA-F0-9:]+)\\]";
const host = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const REFERENCE = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** Domain and path, e.g. docker.io/library/busybox. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ParsedReference = { readonly ok: true; readonly reference: ImageReference } | { readonly ok: false; readonly reason: string };

export const referenceString = (r: ImageReference): string => `${r.name}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;

function parse(s: string): ParsedReference {
  const m = REFERENCE.exec(s);
  if (!m) {
    if (s === "") return { ok: false, reason: "repository name must have at least one component" };
    if (REFERENCE.test(s.toLowerCase())) return { ok: false, reason: "repository name must be lowercase" };
    return { ok: false, reason: "invalid reference format" };
  }
  const [, named = "", tagged, digested] = m;
  if (named.length > MAX_NAME) return { ok: false, reason: `repository name must not be more than ${MAX_NAME} characters` };
  if (digested !== undefined) {
    const [algorithm = "", encoded = ""] = digested.split(":");
    const want = DIGEST_LENGTHS[algorithm];
    if (want === undefined) return { ok: false, reason: "unsupported digest algorithm" };
    if (encoded.length !== want) return { ok: false, reason: "invalid checksum digest length" };
  }
  return { ok: true, reference: { name: named, ...(tagged !== undefined ? { tag: tagged } : {}), ...(digested !== undefined ? { digest: digested } : {}) } };
}

/** Docker Hub's implicit domain and library/ prefix made explicit. */
function splitDockerDomain(s: string): [string, string] {
  const slash = s.indexOf("/");
  const first = slash === -1 ? "" : s.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = s;
  } else {
    domain = first;
    remainder = s.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

/**
 * `reference.ParseDockerRef`: the fully qualified reference, tag `latest` added when there is
 * neither tag nor digest, the tag dropped when there is a digest.
 */
export function parseDockerRef(input: string): ParsedReference {
  if (input.length > MAX_REFERENCE) return { ok: false, reason: `reference longer than ${MAX_REFERENCE} characters` };
  if (IDENTIFIER.test(input)) return { ok: false, reason: `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings` };
  const [domain, remainder] = splitDockerDomain(input);
  const colon = remainder.indexOf(":");
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) {
    return { ok: false, reason: `invalid reference format: repository name (${remoteName}) must be lowercase` };
  }
  const parsed = parse(`${domain}/${remainder}`);
  if (!parsed.ok) return parsed;
  const r = parsed.reference;
  if (r.digest !== undefined) return { ok: true, reference: { name: r.name, digest: r.digest } };
  return { ok: true, reference: { name: r.name, tag: r.tag ?? "latest" } };
}

/** The normalised text KAITO writes into its scripts; the input as given when it does not parse. */
export function normalisedImage(input: string): string {
  const parsed = parseDockerRef(input);
  return parsed.ok ? referenceString(parsed.reference) : input;
}
