/**
 * Runs tasks in dependency order with at most `parallel` at a time. The first failure stops
 * the scheduling of further tasks; tasks already running are allowed to finish (a half-sent
 * build cancelled mid-way helps nobody), then the first error is thrown. Docker-free, so the
 * ordering rules are unit-tested directly.
 */
import { UserError } from '../errors.js';

export interface ScheduleOptions {
  parallel: number;
  /** Stops scheduling (like a failure) when aborted; running tasks finish. */
  signal?: AbortSignal;
}

/**
 * `dependencies[name]` lists what must finish before `name` starts (names outside `names` are
 * ignored). Resolves with each task's result; rejects with the first error.
 */
export async function runInOrder<T>(
  names: readonly string[],
  dependencies: Readonly<Record<string, readonly string[]>>,
  task: (name: string) => Promise<T>,
  options: ScheduleOptions,
): Promise<Map<string, T>> {
  const wanted = new Set(names);
  const waitsFor = new Map(names.map((n) => [n, new Set((dependencies[n] ?? []).filter((d) => wanted.has(d) && d !== n))]));
  assertNoCycle(names, waitsFor);

  const results = new Map<string, T>();
  const pending = [...names];
  let running = 0;
  let failure: { error: unknown } | undefined;

  return new Promise((resolve, reject) => {
    const finish = () => {
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (options.signal?.aborted) reject(options.signal.reason ?? new Error('aborted'));
      else resolve(results);
    };
    const pump = () => {
      if (!failure && !options.signal?.aborted) {
        for (let i = 0; i < pending.length && running < Math.max(1, options.parallel); ) {
          const name = pending[i]!;
          if (waitsFor.get(name)!.size > 0) {
            i++;
            continue;
          }
          pending.splice(i, 1);
          running++;
          task(name).then(
            (result) => {
              results.set(name, result);
              for (const deps of waitsFor.values()) deps.delete(name);
            },
            (error: unknown) => {
              failure ??= { error };
            },
          ).finally(() => {
            running--;
            pump();
          });
        }
      }
      if (running === 0 && (failure || options.signal?.aborted || pending.length === 0)) finish();
    };
    pump();
  });
}

function assertNoCycle(names: readonly string[], waitsFor: Map<string, Set<string>>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new UserError(`services depend on each other in a cycle: ${cycle.join(' → ')}`, ['Remove one of the dependencies (depends_on, or a Dockerfile FROM of another service\'s image).']);
    }
    state.set(name, 'visiting');
    for (const dep of waitsFor.get(name) ?? []) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of names) visit(name, []);
}
