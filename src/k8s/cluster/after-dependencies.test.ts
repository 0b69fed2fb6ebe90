import { describe, expect, it } from 'vitest';
import { afterDependencies, chainLengths, limiter } from './after-dependencies.js';

type Svc = { name: string; dependsOn: string[] };
const svc = (name: string, ...dependsOn: string[]): Svc => ({ name, dependsOn });

/** Tasks that finish when the test says so, recording the order of starts. */
function controllable() {
  const started: string[] = [];
  const finish = new Map<string, (ok: boolean) => void>();
  const fail = new Map<string, (e: Error) => void>();
  const signals = new Map<string, AbortSignal>();
  const run = (s: Svc, signal: AbortSignal) =>
    new Promise<boolean>((resolve, reject) => {
      started.push(s.name);
      signals.set(s.name, signal);
      finish.set(s.name, resolve);
      fail.set(s.name, reject);
      signal.addEventListener('abort', () => reject(new Error(`${s.name} aborted`)), { once: true });
    });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { started, finish, fail, signals, run, tick };
}

const options = (items: Svc[], run: (s: Svc, signal: AbortSignal) => Promise<boolean>) => ({
  items,
  key: (s: Svc) => s.name,
  dependsOn: (s: Svc) => s.dependsOn,
  succeeded: (ok: boolean) => ok,
  run,
});

describe('afterDependencies', () => {
  it('starts a dependent as soon as its dependency succeeded, while an unrelated service is still rolling out', async () => {
    const c = controllable();
    const done = afterDependencies(options([svc('db'), svc('slow'), svc('api', 'db'), svc('web', 'api')], c.run));
    await c.tick();
    expect(c.started.sort()).toEqual(['db', 'slow']);
    c.finish.get('db')!(true);
    await c.tick();
    expect(c.started).toContain('api');
    c.finish.get('api')!(true);
    await c.tick();
    expect(c.started).toContain('web');
    c.finish.get('web')!(true);
    c.finish.get('slow')!(true);
    const result = await done;
    expect([...result.values()].every((r) => r.state === 'done')).toBe(true);
  });

  it('skips the dependents of a failed service, naming it, and runs the rest', async () => {
    const c = controllable();
    const done = afterDependencies(options([svc('db'), svc('api', 'db'), svc('web', 'api'), svc('other')], c.run));
    await c.tick();
    c.finish.get('db')!(false);
    c.finish.get('other')!(true);
    const result = await done;
    expect(result.get('db')).toEqual({ state: 'done', result: false });
    expect(result.get('api')).toEqual({ state: 'skipped', because: ['db'] });
    expect(result.get('web')).toEqual({ state: 'skipped', because: ['api'] });
    expect(result.get('other')).toEqual({ state: 'done', result: true });
    expect(c.started.sort()).toEqual(['db', 'other']);
  });

  it('does not wait for a dependency that is not deployed this time', async () => {
    const c = controllable();
    const done = afterDependencies(options([svc('api', 'db')], c.run));
    await c.tick();
    expect(c.started).toEqual(['api']);
    c.finish.get('api')!(true);
    expect((await done).get('api')?.state).toBe('done');
  });

  it('aborts the other tasks when one throws, and rethrows it once all have settled', async () => {
    const c = controllable();
    const done = afterDependencies(options([svc('a'), svc('b'), svc('c', 'a')], c.run));
    await c.tick();
    c.fail.get('a')!(new Error('cannot apply Deployment a: conflict'));
    await expect(done).rejects.toThrow('cannot apply Deployment a: conflict');
    expect(c.signals.get('b')!.aborted).toBe(true);
    expect(c.started).not.toContain('c');
  });

  it("aborts with the caller's signal", async () => {
    const c = controllable();
    const user = new AbortController();
    const done = afterDependencies({ ...options([svc('a'), svc('b', 'a')], c.run), signal: user.signal });
    await c.tick();
    user.abort(new Error('interrupted'));
    await expect(done).rejects.toThrow('a aborted');
    expect(c.started).toEqual(['a']);
  });
});

describe('limiter', () => {
  it('runs at most N at once and all of them in the end', async () => {
    const limit = limiter(3);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it('hands a freed slot to the highest priority waiting, in order of arrival among equals', async () => {
    const limit = limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const first = limit(() => new Promise<void>((r) => (release = r)));
    const queued = [
      limit(async () => void order.push('low-1')),
      limit(async () => void order.push('high-1'), 3),
      limit(async () => void order.push('low-2'), 0),
      limit(async () => void order.push('mid'), 1),
      limit(async () => void order.push('high-2'), 3),
    ];
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['high-1', 'high-2', 'mid', 'low-1', 'low-2']);
  });
});

describe('chainLengths', () => {
  const lengths = (items: Svc[]) => Object.fromEntries(chainLengths(items, (s) => s.name, (s) => s.dependsOn));

  it('gives every service of a chain the chain length and a service on no chain 0', () => {
    expect(lengths([svc('a'), svc('b', 'a'), svc('c', 'b'), svc('d', 'c'), svc('lone')])).toEqual({ a: 3, b: 3, c: 3, d: 3, lone: 0 });
  });

  it('counts the longest chain through a service, below and above it', () => {
    // db <- api <- web, and db <- worker: worker is on a chain of one link only.
    expect(lengths([svc('db'), svc('api', 'db'), svc('web', 'api'), svc('worker', 'db')])).toEqual({ db: 2, api: 2, web: 2, worker: 1 });
  });

  it('ignores dependencies that are not deployed and cuts a cycle instead of recursing forever', () => {
    expect(lengths([svc('web', 'api')])).toEqual({ web: 0 });
    const cycle = lengths([svc('a', 'b'), svc('b', 'a')]);
    expect(Object.keys(cycle).sort()).toEqual(['a', 'b']);
    for (const n of Object.values(cycle)) expect(n).toBeLessThanOrEqual(2);
  });
});
