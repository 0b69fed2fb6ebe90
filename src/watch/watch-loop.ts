/**
 * The watch loop: file events → batches (debounce.ts) → per-service work (dispatch.ts), run one
 * action at a time per service with at most one follow-up (serial-queue.ts). Sync, restart and
 * exec happen here through the engine; a rebuild and a reload of the compose file are handed in
 * by the composition root (they are the build and run stages' work). Nothing here stops the
 * loop: a failed action is reported and the next save tries again.
 */
import type Docker from 'dockerode';
import { execInContainer } from '../engine/container-files.js';
import { restartContainer } from '../engine/containers.js';
import type { Emit } from '../events.js';
import { observeProject } from '../run/snapshot.js';
import { ChangeSet } from './change-set.js';
import { Debouncer, systemClock, type Clock } from './debounce.js';
import { changesByService, serviceWork, type ServiceWork } from './dispatch.js';
import { SerialQueue } from './serial-queue.js';
import { listTree, SyncError, syncToContainers } from './sync.js';
import { fires, prunable, watchRoots, type Trigger } from './triggers.js';
import { watchFiles, type FileWatcher } from './watcher.js';

/** What the loop watches: recomputed after each reload of the compose file. */
export interface WatchScope {
  projectName: string;
  services: string[];
  triggers: Trigger[];
  /** Files the project was read from (compose files, env files): a change reloads it. */
  sources: string[];
}

export interface WatchInput {
  docker: Docker;
  emit: Emit;
  scope: WatchScope;
  poll: boolean;
  signal: AbortSignal;
  /** Rebuilds the service's image and converges its containers; 'unchanged' when nothing had to change. */
  rebuild: (service: string, signal: AbortSignal) => Promise<'rebuilt' | 'unchanged'>;
  /** Reloads the project and converges it; the new scope. Throws when the files are invalid. */
  reload: (signal: AbortSignal) => Promise<WatchScope>;
  /** Called after the loop restarted containers (attached mode follows their logs again). */
  onRestarted?: () => void;
  /** A user-readable text for a failure (file:line:column for compose errors). */
  describe: (error: unknown) => string;
  clock?: Clock;
  /** Quiet period that closes a batch (ms). */
  quietMs?: number;
  maxBatchMs?: number;
}

