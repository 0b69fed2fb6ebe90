/**
 * A fixed-capacity buffer that keeps the newest items: scrollback stays bounded however long
 * `up` runs (issue 8: RSS after 10 minutes of logs), and pushing is O(1) with no copying.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The i-th oldest item kept (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /**
   * Up to `limit` items that pass `keep`, newest last, ending `skip` matching items before the
   * newest: the window a log view shows, found by walking back from the end (O(window) when
   * nothing is filtered, not O(buffer)).
   */
  window(limit: number, skip: number, keep?: (item: T) => boolean): T[] {
    const out: T[] = [];
    let skipped = 0;
    let i = this.count - 1;
    for (; i >= 0 && out.length < limit; i--) {
      const item = this.items[(this.start + i) % this.capacity] as T;
      if (keep && !keep(item)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(item);
    }
    return out.reverse();
  }

  /** How many kept items pass `keep` (for clamping the scroll offset). */
  countMatching(keep?: (item: T) => boolean): number {
    if (!keep) return this.count;
    let n = 0;
    for (let i = 0; i < this.count; i++) if (keep(this.items[(this.start + i) % this.capacity] as T)) n++;
    return n;
  }
}
