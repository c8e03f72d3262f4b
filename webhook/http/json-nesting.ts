// How deep a JSON text nests, read from its bytes before it is parsed: JSON.parse builds every
// level of a hostile body before any check can look at the result (webhook/http/json-body.ts).

/** Where the string whose contents start at `from` ends (its closing quote), or the end of the bytes. */
function endOfString(bytes: Buffer, from: number): number {
  for (let at = from; ; ) {
    const quote = bytes.indexOf(0x22, at);
    if (quote === -1) return bytes.length;
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && bytes[quote - backslashes - 1] === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** Whether arrays and objects nest deeper than `limit` anywhere outside strings (one pass, strings skipped natively). */
export function nestsDeeperThan(bytes: Buffer, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i];
    if (c === 0x22) i = endOfString(bytes, i + 1);
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}