export interface WatchSession {
  /** Resolves once the watcher is ready (initial scan done, initial syncs run). */
  ready: Promise<void>;
  /** Resolves when every queued action has ended (tests). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const RELOAD = '\0reload';

export function startWatch(input: WatchInput): WatchSession {
  const clock = input.clock ?? systemClock;
  let scope = input.scope;
  let watcher: FileWatcher | undefined;
  let stopped = false;
  const { emit, docker, signal } = input;

  const running = async (service: string) =>
    (await observeProject(docker, scope.projectName)).containers.filter((c) => c.service === service && c.state === 'running').map((c) => ({ id: c.id, name: c.name }));

  const rebuild = async (work: Pick<ServiceWork, 'service' | 'paths'>, started: number) => {
    try {
      const outcome = await input.rebuild(work.service, signal);
      emit({ type: 'watch', service: work.service, action: outcome, durationMs: clock.now() - started, paths: work.paths });
    } catch (error) {
      if (signal.aborted) return;
      emit({ type: 'watch-failed', service: work.service, action: 'rebuild', message: input.describe(error), next: 'the previous container keeps running where it could; save again to retry' });
    }
  };

  const runService = async (service: string, changes: ChangeSet) => {
    const work = serviceWork(service, changes, scope.triggers);
    if (!work || signal.aborted) return;
    const started = clock.now();
    if (work.rebuild.length > 0) return rebuild(work, started);
    const containers = await running(service);
    if (work.syncs.length > 0) {
      let files = 0;
      let deleted = 0;
      try {
        if (containers.length === 0) throw new SyncError('no running container to sync into');
        for (const sync of work.syncs) {
          const result = await syncToContainers(docker, containers, sync);
          files += result.copied;
          deleted += result.deleted;
        }
      } catch (error) {
        if (!(error instanceof SyncError)) throw error;
        emit({ type: 'watch-failed', service, action: 'sync', message: error.message, next: 'rebuilding instead' });
        return rebuild(work, started);
      }
      emit({ type: 'watch', service, action: 'synced', durationMs: clock.now() - started, paths: work.paths, files, deleted });
    }
    if (work.restart) {
      const at = clock.now();
      try {
        await Promise.all(containers.map((c) => restartContainer(docker, c.id)));
        input.onRestarted?.();
        emit({ type: 'watch', service, action: 'restarted', durationMs: clock.now() - at, paths: work.paths });
      } catch (error) {
        emit({ type: 'watch-failed', service, action: 'restart', message: input.describe(error), next: 'save again to retry' });
      }
    }
    for (const trigger of work.execs) {
      const exec = trigger.exec!;
      const at = clock.now();
      for (const c of containers) {
        try {
          const result = await execInContainer(docker, c.id, {
            command: exec.command,
            ...(exec.user !== undefined && { user: exec.user }),
            ...(exec.privileged !== undefined && { privileged: exec.privileged }),
            ...(exec.working_dir !== undefined && { workingDir: exec.working_dir }),
            ...(exec.environment && { environment: exec.environment }),
          });
          emit({ type: 'watch', service, action: 'exec', durationMs: clock.now() - at, paths: work.paths, command: exec.command.join(' '), exitCode: result.exitCode, output: result.output.slice(-10) });
        } catch (error) {
          emit({ type: 'watch-failed', service, action: 'exec', message: `${c.name}: ${input.describe(error)}`, next: 'save again to retry' });
        }
      }
    }
  };

  const reload = async (changes: ChangeSet) => {
    const started = clock.now();
    try {
      const next = await input.reload(signal);
      const rootsChanged = watchRoots(rootsOf(next)).join('\n') !== watchRoots(rootsOf(scope)).join('\n');
      scope = next;
      emit({ type: 'watch', service: '', action: 'reloaded', durationMs: clock.now() - started, paths: changes.entries().map(([p]) => p) });
      if (rootsChanged && !stopped) {
        await watcher?.close();
        watcher = openWatcher();
        await watcher.ready;
      }
    } catch (error) {
      if (signal.aborted) return;
      emit({ type: 'watch-failed', action: 'reload', message: input.describe(error), next: 'the running services are unchanged; fix the file and save again' });
    }
  };

  // Whatever goes wrong is said, never swallowed (an engine that went away, a file that vanished).
  const unexpected = (service: string | undefined, action: 'sync' | 'reload') => (error: unknown) => {
    if (!signal.aborted) emit({ type: 'watch-failed', ...(service && { service }), action, message: input.describe(error), next: 'save again to retry' });
  };
  const queue = new SerialQueue<ChangeSet>(
    (into, more) => into.merge(more),
    (key, changes) => (key === RELOAD ? reload(changes).catch(unexpected(undefined, 'reload')) : runService(key, changes).catch(unexpected(key, 'sync'))),
  );

  const onBatch = (events: [string, 'changed' | 'deleted'][]) => {
    if (stopped) return;
    const changes = new ChangeSet();
    for (const [file, kind] of events) changes.add(file, kind);
    const sources = new Set(scope.sources);
    const reloadChanges = changes.filter((p) => sources.has(p));
    // The compose file first: the services' work then runs with the new triggers.
    const reloading = reloadChanges.size > 0 ? queue.submit(RELOAD, reloadChanges) : Promise.resolve();
    void reloading.then(() => {
      for (const [service, set] of changesByService(changes, scope.triggers)) void queue.submit(service, set);
    });
  };
  const debouncer = new Debouncer<[string, 'changed' | 'deleted']>(clock, input.quietMs ?? 25, input.maxBatchMs ?? 2000, onBatch);

  const openWatcher = () => {
    const roots = watchRoots(rootsOf(scope));
    return watchFiles({
      roots,
      poll: input.poll,
      relevant: (file) => scope.sources.includes(file) || scope.triggers.some((t) => fires(t, file)),
      prunable: (dir) => !scope.sources.some((s) => s.startsWith(`${dir}/`)) && prunable(scope.triggers, dir),
      onChange: (file, kind) => debouncer.push([file, kind]),
      onError: (message) => emit({ type: 'message', level: 'error', text: message }),
    });
  };

  const initialSync = async () => {
    for (const trigger of scope.triggers.filter((t) => t.initialSync && t.action.startsWith('sync'))) {
      const started = clock.now();
      try {
        const containers = await running(trigger.service);
        if (containers.length === 0) continue;
        const files = await listTree(trigger);
        const result = await syncToContainers(docker, containers, { trigger, changed: files, deleted: [] });
        emit({ type: 'watch', service: trigger.service, action: 'synced', durationMs: clock.now() - started, paths: [trigger.path], files: result.copied, deleted: 0 });
      } catch (error) {
        emit({ type: 'watch-failed', service: trigger.service, action: 'sync', message: input.describe(error), next: 'the next change is synced again' });
      }
    }
  };

  watcher = openWatcher();
  const ready = (async () => {
    // Every directory's watch is in place when this resolves (fs.watch adds it synchronously), so
    // "watching" is a promise kept: a save right after it is seen (bench/watch.mjs checks).
    await watcher.ready;
    await initialSync();
    const services = [...new Set(scope.triggers.map((t) => t.service))];
    emit({ type: 'watching', services, paths: watchRoots(rootsOf(scope)).length, poll: input.poll });
  })();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    debouncer.cancel();
    await watcher?.close();
  };
  signal.addEventListener('abort', () => void stop(), { once: true });
  return { ready, settled: () => queue.drain(), stop };
}

function rootsOf(scope: WatchScope): string[] {
  return [...scope.triggers.map((t) => t.path), ...scope.sources];
}
