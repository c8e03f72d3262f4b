// Tuning data URLs are fetched from inside the cluster, so a Workspace must not be able to point
// the downloader at the node's metadata service or other internal endpoints.
import { isIP } from "node:net";

const METADATA_HOSTS = new Set(["metadata.google.internal", "instance-data.ec2.internal", "metadata.azure.internal"]);

export function dataUrlProblem(raw: string): string | null {
  // The downloader gets the URLs as one space-separated list: a space would split a URL in two.
  if (/\s/.test(raw)) return `${JSON.stringify(raw)} contains whitespace; encode it as %20`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${JSON.stringify(raw)} is not a valid URL`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `${JSON.stringify(raw)} must use http or https, not ${url.protocol.replace(/:$/, "")}`;
  }
  // "localhost." and "metadata.google.internal." resolve like their dotless forms.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || METADATA_HOSTS.has(host)) {
    return `${JSON.stringify(raw)} must not target a local or metadata endpoint`;
  }
  if (isIP(host) !== 0 && isInternalAddress(host)) {
    return `${JSON.stringify(raw)} must not target a loopback, private or link-local address`;
  }
  return null;
}

function isInternalAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ip.split(".").map(Number);
    return (
      a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped?.[1]) return isInternalAddress(mapped[1]);
  // The URL parser writes IPv4-mapped addresses in hex: ::ffff:a9fe:a9fe is 169.254.169.254.
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hex?.[1] && hex[2]) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return isInternalAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return v6 === "::" || v6 === "::1" || v6.startsWith("fe80:") || v6.startsWith("fc") || v6.startsWith("fd");
}
