/**
 * The inotify/FSEvents path of the file watcher, without chokidar: one `fs.watch` per directory
 * (a directory's watch reports every change of its entries), directories found by a walk that
 * reads names and entry types only. Written by hand because chokidar, even told to skip every
 * file, stats each of them during its initial scan and keeps per-directory entry sets: on a
 * 50,000-file tree that peaked at ~270 MB of RSS in devspace (bench/watch.mjs "tree"), against
 * ~50 MB for watches alone. Polling (--poll) still goes through chokidar (watcher.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeKind } from './change-set.js';

export interface DirectoryWatcherOptions {
  /** Directories watched with everything under them, minus what `prunable` skips. */
  directories: string[];
  /**
   * Files watched on their own, and roots that do not exist yet: through their parent directory's
   * watch, so that atomic saves (write a temporary file, rename it over) and creation are seen.
   */
  files: string[];
  relevant: (file: string) => boolean;
  prunable: (dir: string) => boolean;
  onChange: (file: string, kind: ChangeKind) => void;
  /** A directory could not be watched (an inotify limit, permissions). */
  onError: (error: NodeJS.ErrnoException) => void;
}

export interface DirectoryWatcher {
  ready: Promise<void>;
  close(): void;
}

export function watchDirectories(options: DirectoryWatcherOptions): DirectoryWatcher {
  /** Watched directory → its watch, for directories watched with their subtree. */
  const trees = new Map<string, FSWatcher>();
  /** Parent directory → the watch that reports the single files watched in it. */
  const parents = new Map<string, FSWatcher>();
  const singles = new Set(options.files);
  let closed = false;

  const listen = (dir: string, onEntry: (name: string) => void): FSWatcher | undefined => {
    try {
      const w = watch(dir, { persistent: true }, (_event, name) => {
        if (!closed && name) onEntry(name.toString());
      });
      // A watched directory that goes away (or becomes unreadable) ends its watch; its parent reports it.
      w.on('error', () => w.close());
      return w;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      // Gone between listing and watching: nothing to watch, its parent reports it.
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') options.onError(e);
      return undefined;
    }
  };

  /** Watches `dir` and every directory under it; reports the files found when `report` is set. */
  const walk = async (dir: string, report: boolean): Promise<void> => {
    if (closed || trees.has(dir) || options.prunable(dir)) return;
    const w = listen(dir, (name) => onTreeEntry(path.join(dir, name)));
    if (!w) return;
    trees.set(dir, w);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, report);
      else if (report && options.relevant(full)) options.onChange(full, 'changed');
    }
  };

  /** Something changed in a watched directory: a file, or a directory created, replaced or removed. */
  const onTreeEntry = (full: string) => {
    void lstat(full).then(
      (stats) => {
        if (!stats.isDirectory()) {
          if (options.relevant(full)) options.onChange(full, 'changed');
        } else if (!trees.has(full)) {
          // A new directory: what it already holds was reported by nobody yet.
          options.onChange(full, 'changed');
          void walk(full, true);
        }
      },
      () => {
        if (trees.has(full)) {
          unwatchTree(full);
          options.onChange(full, 'deleted');
        } else if (options.relevant(full)) options.onChange(full, 'deleted');
      },
    );
  };

  const unwatchTree = (dir: string) => {
    const prefix = dir + path.sep;
    for (const [watched, w] of trees) {
      if (watched === dir || watched.startsWith(prefix)) {
        w.close();
        trees.delete(watched);
      }
    }
  };

  for (const file of options.files) {
    const parent = path.dirname(file);
    if (parents.has(parent)) continue;
    const w = listen(parent, (name) => {
      const full = path.join(parent, name);
      if (!singles.has(full)) return;
      void lstat(full).then(
        (stats) => {
          options.onChange(full, 'changed');
          // A root that did not exist yet and appears as a directory is watched from then on.
          if (stats.isDirectory() && !trees.has(full)) void walk(full, true);
        },
        () => {
          if (trees.has(full)) unwatchTree(full);
          options.onChange(full, 'deleted');
        },
      );
    });
    if (w) parents.set(parent, w);
  }
  const ready = (async () => {
    for (const dir of options.directories) await walk(dir, false);
  })();

  return {
    ready,
    close: () => {
      closed = true;
      for (const w of [...trees.values(), ...parents.values()]) w.close();
      trees.clear();
      parents.clear();
    },
  };
}
