// The server's bookkeeping of what is open right now (responses in flight, connections), as a
// doubly linked list rather than a Set. Why: a Set that takes one add and one delete per request
// replaces its backing table every few dozen requests, and V8 keeps a link from each retired
// table to its successor (for iterators that may still walk it). A retired table that had reached
// the old generation stays a root for the young-generation collector until the next full
// collection, so the responses it held (and the requests, bodies and parsed reviews they reach)
// survived every scavenge and were promoted: 0.7 MB per scavenge under the webhook benchmark,
// which made a full collection every half second and put its pauses into p99. Here an entry
// drops every reference it holds when it leaves, so nothing retired points at anything young.

/** An entry's handle: pass it back to remove() once the thing it holds is finished. */
export interface LiveEntry<T extends object> {
  value: T | undefined;
  previous: LiveEntry<T> | undefined;
  next: LiveEntry<T> | undefined;
}

export class LiveList<T extends object> {
  private head: LiveEntry<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(value: T): LiveEntry<T> {
    const entry: LiveEntry<T> = { value, previous: undefined, next: this.head };
    if (this.head !== undefined) this.head.previous = entry;
    this.head = entry;
    this.count++;
    return entry;
  }

  /** Removing an entry twice is harmless. */
  remove(entry: LiveEntry<T>): void {
    if (entry.value === undefined) return;
    if (entry.previous !== undefined) entry.previous.next = entry.next;
    else this.head = entry.next;
    if (entry.next !== undefined) entry.next.previous = entry.previous;
    entry.value = undefined;
    entry.previous = undefined;
    entry.next = undefined;
    this.count--;
  }

  /** Values in the list now (a copy, so the caller may remove while it walks). */
  values(): T[] {
    const out: T[] = [];
    for (let entry = this.head; entry !== undefined; entry = entry.next) if (entry.value !== undefined) out.push(entry.value);
    return out;
  }
}
