/**
 * One action at a time per key (a service), and at most one follow-up: work that arrives while
 * an action runs is merged into a single pending batch, run as soon as the action ends. Saving
 * five times during a 20-second rebuild gives one more rebuild, not five.
 */
export class SerialQueue<B> {
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, B>();

  constructor(
    private readonly merge: (into: B, more: B) => B,
    private readonly run: (key: string, batch: B) => Promise<void>,
  ) {}

  /** Queues a batch for the key; resolves when the key has no work left. */
  submit(key: string, batch: B): Promise<void> {
    const active = this.running.get(key);
    if (active) {
      const queued = this.pending.get(key);
      this.pending.set(key, queued === undefined ? batch : this.merge(queued, batch));
      return active;
    }
    const loop = (async () => {
      let next: B | undefined = batch;
      while (next !== undefined) {
        // A failed action is reported by `run` itself; the queue keeps going.
        await this.run(key, next).catch(() => undefined);
        next = this.pending.get(key);
        this.pending.delete(key);
      }
      this.running.delete(key);
    })();
    this.running.set(key, loop);
    return loop;
  }

  /** Whether anything runs or waits (tests, and shutdown). */
  get idle(): boolean {
    return this.running.size === 0;
  }

  /** Resolves once every key's work has ended. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }
}
