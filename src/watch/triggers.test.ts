import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerignoreMatcher } from '../build/dockerignore.js';
import type { Project, Service } from '../compose/model.js';
import { fires, isEditorTemp, prunable, serviceTriggers, watchRoots, type Trigger } from './triggers.js';

const trigger = (over: Partial<Trigger> = {}): Trigger => ({ service: 'web', path: '/p/src', action: 'sync', target: '/app', initialSync: false, origin: 'develop.watch[0]', ...over });

describe('fires', () => {
  it('fires for the path itself and anything below it, nothing beside it', () => {
    const t = trigger();
    expect(fires(t, '/p/src')).toBe(true);
    expect(fires(t, '/p/src/a/b.js')).toBe(true);
    expect(fires(t, '/p/srcx/b.js')).toBe(false);
    expect(fires(t, '/p/other.js')).toBe(false);
  });

  it("applies the rule's ignore patterns relative to its path, and include patterns", () => {
    const t = trigger({ ignore: new DockerignoreMatcher(['node_modules', '**/*.test.js']), include: new DockerignoreMatcher(['*.js', 'lib']) });
    expect(fires(t, '/p/src/node_modules/x/index.js')).toBe(false);
    expect(fires(t, '/p/src/a.test.js')).toBe(false);
    expect(fires(t, '/p/src/a.js')).toBe(true);
    expect(fires(t, '/p/src/lib/deep/file.txt')).toBe(true);
    expect(fires(t, '/p/src/readme.md')).toBe(false);
  });

  it("applies the build context's .dockerignore relative to the context", () => {
    const t = trigger({ path: '/p', action: 'rebuild', context: { directory: '/p', matcher: new DockerignoreMatcher(['*.md', 'dist', '!dist/keep']) } });
    expect(fires(t, '/p/README.md')).toBe(false);
    expect(fires(t, '/p/dist/bundle.js')).toBe(false);
    expect(fires(t, '/p/dist/keep')).toBe(true);
    expect(fires(t, '/p/src/app.ts')).toBe(true);
  });

  it("never fires for editors' temporary files", () => {
    for (const name of ['.#main.c', '#main.c#', 'main.c~', '.main.c.swp', '.main.c.swx', '4913', 'main.c___jb_tmp___', 'main.c___jb_old___', '.goutputstream-XYZ']) {
      expect(isEditorTemp(`/p/src/${name}`), name).toBe(true);
      expect(fires(trigger(), `/p/src/${name}`), name).toBe(false);
    }
    expect(isEditorTemp('/p/src/swap.ts')).toBe(false);
  });
});

describe('prunable', () => {
  const ctx = { directory: '/p', matcher: new DockerignoreMatcher(['node_modules', 'logs', '!logs/keep']) };
  it('skips a directory every trigger excludes, unless an exception reaches inside', () => {
    const ts = [trigger({ path: '/p', action: 'rebuild', context: ctx })];
    expect(prunable(ts, '/p/node_modules')).toBe(true);
    expect(prunable(ts, '/p/logs')).toBe(false);
    expect(prunable(ts, '/p/src')).toBe(false);
    expect(prunable(ts, '/p')).toBe(false);
  });

  it('keeps a directory another trigger still needs, and ancestors of watched paths', () => {
    const ts = [trigger({ path: '/p', action: 'rebuild', context: ctx }), trigger({ path: '/p/node_modules/lib', action: 'sync' })];
    expect(prunable(ts, '/p/node_modules')).toBe(false);
    expect(prunable([trigger({ path: '/p/src/app' })], '/p/src')).toBe(false);
    expect(prunable([trigger({ path: '/p/src/app' })], '/q')).toBe(false);
  });
});

describe('watchRoots', () => {
  it('drops paths inside other watched paths', () => {
    expect(watchRoots(['/p/src', '/p', '/q/compose.yaml', '/p/src/a', '/p'])).toEqual(['/p', '/q/compose.yaml']);
  });
});

describe('serviceTriggers', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'devspace-triggers-'));
  mkdirSync(path.join(root, 'app/src'), { recursive: true });
  writeFileSync(path.join(root, 'app/Dockerfile'), 'FROM busybox\n');
  writeFileSync(path.join(root, 'app/.dockerignore'), 'node_modules\n*.log\nsrc/*.log\n');
  const project = (services: Record<string, Service>): Project => ({ name: 'p', working_dir: root, compose_files: [], services, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {} }) as Project;

  it('gives a service with a build context and no develop section the default rebuild rule', async () => {
    const ts = await serviceTriggers(project({ app: { build: { context: path.join(root, 'app') } } as Service }), ['app']);
    expect(ts.map((t) => [t.service, t.path, t.action, t.origin])).toEqual([['app', path.join(root, 'app'), 'rebuild', 'build context (default rule)']]);
    expect(fires(ts[0]!, path.join(root, 'app/src/main.go'))).toBe(true);
    expect(fires(ts[0]!, path.join(root, 'app/debug.log'))).toBe(false);
    expect(fires(ts[0]!, path.join(root, 'app/Dockerfile'))).toBe(true);
  });

  it('turns the default off with x-devspace.watch: false, and has none for image-only services', async () => {
    const ts = await serviceTriggers(project({ app: { build: { context: path.join(root, 'app') }, 'x-devspace': { watch: false } } as Service, db: { image: 'postgres' } as Service }), ['app', 'db']);
    expect(ts).toEqual([]);
  });

  it("uses develop.watch rules, with the context's .dockerignore added when the path is inside the context", async () => {
    const ts = await serviceTriggers(
      project({ app: { build: { context: path.join(root, 'app') }, develop: { watch: [{ path: path.join(root, 'app/src'), action: 'sync', target: '/srv', ignore: ['tmp'] }] } } as Service }),
      ['app'],
    );
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ action: 'sync', target: '/srv', origin: 'develop.watch[0]' });
    expect(fires(ts[0]!, path.join(root, 'app/src/x.log'))).toBe(false);
    expect(fires(ts[0]!, path.join(root, 'app/src/tmp/x'))).toBe(false);
    expect(fires(ts[0]!, path.join(root, 'app/src/x.go'))).toBe(true);
  });

  it('watches a Dockerfile that lies outside the context too', async () => {
    writeFileSync(path.join(root, 'outside.Dockerfile'), 'FROM busybox\n');
    const ts = await serviceTriggers(project({ app: { build: { context: path.join(root, 'app'), dockerfile: path.join(root, 'outside.Dockerfile') } } as Service }), ['app']);
    expect(ts.map((t) => t.path)).toEqual([path.join(root, 'app'), path.join(root, 'outside.Dockerfile')]);
  });
});
