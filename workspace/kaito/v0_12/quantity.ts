// Kubernetes resource quantities as KAITO reads them (resource.ParseQuantity(...).Value()): a
// decimal number with an optional binary (Ki..Ei) or decimal (k..E) suffix, rounded up to whole
// units. Exact (BigInt) so sizes near a boundary round as Go rounds them.

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Readonly<Record<string, bigint>> = { "": 1n, k: 10n ** 3n, M: 10n ** 6n, G: 10n ** 9n, T: 10n ** 12n, P: 10n ** 15n, E: 10n ** 18n };
const FORM = /^(\d+)(?:\.(\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** The quantity's value in whole units (bytes for memory), or undefined when it is not one. */
export function quantityValue(text: string): bigint | undefined {
  if (text.length > 64) return undefined;
  const m = FORM.exec(text.trim());
  if (!m) return undefined;
  const [, whole = "0", fraction = "", suffix = ""] = m;
  const multiplier = BINARY[suffix] ?? DECIMAL[suffix] ?? 1n;
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction || "0")) * multiplier;
  return (scaled + scale - 1n) / scale;
}

export const GIB = 1n << 30n;

/** A whole number of GiB as Go prints the quantity: the largest binary suffix that divides it (`1024Gi` is `1Ti`). */
export function gibString(gib: number): string {
  let value = gib;
  const suffixes = ["Gi", "Ti", "Pi", "Ei"];
  let i = 0;
  while (i < suffixes.length - 1 && value !== 0 && value % 1024 === 0) {
    value /= 1024;
    i++;
  }
  return `${value}${suffixes[i]}`;
}
