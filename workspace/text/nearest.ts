// "Did you mean" suggestions: the valid names closest to what the user typed. The cost is
// bounded whatever was typed: a query far longer than any candidate gets no suggestion, and a
// candidate whose length alone puts it out of reach is not compared.

/** Longer queries are not a typo of any known name; answered without comparing. */
export const MAX_QUERY_CHARS = 256;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `limit` candidates ordered by closeness to `query` (case-insensitive). A candidate that
 * contains the query, or is contained by it, ranks first: "phi-3" should suggest the phi-3 family.
 */
export function nearestNames(query: string, candidates: Iterable<string>, limit = 3): string[] {
  if (query.length === 0 || query.length > MAX_QUERY_CHARS) return [];
  const q = query.toLowerCase();
  const threshold = Math.max(3, Math.ceil(q.length / 2));
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const n = name.toLowerCase();
    const contains = n.includes(q) || (n.length >= 3 && q.includes(n));
    // The edit distance is at least the difference in length.
    if (!contains && Math.abs(n.length - q.length) > threshold) continue;
    scored.push({ name, score: editDistance(q, n) - (contains ? 100 : 0) });
  }
  return scored
    .filter((s) => s.score <= threshold)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** ` (did you mean "a", "b"?)` or nothing. */
export function didYouMean(query: string, candidates: Iterable<string>): string {
  const near = nearestNames(query, candidates);
  return near.length === 0 ? "" : ` (did you mean ${near.map((n) => `"${n}"`).join(", ")}?)`;
}
