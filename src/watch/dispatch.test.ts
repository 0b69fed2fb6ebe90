import { describe, expect, it } from 'vitest';
import { DockerignoreMatcher } from '../build/dockerignore.js';
import { ChangeSet } from './change-set.js';
import { changesByService, serviceWork } from './dispatch.js';
import type { Trigger } from './triggers.js';

const t = (service: string, path: string, action: Trigger['action'], extra: Partial<Trigger> = {}): Trigger => ({ service, path, action, initialSync: false, origin: 'test', ...(action.startsWith('sync') && { target: '/app' }), ...extra });

describe('ChangeSet', () => {
  it('keeps the last state of each path', () => {
    const set = new ChangeSet().add('/a', 'changed').add('/b', 'changed').add('/a', 'deleted').add('/b', 'deleted').add('/b', 'changed');
    expect(set.entries()).toEqual([['/a', 'deleted'], ['/b', 'changed']]);
    expect(set.merge(new ChangeSet().add('/a', 'changed')).entries()).toEqual([['/b', 'changed'], ['/a', 'changed']]);
  });
});

describe('dispatch', () => {
  const triggers = [
    t('front', '/p/front/src', 'sync'),
    t('front', '/p/front/package.json', 'rebuild'),
    t('api', '/p/api', 'sync+restart', { ignore: new DockerignoreMatcher(['*.md']) }),
    t('worker', '/p/worker', 'sync+exec', { exec: { command: ['kill', '-HUP', '1'] } }),
    t('proxy', '/p/proxy/nginx.conf', 'restart'),
  ];

  it('splits a batch by service, dropping paths nothing fires on', () => {
    const batch = new ChangeSet().add('/p/front/src/a.js', 'changed').add('/p/api/README.md', 'changed').add('/p/api/main.py', 'deleted').add('/p/elsewhere', 'changed');
    const split = changesByService(batch, triggers);
    expect([...split.keys()]).toEqual(['front', 'api']);
    expect(split.get('api')!.entries()).toEqual([['/p/api/main.py', 'deleted']]);
  });

  it('syncs changed and deleted files, then restarts or execs', () => {
    const api = serviceWork('api', new ChangeSet().add('/p/api/a.py', 'changed').add('/p/api/b.py', 'deleted'), triggers)!;
    expect(api.syncs.map((s) => [s.changed, s.deleted])).toEqual([[['/p/api/a.py'], ['/p/api/b.py']]]);
    expect(api.restart).toBe(true);
    const worker = serviceWork('worker', new ChangeSet().add('/p/worker/x', 'changed'), triggers)!;
    expect(worker.execs.map((e) => e.exec!.command)).toEqual([['kill', '-HUP', '1']]);
    expect(worker.restart).toBe(false);
    const proxy = serviceWork('proxy', new ChangeSet().add('/p/proxy/nginx.conf', 'changed'), triggers)!;
    expect(proxy).toMatchObject({ restart: true, syncs: [], rebuild: [] });
  });

  it('lets a rebuild replace every other action of the service', () => {
    const work = serviceWork('front', new ChangeSet().add('/p/front/src/a.js', 'changed').add('/p/front/package.json', 'changed'), triggers)!;
    expect(work).toMatchObject({ rebuild: ['/p/front/package.json'], syncs: [], restart: false });
    expect(work.paths.sort()).toEqual(['/p/front/package.json', '/p/front/src/a.js']);
  });

  it('has no work when nothing fires (the triggers changed since the batch was queued)', () => {
    expect(serviceWork('front', new ChangeSet().add('/p/api/a.py', 'changed'), triggers)).toBeUndefined();
  });
});
