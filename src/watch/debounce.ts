/**
 * Turns a stream of file events into batches: a batch closes once no event arrived for `quietMs`
 * (a save, or a whole `git checkout`), or at the latest `maxMs` after its first event (a file
 * that never stops changing, such as a log written inside a watched directory, still gets
 * handled). The clock is injected so tests run without waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Debouncer<T> {
  private items: T[] = [];
  private firstAt = 0;
  private timer: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly quietMs: number,
    private readonly maxMs: number,
    private readonly flush: (items: T[]) => void,
  ) {}

  push(item: T): void {
    if (this.items.length === 0) this.firstAt = this.clock.now();
    this.items.push(item);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxMs - this.clock.now()));
    this.timer = this.clock.setTimeout(() => this.fire(), wait);
  }

  /** Drops what is pending (on shutdown). */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
  }

  private fire(): void {
    this.timer = undefined;
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }
}
