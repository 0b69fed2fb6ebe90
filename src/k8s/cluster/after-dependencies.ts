/**
 * depends_on order without waves: each service's task starts as soon as the tasks of the services
 * it depends on have succeeded, so a service waits for what it needs and never for an unrelated
 * slow one (with waves, the second service of a chain waited for every service of the first
 * wave). A service whose dependency failed or was skipped is skipped, and says which. The first
 * task that throws aborts the others (through `signal`) and, once all have settled, is rethrown.
 * Dependencies outside `items` (not deployed this time) are not waited for.
 */
export type Scheduled<R> = { state: 'done'; result: R } | { state: 'skipped'; because: string[] };

export interface AfterDependenciesOptions<T, R> {
  items: T[];
  key: (item: T) => string;
  dependsOn: (item: T) => string[];
  /** Whether a finished task lets its dependents start. */
  succeeded: (result: R) => boolean;
  /** The task; `signal` aborts when another task threw (or the caller's signal aborts). */
  run: (item: T, signal: AbortSignal) => Promise<R>;
  signal?: AbortSignal;
}

export async function afterDependencies<T, R>(options: AfterDependenciesOptions<T, R>): Promise<Map<string, Scheduled<R>>> {
  const byKey = new Map(options.items.map((item) => [options.key(item), item]));
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  const tasks = new Map<string, Promise<Scheduled<R>>>();
  let firstError: { error: unknown } | undefined;
  const schedule = (key: string, path: string[]): Promise<Scheduled<R>> => {
    const known = tasks.get(key);
    if (known) return known;
    // The loader rejects cycles; should one get here, its services are skipped instead of hanging.
    if (path.includes(key)) return Promise.resolve({ state: 'skipped', because: [key] });
    const item = byKey.get(key)!;
    const task = (async (): Promise<Scheduled<R>> => {
      const deps = options.dependsOn(item).filter((d) => byKey.has(d));
      const before = await Promise.all(deps.map(async (d) => [d, await schedule(d, [...path, key])] as const));
      const blocking = before.filter(([, s]) => s.state === 'skipped' || !options.succeeded(s.result)).map(([d]) => d);
      if (blocking.length > 0) return { state: 'skipped', because: blocking };
      if (controller.signal.aborted) return { state: 'skipped', because: [] };
      try {
        return { state: 'done', result: await options.run(item, controller.signal) };
      } catch (error) {
        firstError ??= { error };
        controller.abort(error);
        return { state: 'skipped', because: [] };
      }
    })();
    tasks.set(key, task);
    return task;
  };
  try {
    const keys = [...byKey.keys()];
    const settled = await Promise.all(keys.map((k) => schedule(k, [])));
    if (firstError) throw firstError.error;
    return new Map(keys.map((k, i) => [k, settled[i]!]));
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

/**
 * At most `limit` calls of the returned function's argument run at once; the rest queue, the
 * highest `priority` first and in order of arrival among equals.
 */
export function limiter(limit: number): <R>(fn: () => Promise<R>, priority?: number) => Promise<R> {
  let running = 0;
  const queue: { priority: number; start: () => void }[] = [];
  return async <R>(fn: () => Promise<R>, priority = 0): Promise<R> => {
    if (running < limit) running++;
    else {
      // A finished call hands over its slot to the first waiter of the highest priority.
      await new Promise<void>((start) => {
        const at = queue.findIndex((w) => w.priority < priority);
        queue.splice(at === -1 ? queue.length : at, 0, { priority, start });
      });
    }
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next.start();
      else running--;
    }
  };
}

/**
 * Pure: for each item, the number of depends_on links on the longest chain through it (what it
 * waits for below plus what waits for it above; 0 for an item on no chain). A deploy is as long as
 * its longest chain, whose links each wait for a rollout, so their requests go first. Dependencies
 * outside `items` do not count; a cycle (the loader rejects them) is cut where it closes.
 */
export function chainLengths<T>(items: T[], key: (item: T) => string, dependsOn: (item: T) => string[]): Map<string, number> {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const dependents = new Map<string, string[]>();
  for (const [k, item] of byKey) for (const d of dependsOn(item)) if (byKey.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), k]);
  const longest = (next: (k: string) => string[]) => {
    const memo = new Map<string, number>();
    const depth = (k: string, path: Set<string>): number => {
      const known = memo.get(k);
      if (known !== undefined) return known;
      const inner = new Set(path).add(k);
      const d = Math.max(0, ...next(k).filter((n) => !inner.has(n)).map((n) => 1 + depth(n, inner)));
      memo.set(k, d);
      return d;
    };
    return (k: string) => depth(k, new Set());
  };
  const below = longest((k) => dependsOn(byKey.get(k)!).filter((d) => byKey.has(d)));
  const above = longest((k) => dependents.get(k) ?? []);
  return new Map([...byKey.keys()].map((k) => [k, below(k) + above(k)]));
}
