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

/** At most `limit` calls of the returned function's argument run at once; the rest queue in order. */
export function limiter(limit: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async <R>(fn: () => Promise<R>): Promise<R> => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => queue.push(resolve)); // a finished call hands over its slot
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else running--;
    }
  };
}
