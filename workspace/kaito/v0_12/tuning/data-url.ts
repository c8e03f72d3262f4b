// KAITO v0.12's guard on tuning data URLs (v1beta1 only): an absolute http(s) URL with a host that
// is neither a local or cloud-metadata name nor a loopback, private or link-local address. The
// data-downloader container fetches these from inside the cluster, so this is an SSRF guard.
// Pure; URLs are bounded by MAX_URL.

const MAX_URL = 8192;
const METADATA_HOSTS: ReadonlySet<string> = new Set(["metadata.google.internal", "metadata.google", "instance-data.ec2.internal"]);

/** Why KAITO refuses the URL (its words), or undefined when it is fine. */
export function dataUrlProblem(url: string): string | undefined {
  if (url.length > MAX_URL) return "invalid data source URL";
  const host = hostOf(url);
  if (host === undefined) return "invalid data source URL";
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return "data source URL must use HTTP or HTTPS";
  const hostname = host.toLowerCase();
  if (hostname === "localhost" || hostname.endsWith(".localhost") || METADATA_HOSTS.has(hostname)) {
    return "data source URL must not target a local or metadata endpoint";
  }
  const bytes = ipBytes(hostname.split("%")[0] ?? "");
  if (bytes && isInternal(bytes)) return "data source URL must not target a loopback, private, or link-local address";
  return undefined;
}

/** The host of an absolute `scheme://authority...` URL (brackets stripped), or undefined. */
function hostOf(url: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!m || /[\s\x00-\x1f\x7f]/.test(url)) return undefined;
  const authority = m[1] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  let host: string;
  let port: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close === -1) return undefined;
    host = hostPort.slice(1, close);
    port = hostPort.slice(close + 1);
    if (port !== "" && !port.startsWith(":")) return undefined;
  } else {
    const colon = hostPort.indexOf(":");
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    port = colon === -1 ? "" : hostPort.slice(colon);
  }
  if (port !== "" && !/^:[0-9]*$/.test(port)) return undefined;
  return host === "" ? undefined : host;
}

/** An IPv4 (dotted decimal) or IPv6 address as 16 bytes (IPv4 mapped), or undefined for a name. */
function ipBytes(text: string): number[] | undefined {
  const v4 = ipv4(text);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  if (!text.includes(":")) return undefined;
  return ipv6(text);
}

function ipv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Leading zeros are refused (they would mean octal to some parsers).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function ipv6(text: string): number[] | undefined {
  let head = text;
  let tail4: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = ipv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail4 = v4;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const out: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    out.push(n >> 8, n & 0xff);
  }
  if (tail4.length === 4) out.splice(12, 4, ...tail4);
  return out;
}

function isInternal(b: number[]): boolean {
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) {
    const [a = 0, c = 0, d = 0] = [b[12], b[13], b[14]];
    return a === 127 || a === 10 || (a === 172 && (c & 0xf0) === 16) || (a === 192 && c === 168) || (a === 169 && c === 254) || (a === 224 && c === 0 && d === 0);
  }
  const loopback = b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const first = b[0] ?? 0;
  const second = b[1] ?? 0;
  return loopback || (first & 0xfe) === 0xfc || (first === 0xfe && (second & 0xc0) === 0x80) || (first === 0xff && (second & 0x0f) === 0x02);
}
