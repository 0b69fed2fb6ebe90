import { describe, expect, it } from 'vitest';
import { ServiceFailedError } from '../../errors.js';
import { failure, replicaResets } from './deploy.js';
import type { RolloutResult } from './rollout-wait.js';

const failed = (service: string, message: string): RolloutResult => ({ service, workload: `deployment/${service}`, state: 'failed', desired: 1, updated: 1, ready: 0, available: 0, message });

describe('the error of a failed deploy', () => {
  it('names the failed services, what was not deployed, and the commands to look, with the flags that reach the cluster', () => {
    const error = failure([failed('back', 'CrashLoopBackOff: back-1 exited 1')], ['front (waits for back)'], false, '--context prod -n shop');
    expect(error).toBeInstanceOf(ServiceFailedError);
    expect(error.message).toBe('rollout failed: back: CrashLoopBackOff: back-1 exited 1');
    expect(error.nextSteps).toEqual([
      'Not deployed: front (waits for back).',
      'Run with --rollback-on-failure to return a failed Deployment to its previous revision.',
      'See the pods: devspace ps --context prod -n shop; devspace logs --context prod -n shop back',
    ]);
  });

  it('a claim no volume binds (no provisioner) says what to do about storage', () => {
    const error = failure([failed('back', 'not rolled out after 8 s: back-5f: cannot be scheduled: 0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.')], [], true, '-n shop');
    expect(error.nextSteps[0]).toMatch(/^A PersistentVolumeClaim is not bound: .*x-devspace\.storage\.class.*PersistentVolume/);
    expect(error.nextSteps).toHaveLength(2);
  });

  it('lists the rollouts it stopped waiting for once the verdict was in', () => {
    const error = failure([failed('api', 'CrashLoopBackOff')], [], true, '-n shop', ['cache (0 of 1 updated replicas are available)']);
    expect(error.nextSteps[0]).toBe('Not waited for (still rolling out): cache (0 of 1 updated replicas are available).');
  });
});

describe('replicaResets', () => {
  const workload = (kind: string, name: string, replicas?: number) => ({ apiVersion: 'apps/v1', kind, metadata: { name }, spec: replicas === undefined ? {} : { replicas } });
  const services: Parameters<typeof replicaResets>[2] = [{ service: 'back_end', workload: 'Deployment', name: 'back-end', dependsOn: [], replicas: 1, image: 'b' }];

  it('says when the compose file count replaces a scaled one, by compose service name; autoscaled and unchanged ones are not listed', () => {
    const before = new Map([
      ['Deployment/back-end', workload('Deployment', 'back-end', 3)],
      ['Deployment/front', workload('Deployment', 'front', 5)],
      ['StatefulSet/db', workload('StatefulSet', 'db', 2)],
    ]);
    const objects = [workload('Deployment', 'back-end', 1), workload('Deployment', 'front'), workload('StatefulSet', 'db', 2), workload('Deployment', 'new', 2), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'back-end' }, spec: { replicas: 9 } }];
    expect(replicaResets(objects, before, services)).toEqual(['back_end: 3 → 1 replica, as the compose file says (devspace scale lasts until the next deploy)']);
  });
});
