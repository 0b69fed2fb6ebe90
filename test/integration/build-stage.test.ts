// The build stage against the real engine: .dockerignore compared with Docker's own tools,
// digest-based skipping (no context sent), failures, Dockerfiles outside the context, args and
// targets, build order, pull_policy. Every image carries RUN_LABEL and is removed in afterAll.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../src/build/builder.js';
import { packContext } from '../../src/build/context-tar.js';
import type { BuildContext } from '../../src/build/context.js';
import { ensureImages } from '../../src/build/ensure-images.js';
import type { Project, Service } from '../../src/compose/model.js';
import { ImageClient } from '../../src/engine/images.js';
import { CommandFailedError } from '../../src/errors.js';
import type { DevspaceEvent } from '../../src/events.js';
import { docker, dockerEngineOrSkip, removeImagesLabelled } from './docker-env.js';

const engine = await dockerEngineOrSkip('build stage integration tests');

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/build');
const RUN_LABEL = 'dev.devspace.test-run';
const RUN = `it${randomBytes(4).toString('hex')}`;
/** Debian's docker 20.10 client, which can still use BuildKit here (the 28.x client has no buildx). */
const BUILDKIT_CLIENT = '/usr/bin/docker';
const temps: string[] = [];
const images = new ImageClient(new Docker());

afterAll(async () => {
  temps.forEach((t) => rmSync(t, { recursive: true, force: true }));
  await removeImagesLabelled(`${RUN_LABEL}=${RUN}`);
}, 60_000);

/** A project around fixture directories; every build is labelled for cleanup. */
function project(services: Record<string, Service>, suffix = ''): Project {
  for (const s of Object.values(services)) if (s.build) s.build.labels = { ...s.build.labels, [RUN_LABEL]: RUN };
  return { name: `devspace-${RUN}${suffix}`, working_dir: FIXTURES, compose_files: [], services, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {} };
}

