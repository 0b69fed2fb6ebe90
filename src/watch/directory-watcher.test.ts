// Real files and real inotify in a temporary directory: what the watcher reports for the changes
// an editor, git or a build tool makes.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeKind } from './change-set.js';
import { watchDirectories, type DirectoryWatcher } from './directory-watcher.js';

let dir: string;
let watcher: DirectoryWatcher | undefined;
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { files?: string[]; prunable?: (d: string) => boolean; relevant?: (f: string) => boolean } = {}) {
  const seen: [string, ChangeKind][] = [];
  const errors: string[] = [];
  watcher = watchDirectories({
    directories: options.files ? [] : [dir],
    files: options.files ?? [],
    relevant: options.relevant ?? (() => true),
    prunable: options.prunable ?? (() => false),
    onChange: (file, kind) => seen.push([path.relative(dir, file), kind]),
    onError: (e) => errors.push(e.message),
  });
  await watcher.ready;
  return { seen, errors };
}

/** Waits until `check` holds (events arrive asynchronously), at most 3 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
const has = (seen: [string, ChangeKind][], file: string, kind: ChangeKind) => seen.some(([f, k]) => f === file && k === kind);

describe('watchDirectories', () => {
  it('reports writes, atomic saves and deletes in nested directories', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devspace-dirwatch-'));
    mkdirSync(path.join(dir, 'src/deep'), { recursive: true });
    writeFileSync(path.join(dir, 'src/deep/a.txt'), '1');
    const { seen } = await start();
    writeFileSync(path.join(dir, 'src/deep/a.txt'), '2');
    await until(() => has(seen, 'src/deep/a.txt', 'changed'));
    writeFileSync(path.join(dir, 'src/.b.txt.tmp'), 'x');
    renameSync(path.join(dir, 'src/.b.txt.tmp'), path.join(dir, 'src/b.txt'));
    await until(() => has(seen, 'src/b.txt', 'changed'));
    rmSync(path.join(dir, 'src/deep/a.txt'));
    await until(() => has(seen, 'src/deep/a.txt', 'deleted'));
  });

  it('watches a new directory and reports what it already holds; a removed one is reported and unwatched', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devspace-dirwatch-'));
    const { seen } = await start();
    // Made elsewhere and moved in whole, as `git checkout` or an unzip would.
    const outside = mkdtempSync(path.join(tmpdir(), 'devspace-dirwatch-src-'));
    mkdirSync(path.join(outside, 'x/y'), { recursive: true });
    writeFileSync(path.join(outside, 'x/y/c.txt'), 'c');
    renameSync(path.join(outside, 'x'), path.join(dir, 'x'));
    rmSync(outside, { recursive: true, force: true });
    await until(() => has(seen, 'x/y/c.txt', 'changed'));
    writeFileSync(path.join(dir, 'x/y/d.txt'), 'd');
    await until(() => has(seen, 'x/y/d.txt', 'changed'));
    rmSync(path.join(dir, 'x'), { recursive: true });
    await until(() => has(seen, 'x', 'deleted'));
  });

  it('does not watch pruned directories and reports only relevant files', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devspace-dirwatch-'));
    mkdirSync(path.join(dir, 'node_modules/pkg'), { recursive: true });
    const { seen } = await start({ prunable: (d) => d.endsWith('node_modules'), relevant: (f) => !f.endsWith('.log') });
    writeFileSync(path.join(dir, 'node_modules/pkg/index.js'), 'x');
    writeFileSync(path.join(dir, 'debug.log'), 'x');
    writeFileSync(path.join(dir, 'app.js'), 'x');
    await until(() => has(seen, 'app.js', 'changed'));
    await new Promise((r) => setTimeout(r, 50));
    // A write is two inotify events (create, modify); the change set coalesces them.
    expect([...new Set(seen.map(([f]) => f))]).toEqual(['app.js']);
  });

  it('watches single files through their directory, including one created later', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'devspace-dirwatch-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'a');
    const { seen } = await start({ files: [path.join(dir, 'compose.yaml'), path.join(dir, '.env')] });
    writeFileSync(path.join(dir, 'other.txt'), 'x');
    writeFileSync(path.join(dir, '.compose.yaml.swp'), 'x');
    renameSync(path.join(dir, '.compose.yaml.swp'), path.join(dir, 'compose.yaml'));
    writeFileSync(path.join(dir, '.env'), 'A=1');
    await until(() => has(seen, 'compose.yaml', 'changed') && has(seen, '.env', 'changed'));
    expect(seen.map(([f]) => f)).not.toContain('other.txt');
  });
});
