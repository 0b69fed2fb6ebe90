/**
 * The file watcher: chokidar (inotify on Linux, FSEvents on macOS; polling only with --poll),
 * told to skip what no trigger can fire on, so ignored trees such as node_modules cost nothing.
 * Errors that mean "cannot watch" (the inotify limits) become a plain message with the fix.
 */
import { readFileSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import type { ChangeKind } from './change-set.js';

export interface WatcherOptions {
  roots: string[];
  /** Whether a file's change matters (some trigger fires on it). */
  relevant: (file: string) => boolean;
  /** Whether a directory can be skipped entirely. */
  prunable: (dir: string) => boolean;
  poll: boolean;
  onChange: (file: string, kind: ChangeKind) => void;
  onError: (message: string) => void;
}

export interface FileWatcher {
  /** Resolves once the initial scan is done: from then on, every change is seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchFiles(options: WatcherOptions): FileWatcher {
  const watcher: FSWatcher = watch(options.roots, {
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    // Our change sets coalesce unlink+add themselves; chokidar's atomic mode would delay deletes by 100 ms.
    atomic: false,
    usePolling: options.poll,
    interval: 100,
    binaryInterval: 300,
    ignored: (p: string, stats?: { isDirectory(): boolean }) => {
      if (stats?.isDirectory()) return options.prunable(p);
      if (stats) return !options.relevant(p);
      return !options.relevant(p) && options.prunable(p);
    },
  });
  const reported = new Set<string>();
  watcher.on('all', (event: string, file: string) => {
    if (event === 'add' || event === 'change' || event === 'addDir') options.onChange(file, 'changed');
    else if (event === 'unlink' || event === 'unlinkDir') options.onChange(file, 'deleted');
  });
  watcher.on('error', (error: unknown) => {
    const message = describeWatchError(error as NodeJS.ErrnoException);
    // One line per kind of failure: a limit reached fails for every file after it.
    const key = (error as NodeJS.ErrnoException).code ?? message;
    if (reported.has(key)) return;
    reported.add(key);
    options.onError(message);
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}

function sysctl(name: string): string {
  try {
    return readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** What went wrong and what to do, for the limits a big tree runs into. */
export function describeWatchError(error: NodeJS.ErrnoException, read: (name: string) => string = sysctl): string {
  const where = error.path ? ` ${error.path}` : '';
  if (error.code === 'ENOSPC') {
    const limit = read('fs.inotify.max_user_watches');
    // Inside a user namespace (containers, sandboxes) a lower per-namespace limit may be the one hit.
    const namespace = read('user.max_inotify_watches');
    const lower = Number(namespace) < Number(limit) ? `; this user namespace allows ${namespace} (user.max_inotify_watches)` : '';
    return (
      `cannot watch${where}: the system limit on watched files is reached (fs.inotify.max_user_watches = ${limit}${lower}); ` +
      'changes to files not yet watched will be missed. Raise the limit: `sudo sysctl fs.inotify.max_user_watches=524288` ' +
      '(make it permanent in /etc/sysctl.d/), or exclude big directories with .dockerignore or develop.watch ignore, or run with --poll.'
    );
  }
  if (error.code === 'EMFILE' || error.code === 'ENFILE') {
    const limit = read('fs.inotify.max_user_instances');
    return (
      `cannot watch${where}: too many open files or inotify instances (fs.inotify.max_user_instances = ${limit}); ` +
      'changes there will be missed. Raise `ulimit -n`, or `sudo sysctl fs.inotify.max_user_instances=1024`, or close other watchers (editors, other dev servers), or run with --poll.'
    );
  }
  return `file watcher error${where}: ${error.message}`;
}
