import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeKind } from './change-set.js';
import { describeWatchError, watchFiles } from './watcher.js';

// The inotify limits are produced for real in test/e2e/watch.test.ts (a user namespace with a
// lowered limit); this checks the wording of each case without one.
describe('describeWatchError', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: boom`), { code, path: '/p/src/a.js' });
  it('names the limit, its value and the fix for ENOSPC', () => {
    const text = describeWatchError(err('ENOSPC'), () => '8192');
    expect(text).toContain('cannot watch /p/src/a.js');
    expect(text).toContain('fs.inotify.max_user_watches = 8192');
    expect(text).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    expect(text).toContain('--poll');
  });
  it('names a lower limit of the user namespace', () => {
    expect(describeWatchError(err('ENOSPC'), (n) => (n === 'user.max_inotify_watches' ? '8' : '8192'))).toContain('(fs.inotify.max_user_watches = 8192; this user namespace allows 8 (user.max_inotify_watches))');
  });
  it('explains EMFILE', () => {
    expect(describeWatchError(err('EMFILE'), () => '128')).toContain('fs.inotify.max_user_instances = 128');
  });
  it('passes other errors through', () => {
    expect(describeWatchError(err('EACCES'))).toBe('file watcher error /p/src/a.js: EACCES: boom');
  });
});

// --poll (network drives) goes through chokidar's stat polling: real files, a real poll interval.
describe('watchFiles with --poll', () => {
  it('sees a write, a new file and a delete, and skips pruned directories', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devspace-poll-'));
    mkdirSync(path.join(dir, 'src'));
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'src/a.txt'), '1');
    const seen: [string, ChangeKind][] = [];
    const watcher = watchFiles({
      roots: [dir],
      poll: true,
      relevant: () => true,
      prunable: (d) => path.basename(d) === 'node_modules',
      onChange: (file, kind) => seen.push([path.relative(dir, file), kind]),
      onError: (message) => seen.push([message, 'changed']),
    });
    try {
      await watcher.ready;
      const until = async (file: string, kind: ChangeKind) => {
        for (let i = 0; i < 300 && !seen.some(([f, k]) => f === file && k === kind); i++) await new Promise((r) => setTimeout(r, 10));
        expect(seen).toContainEqual([file, kind]);
      };
      writeFileSync(path.join(dir, 'src/a.txt'), '22');
      await until('src/a.txt', 'changed');
      writeFileSync(path.join(dir, 'src/b.txt'), 'new');
      await until('src/b.txt', 'changed');
      writeFileSync(path.join(dir, 'node_modules/x.js'), 'ignored');
      rmSync(path.join(dir, 'src/a.txt'));
      await until('src/a.txt', 'deleted');
      expect(seen.filter(([f]) => f.startsWith('node_modules'))).toEqual([]);
    } finally {
      await watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
