import { chmodSync, cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildConfig } from '../compose/model.js';
import { readBuildContext } from './context.js';
import { buildDigest, FileHashCache, type DigestInputs } from './digest.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const FILES = {
  Dockerfile: 'FROM busybox:latest\nCOPY . /ctx\n',
  '.dockerignore': '*.log\n',
  'src/app.py': 'print("hi")\n',
  'src/nested/data.bin': 'x'.repeat(100_000),
  'debug.log': 'noise',
};

function tree(files: Record<string, string> = FILES): string {
  const root = mkdtempSync(path.join(tmpdir(), 'devspace-digest-'));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

async function digestOf(build: BuildConfig, extra: Partial<DigestInputs> = {}, cache?: FileHashCache): Promise<string> {
  return buildDigest({ context: await readBuildContext(build), args: {}, ...extra }, cache);
}

describe('buildDigest', () => {
  it('is the same for the same content in two directories, whatever the mtimes', async () => {
    const a = tree();
    const b = tree();
    utimesSync(path.join(b, 'src/app.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const digest = await digestOf({ context: a });
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await digestOf({ context: b })).toBe(digest);
  });

  it('does not change when an ignored file changes, appears or disappears', async () => {
    const root = tree();
    const before = await digestOf({ context: root });
    writeFileSync(path.join(root, 'debug.log'), 'other noise');
    writeFileSync(path.join(root, 'new.log'), '');
    expect(await digestOf({ context: root })).toBe(before);
    unlinkSync(path.join(root, 'debug.log'));
    expect(await digestOf({ context: root })).toBe(before);
  });

  it('changes when an included file changes content, mode, name or appears; when a symlink target changes', async () => {
    const root = tree();
    const seen = new Set([await digestOf({ context: root })]);
    const expectNew = async () => {
      const d = await digestOf({ context: root });
      expect(seen.has(d)).toBe(false);
      seen.add(d);
    };
    writeFileSync(path.join(root, 'src/app.py'), 'print("bye")\n');
    await expectNew();
    chmodSync(path.join(root, 'src/app.py'), 0o755);
    await expectNew();
    writeFileSync(path.join(root, 'src/extra.txt'), '');
    await expectNew();
    mkdirSync(path.join(root, 'empty'));
    await expectNew();
    symlinkSync('src/app.py', path.join(root, 'link'));
    await expectNew();
    unlinkSync(path.join(root, 'link'));
    symlinkSync('src/extra.txt', path.join(root, 'link'));
    await expectNew();
    writeFileSync(path.join(root, 'Dockerfile'), 'FROM busybox:latest\nCOPY . /other\n');
    await expectNew();
  });

  it('covers args, target, platforms, labels, additional contexts, base images and the Dockerfile choice', async () => {
    const root = tree({ ...FILES, 'Dockerfile.dev': 'FROM busybox:latest\nCOPY . /ctx\n' });
    const base = await digestOf({ context: root });
    const variants = await Promise.all([
      digestOf({ context: root }, { args: { A: '1' } }),
      digestOf({ context: root }, { args: { A: '2' } }),
      digestOf({ context: root }, { target: 'dev' }),
      digestOf({ context: root }, { platforms: ['linux/arm64'] }),
      digestOf({ context: root }, { labels: { a: 'b' } }),
      digestOf({ context: root }, { additionalContexts: { lib: path.join(root, 'src') } }),
      digestOf({ context: root }, { baseDigests: { base: 'sha256:1' } }),
      digestOf({ context: root, dockerfile: 'Dockerfile.dev' }),
      digestOf({ context: root, dockerfile_inline: FILES.Dockerfile }),
    ]);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // Key order does not matter; additional contexts are stored relative to the context.
    expect(await digestOf({ context: root }, { args: { A: '1', B: '2' } })).toBe(await digestOf({ context: root }, { args: { B: '2', A: '1' } }));
    const copy = tree();
    cpSync(root, copy, { recursive: true });
    expect(await digestOf({ context: copy }, { additionalContexts: { lib: path.join(copy, 'src') } })).toBe(variants[5]);
  });

  it('uses the stat-stamp cache without missing a rewrite of the same size', async () => {
    const root = tree();
    const cache = new FileHashCache();
    const first = await digestOf({ context: root }, {}, cache);
    expect(await digestOf({ context: root }, {}, cache)).toBe(first);
    const file = path.join(root, 'src/app.py');
    writeFileSync(file, 'print("HI")\n');
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const changed = await digestOf({ context: root }, {}, cache);
    expect(changed).not.toBe(first);
    expect(changed).toBe(await digestOf({ context: root }));
  });
});
