// Unit tests of the rollout wait's driver with a stand-in for the namespace cache (the watches are
// tested against the real API server in test/e2e/deploy-failures.test.ts): events on change only,
// the crash loop's logs fetched once and bounded in time, our deadline, and Ctrl-C.
import type { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import type { DevspaceEvent } from '../../events.js';
import { InterruptedError } from '../../cli/interrupts.js';
import type { NamespaceCache } from './namespace-cache.js';
import type { PodLike, ReplicaSetLike, WorkloadLike } from './rollout.js';
import { previousLogs, StopWaiting, waitForRollout } from './rollout-wait.js';

class FakeCache {
  namespace = 'shop';
  workloads: WorkloadLike[] = [];
  replicaSets: ReplicaSetLike[] = [];
  pods: PodLike[] = [];
  events = [];
  private listeners = new Set<() => void>();
  workload(kind: string, name: string) {
    return this.workloads.find((w) => w.kind === kind && w.metadata.name === name);
  }
  onChange(l: () => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  change() {
    for (const l of [...this.listeners]) l();
  }
  get listening() {
    return this.listeners.size;
  }
}

const REV = 'deployment.kubernetes.io/revision';
const deployment = (status: WorkloadLike['status']): WorkloadLike => ({ kind: 'Deployment', metadata: { name: 'front', generation: 2, annotations: { [REV]: '2' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'front' } } }, status });
const rs: ReplicaSetLike = { metadata: { name: 'front-abc', labels: { app: 'front', 'pod-template-hash': 'abc' }, annotations: { [REV]: '2' }, ownerReferences: [{ kind: 'Deployment', name: 'front' }] } };
const crashing = (restartCount: number): PodLike => ({
  metadata: { name: 'front-abc-1', labels: { app: 'front', 'pod-template-hash': 'abc' } },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'web', ready: false, restartCount, lastState: { terminated: { exitCode: 3 } }, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
});
const target = { service: 'front', kind: 'Deployment', name: 'front', minGeneration: 2, timeoutMs: 60_000 };

function setup(logs: () => Promise<string>) {
  const cache = new FakeCache();
  const core = { readNamespacedPodLog: vi.fn(logs) } as unknown as CoreV1Api & { readNamespacedPodLog: ReturnType<typeof vi.fn> };
  const events: DevspaceEvent[] = [];
  return { cache, core, events, emit: (e: DevspaceEvent) => events.push(e) };
}

describe('waitForRollout', () => {
  it('fails at once when the workload it saw with our spec is deleted, instead of waiting for the deadline', async () => {
    const { cache, core, emit } = setup(async () => '');
    const done = waitForRollout(cache as unknown as NamespaceCache, core, target, emit);
    cache.workloads = [deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1 })];
    cache.change();
    cache.workloads = [];
    cache.change();
    const result = await done;
    expect(result.state).toBe('failed');
    expect(result.reason).toBe('Deleted');
    expect(result.message).toBe('deployment/front was deleted while devspace waited for it');
  });

  it('reports each change once and resolves ready', async () => {
    const { cache, core, events, emit } = setup(async () => '');
    const done = waitForRollout(cache as unknown as NamespaceCache, core, target, emit);
    cache.workloads = [{ ...deployment({ observedGeneration: 1, replicas: 1, readyReplicas: 1 }), metadata: { name: 'front', generation: 1 } }];
    cache.change();
    cache.workloads = [deployment({ observedGeneration: 1, replicas: 1, readyReplicas: 1 })];
    cache.change();
    cache.change();
    cache.workloads = [deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 })];
    cache.change();
    const result = await done;
    expect(result).toMatchObject({ state: 'ready', service: 'front', workload: 'deployment/front', available: 1 });
    expect(events.map((e) => (e.type === 'rollout' ? `${e.state}: ${e.message}` : e.type))).toEqual([
      'progressing: waiting for the deployment to be seen',
      'progressing: waiting for the applied deployment spec to be seen',
      'progressing: waiting for the deployment spec update to be observed (generation 2, observed 1)',
      'ready: successfully rolled out (1/1 available)',
    ]);
    expect(cache.listening).toBe(0);
  });

  it('a crash loop fails with the crashed container\'s last lines, fetched once per restart', async () => {
    const { cache, core, events, emit } = setup(async () => 'connecting to db:5432\nFATAL: password authentication failed\n');
    cache.workloads = [deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1 })];
    cache.replicaSets = [rs];
    cache.pods = [crashing(2)];
    const result = await waitForRollout(cache as unknown as NamespaceCache, core, target, emit);
    expect(result).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', pod: 'front-abc-1', logs: ['connecting to db:5432', 'FATAL: password authentication failed'] });
    expect(result.message).toContain('last exit code 3');
    expect(core.readNamespacedPodLog).toHaveBeenCalledTimes(1);
    expect(core.readNamespacedPodLog.mock.calls[0]![0]).toMatchObject({ name: 'front-abc-1', namespace: 'shop', container: 'web', previous: true, tailLines: 10 });
    expect(events.filter((e) => e.type === 'rollout').at(-1)).toMatchObject({ state: 'failed', logs: ['connecting to db:5432', 'FATAL: password authentication failed'] });
  });

  it('finds the pods of a Deployment that came from the first list (items of a list carry no kind)', async () => {
    const { cache, core, emit } = setup(async () => '');
    const listed = deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1 }) as Partial<WorkloadLike>;
    delete listed.kind;
    cache.workload = () => listed as WorkloadLike;
    cache.replicaSets = [rs];
    cache.pods = [crashing(1)];
    expect(await waitForRollout(cache as unknown as NamespaceCache, core, { ...target, timeoutMs: 2000 }, emit)).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff' });
  });

  it('fails at our deadline with the last thing it waited for', async () => {
    vi.useFakeTimers();
    try {
      const { cache, core, emit } = setup(async () => '');
      cache.workloads = [deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 })];
      cache.replicaSets = [rs];
      cache.pods = [{ metadata: { name: 'front-abc-1', labels: { app: 'front', 'pod-template-hash': 'abc' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] } }];
      const done = waitForRollout(cache as unknown as NamespaceCache, core, { ...target, timeoutMs: 5000 }, emit);
      await vi.advanceTimersByTimeAsync(4999);
      let settled = false;
      void done.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const result = await done;
      expect(result).toMatchObject({ state: 'failed', reason: 'NotReady' });
      expect(result.message).toBe('not rolled out after 5 s: 0 of 1 updated replicas are available; front-abc-1: container web is running but not ready (its readiness probe has not succeeded)');
    } finally {
      vi.useRealTimers();
    }
  });

  it('StopWaiting ends the wait with what it last saw, without an error', async () => {
    const { cache, core, emit } = setup(async () => '');
    cache.workloads = [deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 })];
    const controller = new AbortController();
    const done = waitForRollout(cache as unknown as NamespaceCache, core, target, emit, controller.signal);
    controller.abort(new StopWaiting('db failed'));
    expect(await done).toMatchObject({ state: 'progressing', stopped: true, message: '0 of 1 updated replicas are available', service: 'front' });
    expect(cache.listening).toBe(0);
  });

  it('Ctrl-C rejects with the interrupt and stops listening', async () => {
    const { cache, core, emit } = setup(async () => '');
    const controller = new AbortController();
    const done = waitForRollout(cache as unknown as NamespaceCache, core, target, emit, controller.signal);
    controller.abort(new InterruptedError());
    await expect(done).rejects.toBeInstanceOf(InterruptedError);
    expect(cache.listening).toBe(0);
  });
});