function tempCopy(fixture: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devspace-build-it-'));
  temps.push(dir);
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** Every path under /ctx in the image. */
async function ctxListing(image: string): Promise<string[]> {
  return String((await docker(['run', '--rm', image, 'find', '/ctx'])).stdout).split('\n').filter(Boolean).sort();
}

async function cat(image: string, file: string): Promise<string> {
  return String((await docker(['run', '--rm', image, 'cat', file])).stdout).trim();
}

describe.skipIf(!engine)('build context vs Docker', () => {
  const context = path.join(FIXTURES, 'ignore');

  it('honours .dockerignore exactly as `docker build` (classic builder) does', async () => {
    const cliImage = `devspace-${RUN}-cli-ignore`;
    await docker(['build', '-q', '--label', `${RUN_LABEL}=${RUN}`, '-t', cliImage, context], { env: { DOCKER_BUILDKIT: '0' } });
    const result = await buildServices(project({ ignore: { build: { context } } }), { images });
    const ours = await ctxListing(result.get('ignore')!.image);
    expect(ours).toEqual(await ctxListing(cliImage));
    // The rules did something: two empty listings would prove nothing.
    expect(ours).toEqual(expect.arrayContaining(['/ctx/keep.log', '/ctx/logs/important.txt', '/ctx/src/deep/wanted.tmp', '/ctx/link-to-main', '/ctx/src/root-only.txt']));
    for (const gone of ['/ctx/Dockerfile', '/ctx/a.log', '/ctx/src/deep/x.log', '/ctx/root-only', '/ctx/dir', '/ctx/logs/noise.txt', '/ctx/a.tmp']) expect(ours).not.toContain(gone);
  }, 120_000);

  it.skipIf(!existsSync(BUILDKIT_CLIENT))('honours <Dockerfile>.dockerignore as BuildKit does (the classic CLI ignores that file)', async () => {
    const bkImage = `devspace-${RUN}-bk-ignore`;
    await execa(BUILDKIT_CLIENT, ['build', '-q', '--label', `${RUN_LABEL}=${RUN}`, '-f', path.join(context, 'app.Dockerfile'), '-t', bkImage, context], { env: { DOCKER_BUILDKIT: '1' }, timeout: 120_000 });
    const result = await buildServices(project({ app: { build: { context, dockerfile: 'app.Dockerfile' } } }), { images });
    const ours = await ctxListing(result.get('app')!.image);
    expect(ours).toEqual(await ctxListing(bkImage));
    expect(ours).toEqual(expect.arrayContaining(['/ctx/other/file.txt', '/ctx/a.log', '/ctx/app.Dockerfile']));
    expect(ours).not.toContain('/ctx/a.tmp');
    expect(ours.some((p) => p.includes('.dockerfile.'))).toBe(false);
  }, 120_000);
});

describe.skipIf(!engine)('buildServices', () => {
  it('skips an unchanged build without sending the context, and rebuilds when an included file changes', async () => {
    const context = tempCopy('cached');
    let packed = 0;
    const counting = (ctx: BuildContext) => {
      packed++;
      return packContext(ctx);
    };
    const p = project({ web: { build: { context } } }, '-cache');
    const events: DevspaceEvent[] = [];
    const first = (await buildServices(p, { images, packContext: counting, emit: (e) => events.push(e) })).get('web')!;
    expect(first.built).toBe(true);
    expect(packed).toBe(1);
    // The engine counts the labels it appends as steps, hence /N.
    expect(events.some((e) => e.type === 'build-step' && /^Step 1\/\d+ : FROM busybox:latest$/.test(e.step))).toBe(true);

    events.length = 0;
    const second = (await buildServices(p, { images, packContext: counting, emit: (e) => events.push(e) })).get('web')!;
    expect(second).toEqual({ ...first, built: false });
    expect(packed).toBe(1);
    expect(events).toEqual([{ type: 'build-cached', service: 'web', image: first.image, digest: first.digest }]);

    writeFileSync(path.join(context, 'ignored.txt'), 'changed but ignored');
    expect((await buildServices(p, { images, packContext: counting })).get('web')!.built).toBe(false);
    expect(packed).toBe(1);

    const original = readFileSync(path.join(context, 'data.txt'), 'utf8');
    writeFileSync(path.join(context, 'data.txt'), 'two');
    const third = (await buildServices(p, { images, packContext: counting })).get('web')!;
    expect(third.built).toBe(true);
    expect(third.digest).not.toBe(first.digest);
    expect(packed).toBe(2);
    expect(await cat(third.image, '/ctx/data.txt')).toBe('two');

    // The change undone: the first image (untagged since) is tagged again, nothing is built or sent.
    writeFileSync(path.join(context, 'data.txt'), original);
    events.length = 0;
    const fourth = (await buildServices(p, { images, packContext: counting, emit: (e) => events.push(e) })).get('web')!;
    expect(fourth).toEqual({ ...first, built: false });
    expect(packed).toBe(2);
    expect(events).toEqual([{ type: 'build-cached', service: 'web', image: first.image, digest: first.digest, imageId: first.imageId }]);
    expect((await images.inspect(first.image))?.Id).toBe(first.imageId);
    expect(await cat(first.image, '/ctx/data.txt')).toBe(original.trim());
  }, 120_000);

  it('reports the failing step and the output tail, and builds nothing that waits for it', async () => {
    const events: DevspaceEvent[] = [];
    const p = project({
      broken: { build: { context: path.join(FIXTURES, 'fails') } },
      // Builds wait only for real build dependencies: this one starts FROM the broken image.
      after: { build: { context: path.join(FIXTURES, 'cached'), dockerfile_inline: `FROM devspace-${RUN}-fail-broken\n` } },
    }, '-fail');
    const error = await buildServices(p, { images, emit: (e) => events.push(e) }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    const failure = error as CommandFailedError;
    expect(failure.message).toContain('building service "broken"');
    expect(failure.message).toMatch(/at Step 2\/\d+ : RUN echo before-failure/);
    expect(failure.message).toContain('returned a non-zero code: 3');
    expect(failure.exitCode).toBe(3);
    expect(failure.outputTail).toContain('the last words');
    expect(failure.outputTail.join('\n')).not.toContain('never');
    expect(events.find((e) => e.type === 'build-failed')).toMatchObject({ service: 'broken', step: expect.stringMatching(/^Step 2\/\d+ : RUN echo before-failure && echo "the last words" && exit 3$/) });
    expect(events.some((e) => e.type === 'build-start' && e.service === 'after')).toBe(false);
  }, 120_000);

  it('builds with a Dockerfile outside the context, which does not end up in the image', async () => {
    const p = project({ out: { build: { context: path.join(FIXTURES, 'outside/context'), dockerfile: path.join(FIXTURES, 'outside/docker/Dockerfile.outside') } } }, '-outside');
    const result = (await buildServices(p, { images })).get('out')!;
    expect(await ctxListing(result.image)).toEqual(['/ctx', '/ctx/inside.txt']);
  }, 120_000);

  it('passes build args (null ones from the given environment), target, extra tags and labels', async () => {
    const tag = `devspace-${RUN}-extra:v1`;
    const p = project({ a: { build: { context: path.join(FIXTURES, 'args'), target: 'dev', args: { FLAVOUR: null }, tags: [tag], labels: { 'org.example.team': 'blue' } } } }, '-args');
    const result = (await buildServices(p, { images, env: { FLAVOUR: 'spicy' } })).get('a')!;
    expect(await cat(result.image, '/flavour')).toBe('spicy');
    expect(await cat(result.image, '/stage')).toBe('dev');
    const inspect = await images.inspect(tag);
    expect(inspect?.Id).toBe(result.imageId);
    expect(inspect?.Config.Labels).toMatchObject({ 'org.example.team': 'blue', 'dev.devspace.build-digest': result.digest, 'dev.devspace.project': p.name });
  }, 120_000);

  it('builds a service after the sibling whose image its Dockerfile FROMs', async () => {
    const events: DevspaceEvent[] = [];
    const name = `devspace-${RUN}-chain`;
    const p = project({
      app: { build: { context: path.join(FIXTURES, 'chain/app'), args: { BASE: `${name}-base` } } },
      base: { build: { context: path.join(FIXTURES, 'chain/base') } },
    }, '-chain');
    const result = await buildServices(p, { images, emit: (e) => events.push(e), parallel: 4 });
    const order = events.filter((e) => e.type === 'build-start' || e.type === 'build-done').map((e) => `${e.type} ${(e as { service: string }).service}`);
    expect(order).toEqual(['build-start base', 'build-done base', 'build-start app', 'build-done app']);
    expect(await cat(result.get('app')!.image, '/seen-base.txt')).toBe('from-base');
  }, 120_000);
});

describe.skipIf(!engine)('ensureImages', () => {
  it('uses a present image, refuses an absent one under pull_policy never, names a failed pull', async () => {
    const p = project({ here: { image: 'busybox:latest' }, absent: { image: `devspace-${RUN}-absent:1`, pull_policy: 'never' } });
    await expect(ensureImages(p, { images })).rejects.toThrow(`image devspace-${RUN}-absent:1 for service "absent" is not present and pull_policy is never`);
    const present = await ensureImages(p, { images, services: ['here'] });
    expect(present.get('here')).toMatchObject({ image: 'busybox:latest', pulled: false });
    // A registry on 127.0.0.1 that nothing listens on: the pull fails inside the engine, offline.
    const unreachable = project({ x: { image: '127.0.0.1:1/devspace/absent:1' } });
    const events: DevspaceEvent[] = [];
    await expect(ensureImages(unreachable, { images, emit: (e) => events.push(e) })).rejects.toThrow(/pulling image 127\.0\.0\.1:1\/devspace\/absent:1 for service "x" failed: .*connection refused/);
    expect(events).toEqual([{ type: 'pull-start', service: 'x', image: '127.0.0.1:1/devspace/absent:1' }]);
  }, 60_000);
});
