/**
 * The file watcher: chokidar (inotify on Linux, FSEvents on macOS; polling only with --poll),
 * told to skip what no trigger can fire on, so ignored trees such as node_modules cost nothing.
 * Errors that mean "cannot watch" (the inotify limits) become a plain message with the fix.
 */
import { readFileSync, statSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
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
  // Directories only (plus roots that are files): a directory's inotify watch already reports
  // every change of its entries, so one watch per directory instead of one per file — a
  // 50,000-file tree costs ~500 watches and tens of MB instead of 50,000 watches and ~400 MB.
  const rootFiles = new Set(options.roots.filter((r) => statSync(r, { throwIfNoEntry: false })?.isFile()));
  const isDirectory = (p: string, stats?: { isDirectory(): boolean }) => (stats ? stats.isDirectory() : statSync(p, { throwIfNoEntry: false })?.isDirectory() === true);
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
      if (rootFiles.has(p)) return false;
      if (options.poll) return isDirectory(p, stats) ? options.prunable(p) : !options.relevant(p);
      return isDirectory(p, stats) ? options.prunable(p) : true;
    },
  });
  const report = (file: string) => {
    if (!options.relevant(file)) return;
    void lstat(file).then(
      (s) => s.isDirectory() || options.onChange(file, 'changed'),
      () => options.onChange(file, 'deleted'),
    );
  };
  // What a new directory already holds when its own watch starts: nothing reported it yet.
  const walkNew = async (dir: string): Promise<void> => {
    if (options.prunable(dir)) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walkNew(full);
      else if (options.relevant(full)) options.onChange(full, 'changed');
    }
  };
  watcher.on('raw', (_event: string, name: string, details: unknown) => {
    const dir = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (options.poll || !dir || !name || rootFiles.has(dir)) return;
    report(path.join(dir, name));
  });
  watcher.on('all', (event: string, file: string) => {
    if (event === 'addDir') {
      options.onChange(file, 'changed');
      if (!options.poll) void walkNew(file);
    } else if (event === 'unlinkDir') options.onChange(file, 'deleted');
    else if (event === 'add' || event === 'change') options.onChange(file, 'changed');
    else if (event === 'unlink') options.onChange(file, 'deleted');
  });
  const reported = new Set<string>();
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
