// Bytes of a manifest file to text. YAML and JSON files are UTF-8, but editors on some systems
// write UTF-16 with a byte-order mark, and a binary file passed by mistake decodes to text full
// of NULs that parses as nothing at all ("0 Workspaces, ok"). So: a BOM is honoured, text that
// is not valid UTF-8 or holds a NUL is refused with where, never parsed into silence.
import { SourceError } from "./yaml.js";

const UTF8_BOM = [0xef, 0xbb, 0xbf];

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/** The text of a manifest file, or a SourceError naming the file and why it is not text. */
export function decodeManifest(bytes: Uint8Array, file: string): string {
  let text: string;
  try {
    if (startsWith(bytes, UTF8_BOM)) text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(3));
    else if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2));
    else if (startsWith(bytes, [0xfe, 0xff])) text = new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new SourceError(file, undefined, "not UTF-8 (or UTF-16 with a byte-order mark) text; is it a manifest?");
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split("\n").length;
    const col = nul - before.lastIndexOf("\n");
    throw new SourceError(file, { line, col }, "holds a NUL character: a binary file, or UTF-16 without a byte-order mark; manifests are UTF-8 text");
  }
  return text;
}
