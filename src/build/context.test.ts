import { appendFileSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readBuildContext } from './context.js';
import { CONTEXT_MTIME, packContext } from './context-tar.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A temp tree from `{ 'a/b.txt': 'content' }`; a value `{ link }` makes a symlink. */
function tree(files: Record<string, string | { link: string }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'devspace-ctx-'));
  roots.push(root);
  for (const [name, value] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof value === 'string') writeFileSync(file, value);
    else symlinkSync(value.link, file);
  }
  return root;
}

const paths = async (context: string, extra: object = {}) => (await readBuildContext({ context, ...extra })).entries.map((e) => `${e.type[0]} ${e.path}`);

describe('readBuildContext', () => {
  it('walks in lexical order with directories, keeps symlinks as symlinks, honours .dockerignore', async () => {
    const root = tree({
      Dockerfile: 'FROM busybox:latest\n',
      '.dockerignore': '**/*.log\n!keep.log\n/root-only\ndir/\n',
      'a.log': '', 'keep.log': '', 'src/x.log': '', 'src/main.c': '', 'root-only': '', 'src/root-only': '',
      'dir/inner.txt': '', 'link': { link: 'src/main.c' },
    });
    expect(await paths(root)).toEqual(['f .dockerignore', 'f Dockerfile', 'f keep.log', 's link', 'd src', 'f src/main.c', 'f src/root-only']);
  });

  it("leaves out our own state directory (.devspace/) at the context's root, nowhere else", async () => {
    const root = tree({ Dockerfile: 'FROM busybox:latest\n', '.devspace/images.json': '{}', 'src/.devspace/x': '' });
    expect(await paths(root)).toEqual(['f Dockerfile', 'd src', 'd src/.devspace', 'f src/.devspace/x']);
  });

  it('always sends an ignored Dockerfile and .dockerignore (the daemon drops them later)', async () => {
    const root = tree({ 'docker/app.Dockerfile': 'FROM busybox:latest\n', 'docker/other': '', '.dockerignore': '.dockerignore\ndocker\n', 'a': '' });
    const context = await readBuildContext({ context: root, dockerfile: 'docker/app.Dockerfile' });
    expect(context.dockerfile).toBe('docker/app.Dockerfile');
    expect(context.entries.map((e) => e.path)).toEqual(['.dockerignore', 'a', 'docker/app.Dockerfile']);
  });

  it('prefers <Dockerfile>.dockerignore; then the Dockerfile is not special', async () => {
    const root = tree({ 'app.Dockerfile': 'FROM busybox:latest\n', 'app.Dockerfile.dockerignore': 'a.txt\n*.Dockerfile*\n', '.dockerignore': 'b.txt\n', 'a.txt': '', 'b.txt': '' });
    const context = await readBuildContext({ context: root, dockerfile: 'app.Dockerfile' });
    expect(context.ignoreFile).toBe(path.join(root, 'app.Dockerfile.dockerignore'));
    expect(context.dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
    expect(context.entries.map((e) => e.path)).toEqual(['.dockerignore', 'b.txt', context.dockerfile]);
    // The root .dockerignore is an ordinary file here; the generated name is appended to it.
    expect(context.entries[0]!.content!.toString()).toBe(`b.txt\n\n${context.dockerfile}\n`);
  });

  it('adds a Dockerfile from outside the context under a generated name, with a .dockerignore that drops it', async () => {
    const outside = tree({ 'Dockerfile.prod': 'FROM busybox:latest\nCOPY . /ctx\n' });
    const root = tree({ 'a.txt': 'a' });
    const context = await readBuildContext({ context: root, dockerfile: path.join(outside, 'Dockerfile.prod') });
    expect(context.dockerfileContent).toContain('COPY . /ctx');
    expect(context.entries.map((e) => e.path)).toEqual(['a.txt', context.dockerfile, '.dockerignore']);
    expect(context.entries[2]!.content!.toString()).toBe(`.dockerignore\n${context.dockerfile}\n`);
  });

  it('treats dockerfile_inline the same way, with a name derived from its content', async () => {
    const root = tree({ 'a.txt': 'a' });
    const one = await readBuildContext({ context: root, dockerfile_inline: 'FROM busybox:latest\n' });
    const two = await readBuildContext({ context: root, dockerfile_inline: 'FROM busybox:latest\n' });
    expect(one.dockerfile).toBe(two.dockerfile);
    expect(one.dockerfileContent).toBe('FROM busybox:latest\n');
  });

  it('names a missing Dockerfile and a missing context clearly', async () => {
    const root = tree({ 'a.txt': '' });
    await expect(readBuildContext({ context: root })).rejects.toThrow(`Dockerfile ${path.join(root, 'Dockerfile')} does not exist`);
    await expect(readBuildContext({ context: path.join(root, 'nope') })).rejects.toThrow('is not a readable directory');
  });
});

describe('packContext', () => {
  it('writes the entries in order with normalised metadata and the real permission bits', async () => {
    const root = tree({ Dockerfile: 'FROM busybox:latest\n', 'bin/run.sh': '#!/bin/sh\n', 'link': { link: 'bin/run.sh' } });
    chmodSync(path.join(root, 'bin/run.sh'), 0o755);
    chmodSync(path.join(root, 'Dockerfile'), 0o644);
    chmodSync(path.join(root, 'bin'), 0o755);
    const context = await readBuildContext({ context: root });
    const seen: { name: string; type: string; mode: number; uid: number; mtime: number; linkname: string | null; body: string }[] = [];
    const extract = tar.extract();
    const done = (async () => {
      for await (const entry of extract) {
        let body = '';
        for await (const chunk of entry) body += String(chunk);
        const h = entry.header;
        seen.push({ name: h.name, type: h.type, mode: h.mode, uid: h.uid, mtime: h.mtime.getTime(), linkname: h.linkname ?? null, body });
      }
    })();
    for await (const chunk of packContext(context)) extract.write(chunk);
    (extract as unknown as { end(): void }).end();
    await done;
    expect(seen.map((e) => [e.name.replace(/\/$/, ''), e.type, e.mode.toString(8)])).toEqual([
      ['Dockerfile', 'file', '644'], ['bin', 'directory', '755'], ['bin/run.sh', 'file', '755'], ['link', 'symlink', '777'],
    ]);
    expect(seen.every((e) => e.uid === 0 && e.mtime === CONTEXT_MTIME.getTime())).toBe(true);
    expect(seen[2]!.body).toBe('#!/bin/sh\n');
    expect(seen[3]!.linkname).toBe('bin/run.sh');
  });

  it('fails with a plain error, not a crash, when a file grows after the listing (a log being written)', async () => {
    const root = tree({ Dockerfile: 'FROM busybox:latest\n', 'app.log': 'one\n' });
    const context = await readBuildContext({ context: root });
    appendFileSync(path.join(root, 'app.log'), 'two more lines\n'.repeat(100));
    const read = async () => {
      for await (const _chunk of packContext(context)) void _chunk;
    };
    await expect(read()).rejects.toThrow('app.log changed while the build context was being sent');
  });
});
