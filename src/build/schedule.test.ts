import { describe, expect, it } from 'vitest';
import { runInOrder } from './schedule.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('runInOrder', () => {
  it('starts a task only after its dependencies and never runs more than `parallel` at once', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const deps = { app: ['base', 'lib'], lib: ['base'], tool: [], docs: [], base: [] };
    await runInOrder(Object.keys(deps), deps, async (name) => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
    }, { parallel: 2 });
    expect(peak).toBe(2);
    const at = (s: string) => log.indexOf(s);
    expect(at('start lib')).toBeGreaterThan(at('end base'));
    expect(at('start app')).toBeGreaterThan(at('end lib'));
  });

  it('stops scheduling after a failure, lets running tasks finish, then throws the first error', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const deps = { a: [], slow: [], b: ['a'], c: [] };
    const run = runInOrder(['a', 'slow', 'b', 'c'], deps, async (name) => {
      started.push(name);
      if (name === 'a') throw new Error('a broke');
      await tick(20);
      finished.push(name);
    }, { parallel: 2 });
    await expect(run).rejects.toThrow('a broke');
    expect(started).toEqual(['a', 'slow']);
    expect(finished).toEqual(['slow']);
  });

  it('ignores dependencies outside the set and reports a cycle with its path', async () => {
    expect([...(await runInOrder(['x'], { x: ['not-built'] }, async (n) => n.toUpperCase(), { parallel: 1 }))]).toEqual([['x', 'X']]);
    await expect(runInOrder(['a', 'b', 'c'], { a: ['b'], b: ['c'], c: ['a'] }, async () => 0, { parallel: 1 })).rejects.toThrow('cycle: a → b → c → a');
  });

  it('stops scheduling when the signal aborts', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const run = runInOrder(['a', 'b'], {}, async (name) => {
      started.push(name);
      controller.abort(new Error('interrupted'));
      await tick();
    }, { parallel: 1, signal: controller.signal });
    await expect(run).rejects.toThrow('interrupted');
    expect(started).toEqual(['a']);
  });
});
