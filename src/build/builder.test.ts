import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../compose/model.js';
import type { DevspaceEvent } from '../events.js';
import { buildServices } from './builder.js';
import { pullDecision } from './ensure-images.js';

const project = (services: Record<string, Service>): Project => ({ name: 'demo', working_dir: '/nowhere', compose_files: [], services, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {} });
const noImages = {
  inspect: async () => { throw new Error('must not be called'); },
  listByLabel: async () => { throw new Error('must not be called'); },
  build: async () => { throw new Error('must not be called'); },
  tag: async () => { throw new Error('must not be called'); },
};

describe('buildServices (no engine)', () => {
  it('refuses what the classic builder cannot do, naming every problem, before touching the engine', async () => {
    const p = project({
      a: { build: { context: '/nowhere', additional_contexts: { lib: '../lib' } } },
      b: { build: { context: '/nowhere', platforms: ['linux/amd64', 'linux/arm64'], ssh: ['default'] } },
    });
    const error = await buildServices(p, { images: noImages }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ message: 'cannot build: 3 unsupported build options' });
    expect((error as { diagnostics: { path: string }[] }).diagnostics.map((d) => d.path)).toEqual([
      'services.a.build.additional_contexts', 'services.b.build.ssh', 'services.b.build.platforms',
    ]);
  });

  it('warns about options it ignores instead of dropping them silently', async () => {
    const events: DevspaceEvent[] = [];
    const p = project({ a: { build: { context: '/nowhere/at/all', cache_to: ['type=local'] } } });
    await expect(buildServices(p, { images: noImages, emit: (e) => events.push(e) })).rejects.toThrow('is not a readable directory');
    expect(events).toEqual([{ type: 'message', level: 'warn', text: 'services.a.build.cache_to: build.cache_to is ignored: the classic builder cannot export a cache' }]);
  });

  it('does nothing for services without build:', async () => {
    expect((await buildServices(project({ db: { image: 'postgres' } }), { images: noImages })).size).toBe(0);
  });
});

describe('pullDecision', () => {
  it('maps every pull_policy', () => {
    expect(pullDecision(undefined)).toEqual({ decision: 'pull-if-missing' });
    expect(pullDecision('if_not_present')).toEqual({ decision: 'pull-if-missing' });
    expect(pullDecision('always')).toEqual({ decision: 'pull' });
    expect(pullDecision('never')).toEqual({ decision: 'never' });
    expect(pullDecision('build')).toEqual({ error: 'pull_policy build needs a build section' });
    expect(pullDecision('daily')).toMatchObject({ decision: 'pull-if-missing', note: expect.stringContaining('daily is treated as missing') });
  });
});
