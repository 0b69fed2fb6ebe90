import { describe, expect, it } from 'vitest';
import { dependencyOrder, describePlan, planConvergence, type DesiredService, type PlanInput } from './plan.js';
import type { ObservedContainer, Snapshot } from './snapshot.js';

const container = (service: string, number: number, extra: Partial<ObservedContainer> = {}): ObservedContainer => ({
  id: `${service}${number}`,
  name: `p-${service}-${number}`,
  service,
  number,
  configHash: `hash-${service}`,
  imageId: `img-${service}`,
  state: 'running',
  status: 'Up',
  ports: [],
  created: 1,
  ...extra,
});
const desired = (name: string, extra: Partial<DesiredService> = {}): DesiredService => ({
  name,
  replicas: 1,
  configHash: `hash-${name}`,
  imageId: `img-${name}`,
  dependsOn: [],
  ...extra,
});
const empty: Snapshot = { containers: [], networks: [], volumes: [] };
const plan = (input: Partial<PlanInput>) =>
  describePlan(planConvergence({ services: [], networks: [], volumes: [], snapshot: empty, removeOrphans: false, ...input }));

describe('planConvergence', () => {
  it('creates everything on an empty engine, dependencies first', () => {
    expect(
      plan({
        services: [desired('front', { dependsOn: [{ service: 'back', restart: false }] }), desired('back')],
        networks: [{ name: 'p_default', external: false }],
        volumes: [{ name: 'p_data', external: false }],
      }),
    ).toEqual([
      'create-network p_default: network does not exist',
      'create-volume p_data: volume does not exist',
      'create back-1: no container',
      'create front-1: no container',
    ]);
  });

  it('keeps containers whose config hash and image are unchanged', () => {
    const snapshot = { ...empty, containers: [container('front', 1), container('back', 1)], networks: [{ name: 'p_default', ours: true }] };
    expect(plan({ services: [desired('back'), desired('front')], networks: [{ name: 'p_default', external: false }], snapshot })).toEqual([
      'keep back-1: up to date',
      'keep front-1: up to date',
    ]);
  });

  it('recreates only the service whose configuration or image changed', () => {
    const snapshot = { ...empty, containers: [container('front', 1, { configHash: 'old' }), container('back', 1), container('worker', 1, { imageId: 'old' })] };
    expect(plan({ services: [desired('back'), desired('front'), desired('worker')], snapshot })).toEqual([
      'keep back-1: up to date',
      'recreate front-1: configuration changed',
      'recreate worker-1: image changed',
    ]);
  });

  it('restarts dependents that ask for it when a dependency is recreated', () => {
    const snapshot = { ...empty, containers: [container('back', 1, { configHash: 'old' }), container('front', 1), container('admin', 1)] };
    const services = [
      desired('front', { dependsOn: [{ service: 'back', restart: true }] }),
      desired('admin', { dependsOn: [{ service: 'back', restart: false }] }),
      desired('back'),
    ];
    expect(plan({ services, snapshot })).toEqual([
      'recreate back-1: configuration changed',
      'restart front-1: dependency back was recreated',
      'keep admin-1: up to date',
    ]);
  });

  it('starts stopped containers and scales up and down by replica number', () => {
    const snapshot = { ...empty, containers: [container('web', 1, { state: 'exited' }), container('web', 2), container('web', 3), container('api', 1)] };
    expect(plan({ services: [desired('web', { replicas: 2 }), desired('api', { replicas: 3 })], snapshot })).toEqual([
      'start web-1: container is exited',
      'keep web-2: up to date',
      'remove web-3: scaled down to 2',
      'keep api-1: up to date',
      'create api-2: replica 2 missing',
      'create api-3: replica 3 missing',
    ]);
  });

  it('reports orphans, and removes them only when asked', () => {
    const snapshot = { ...empty, containers: [container('old', 1), container('web', 1)] };
    expect(plan({ services: [desired('web')], snapshot })).toEqual(['keep web-1: up to date', 'orphan old-1: service is no longer in the compose file']);
    expect(plan({ services: [desired('web')], snapshot, removeOrphans: true })).toEqual(['keep web-1: up to date', 'remove old-1: service is no longer in the compose file']);
  });

  it('does not call services of the file that were not selected orphans (up web, watch rebuilds)', () => {
    const snapshot = { ...empty, containers: [container('db', 1), container('web', 1), container('old', 1)] };
    expect(plan({ services: [desired('web')], snapshot, known: ['web', 'db'], removeOrphans: true })).toEqual(['keep web-1: up to date', 'remove old-1: service is no longer in the compose file']);
  });

  it('uses existing foreign resources, and reports missing external ones', () => {
    const result = planConvergence({
      services: [],
      networks: [{ name: 'shared', external: true }, { name: 'legacy', external: false }, { name: 'gone', external: true }],
      volumes: [],
      snapshot: empty,
      foreign: { networks: ['shared', 'legacy'], volumes: [] },
      removeOrphans: false,
    });
    expect(result.resources).toEqual([]);
    expect(result.missingExternal).toEqual([{ kind: 'network', name: 'gone' }]);
  });

  it('removes a duplicate replica number and honours --force-recreate', () => {
    const snapshot = { ...empty, containers: [container('web', 1, { id: 'a', created: 2 }), container('web', 1, { id: 'b', created: 1 })] };
    expect(plan({ services: [desired('web')], snapshot, forceRecreate: true })).toEqual([
      'recreate web-1: recreate forced',
      'remove web-1: duplicate of replica 1',
    ]);
  });
});

describe('dependencyOrder', () => {
  it('puts dependencies first and keeps the input order otherwise', () => {
    const order = dependencyOrder([
      { name: 'a', dependsOn: [{ service: 'c' }] },
      { name: 'b', dependsOn: [] },
      { name: 'c', dependsOn: [{ service: 'd' }] },
      { name: 'd', dependsOn: [{ service: 'not-selected' }] },
    ]).map((s) => s.name);
    expect(order).toEqual(['d', 'c', 'a', 'b']);
  });
});