describe('previousLogs', () => {
  it('says why there are no logs, with the API server\'s message rather than its JSON', async () => {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'previous terminated container "web" in pod "front-abc-1" not found', reason: 'BadRequest', code: 400 });
    const { core } = setup(() => Promise.reject(Object.assign(new Error('HTTP-Code: 400'), { code: 400, body })));
    expect(await previousLogs(core, 'shop', 'front-abc-1', 'web')).toEqual(['(no log of the crashed container: previous terminated container "web" in pod "front-abc-1" not found)']);
  });

  it('gives up on a kubelet that does not answer', async () => {
    const { core } = setup(() => new Promise<string>(() => {}));
    const started = Date.now();
    expect(await previousLogs(core, 'shop', 'front-abc-1', 'web', 50)).toEqual(['(no log of the crashed container: no answer in 0.05 s)']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("a failed log request says the API server's words, not its raw answer", async () => {
    const { core } = setup(async () => {
      throw Object.assign(new Error('HTTP-Code: 404 Message: Unknown API Status Code! Body: {...} Headers: {...}'), { code: 404, body: JSON.stringify({ kind: 'Status', message: 'pods "front-abc-1" not found' }) });
    });
    expect(await previousLogs(core, 'shop', 'front-abc-1', 'web')).toEqual(['(no log of the crashed container: pods "front-abc-1" not found)']);
  });
});
