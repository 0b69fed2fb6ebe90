/**
 * The file watcher: one watch per directory (inotify on Linux, FSEvents/kqueue on macOS;
 * directory-watcher.ts), or chokidar's polling with --poll; told to skip what no trigger can
 * fire on, so ignored trees such as node_modules cost nothing.
 * Errors that mean "cannot watch" (the inotify limits) become a plain message with the fix.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ChangeKind } from './change-set.js';
import { watchDirectories } from './directory-watcher.js';

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
  const reported = new Set<string>();
  const onError = (error: NodeJS.ErrnoException) => {
    // One line per kind of failure: a limit reached fails for every directory after it.
    const key = error.code ?? error.message;
    if (reported.has(key)) return;
    reported.add(key);
    options.onError(describeWatchError(error));
  };
  if (!options.poll) {
    // One watch per directory (directory-watcher.ts): a 50,000-file tree costs ~500 watches.
    const kinds = options.roots.map((root) => [root, statSync(root, { throwIfNoEntry: false })?.isDirectory() === true] as const);
    const w = watchDirectories({
      directories: kinds.filter(([, dir]) => dir).map(([root]) => root),
      files: kinds.filter(([, dir]) => !dir).map(([root]) => root),
      relevant: options.relevant,
      prunable: options.prunable,
      onChange: options.onChange,
      onError,
    });
    return { ready: w.ready, close: async () => w.close() };
  }
  return pollFiles(options, onError);
}

const POLL_INTERVAL_MS = 100;
const BINARY_POLL_INTERVAL_MS = 300;

/** --poll: chokidar's stat polling (network drives, some VM mounts), loaded only then. */
function pollFiles(options: WatcherOptions, onError: (error: NodeJS.ErrnoException) => void): FileWatcher {
  const rootFiles = new Set(options.roots.filter((r) => statSync(r, { throwIfNoEntry: false })?.isFile()));
  const isDirectory = (p: string, stats?: { isDirectory(): boolean }) => (stats ? stats.isDirectory() : statSync(p, { throwIfNoEntry: false })?.isDirectory() === true);
  const watcher = (async () => {
    const { watch } = await import('chokidar');
    const w = watch(options.roots, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: false,
      // Our change sets coalesce unlink+add themselves; chokidar's atomic mode would delay deletes by 100 ms.
      atomic: false,
      usePolling: true,
      interval: POLL_INTERVAL_MS,
      binaryInterval: BINARY_POLL_INTERVAL_MS,
      ignored: (p: string, stats?: { isDirectory(): boolean }) => (rootFiles.has(p) ? false : isDirectory(p, stats) ? options.prunable(p) : !options.relevant(p)),
    });
    w.on('all', (event: string, file: string) => {
      if (event === 'add' || event === 'change' || event === 'addDir') options.onChange(file, 'changed');
      else if (event === 'unlink' || event === 'unlinkDir') options.onChange(file, 'deleted');
    });
    w.on('error', (error: unknown) => onError(error as NodeJS.ErrnoException));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    // fs.watchFile takes each file's first stat (what later polls compare with) asynchronously,
    // after chokidar's 'ready': a save made before it would become the baseline, not a change.
    // Waiting the longer (binary-file) interval lets every first stat land.
    await new Promise((resolve) => setTimeout(resolve, BINARY_POLL_INTERVAL_MS));
    return w;
  })();
  return { ready: watcher.then(() => undefined), close: async () => (await watcher).close() };
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
