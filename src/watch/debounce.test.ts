import { describe, expect, it } from 'vitest';
import { Debouncer, type Clock } from './debounce.js';
import { SerialQueue } from './serial-queue.js';

/** A manual clock: time moves only when the test says so. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.push({ at: now + ms, fn, id: ++next });
      return next;
    },
    clearTimeout: (id) => (timers = timers.filter((t) => t.id !== id)),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      timers = timers.filter((t) => t !== due);
      due.fn();
    }
    now = until;
  };
  return { clock, advance };
}

describe('Debouncer', () => {
  it('closes a batch after the quiet period', () => {
    const { clock, advance } = fakeClock();
    const batches: number[][] = [];
    const d = new Debouncer<number>(clock, 50, 2000, (b) => batches.push(b));
    d.push(1);
    advance(30);
    d.push(2);
    advance(49);
    expect(batches).toEqual([]);
    advance(1);
    expect(batches).toEqual([[1, 2]]);
  });

  it('turns a burst of 2,000 events into one batch', () => {
    const { clock, advance } = fakeClock();
    const batches: number[][] = [];
    const d = new Debouncer<number>(clock, 50, 2000, (b) => batches.push(b));
    for (let i = 0; i < 2000; i++) {
      d.push(i);
      if (i % 10 === 0) advance(1);
    }
    advance(100);
    expect(batches.map((b) => b.length)).toEqual([2000]);
  });

  it('closes a batch after the maximum wait even if events never stop', () => {
    const { clock, advance } = fakeClock();
    const batches: number[][] = [];
    const d = new Debouncer<number>(clock, 50, 200, (b) => batches.push(b));
    for (let i = 0; i < 30; i++) {
      d.push(i);
      advance(10);
    }
    expect(batches.length).toBe(1);
    expect(batches[0]!.length).toBe(20); // events at t=0..190; the batch closed at t=200
    d.cancel();
    advance(1000);
    expect(batches.length).toBe(1);
  });
});

describe('SerialQueue', () => {
  it('runs one batch at a time per key and merges what arrives meanwhile into one follow-up', async () => {
    const runs: string[] = [];
    let release: () => void = () => {};
    const queue = new SerialQueue<string[]>(
      (a, b) => [...a, ...b],
      async (key, batch) => {
        runs.push(`${key}:${batch.join(',')}`);
        if (batch.includes('1')) await new Promise<void>((r) => (release = r));
      },
    );
    void queue.submit('web', ['1']);
    void queue.submit('web', ['2']);
    void queue.submit('web', ['3']);
    void queue.submit('api', ['a']);
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toEqual(['web:1', 'api:a']);
    release();
    await queue.drain();
    expect(runs).toEqual(['web:1', 'api:a', 'web:2,3']);
    expect(queue.idle).toBe(true);
  });

  it('keeps going after a failed run', async () => {
    const runs: string[] = [];
    const queue = new SerialQueue<string>((_a, b) => b, async (_k, b) => {
      runs.push(b);
      if (b === 'bad') throw new Error('boom');
    });
    void queue.submit('web', 'bad');
    void queue.submit('web', 'good');
    await queue.drain();
    expect(runs).toEqual(['bad', 'good']);
  });
});
