// Unit tests of rollout status as a pure function of API objects: the workload's own verdict
// (kubectl's rollout status), why a pod is not ready, which pods speak for the rollout, and the
// previous revision --rollback-on-failure returns to. The objects are shaped like what a 1.3x API
// server and kubelet report (status fields, reasons and messages copied from real clusters).
import { describe, expect, it } from 'vitest';
import { currentPods, podProblem, rolloutStatus, workloadStatus, type PodLike, type ReplicaSetLike, type WorkloadLike } from './rollout.js';
import { previousTemplate } from './rollback.js';

const REV = 'deployment.kubernetes.io/revision';

function deployment(over: { generation?: number; replicas?: number; revision?: string; status?: WorkloadLike['status'] } = {}): WorkloadLike {
  return {
    kind: 'Deployment',
    metadata: { name: 'front', uid: 'd-1', generation: over.generation ?? 2, annotations: { [REV]: over.revision ?? '2' } },
    spec: { replicas: over.replicas ?? 2, progressDeadlineSeconds: 600, selector: { matchLabels: { 'app.kubernetes.io/name': 'front' } } },
    status: over.status ?? { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "front-7d9c8b6f5" has successfully progressed.' }] },
  };
}

const readyConditions = [
  { type: 'PodReadyToStartContainers', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'True' },
  { type: 'ContainersReady', status: 'True' },
  { type: 'PodScheduled', status: 'True' },
];
const notReadyConditions = [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' },
  { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' },
  { type: 'PodScheduled', status: 'True' },
];

function pod(name: string, status: PodLike['status'], hash = 'new'): PodLike {
  return {
    metadata: { name, uid: `uid-${name}`, labels: { 'app.kubernetes.io/name': 'front', 'pod-template-hash': hash } },
    spec: { containers: [{ name: 'web', image: 'registry.example.com/acme/front:3f2a9c1d' }] },
    status,
  };
}

const crashLooping = (lastState: Record<string, unknown> = { terminated: { exitCode: 1, reason: 'Error', startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:00:01Z' } }, restartCount = 3): PodLike['status'] => ({
  phase: 'Running',
  conditions: notReadyConditions,
  containerStatuses: [{ name: 'web', image: 'registry.example.com/acme/front:3f2a9c1d', ready: false, restartCount, lastState, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=web pod=front-7d9c8b6f5-x2k4p_shop(0b1c)' } } }],
});

describe('workloadStatus (Deployment)', () => {
  it('waits while the controller has not observed the new generation, whatever the counts say', () => {
    const w = workloadStatus(deployment({ generation: 3 }));
    expect(w).toMatchObject({ done: false, failed: false, message: 'waiting for the deployment spec update to be observed (generation 3, observed 2)' });
    // A Deployment just created: no status at all yet.
    expect(workloadStatus({ ...deployment({ generation: 1 }), status: {} })).toMatchObject({ done: false, failed: false, desired: 2, updated: 0, ready: 0, available: 0 });
  });

  it('counts updated, then old replicas pending termination, then available — like kubectl rollout status', () => {
    const base = { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
    expect(workloadStatus(deployment({ status: { ...base, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 } }))).toMatchObject({ done: false, message: '1 out of 2 new replicas have been updated', updated: 1, ready: 2, available: 2 });
    expect(workloadStatus(deployment({ status: { ...base, replicas: 3, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 } }))).toMatchObject({ done: false, message: '1 old replica is pending termination' });
    expect(workloadStatus(deployment({ status: { ...base, replicas: 4, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } }))).toMatchObject({ done: false, message: '2 old replicas are pending termination' });
    expect(workloadStatus(deployment({ status: { ...base, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1 } }))).toMatchObject({ done: false, message: '1 of 2 updated replicas are available' });
    expect(workloadStatus(deployment())).toMatchObject({ done: true, failed: false, message: 'successfully rolled out (2/2 available)', desired: 2, updated: 2, ready: 2, available: 2 });
  });

  it('fails on ProgressDeadlineExceeded with the controller message', () => {
    const status = { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "front-5f6d7c8b9" has timed out progressing.' }] };
    expect(workloadStatus(deployment({ status }))).toMatchObject({ done: false, failed: true, message: 'exceeded its progress deadline (ReplicaSet "front-5f6d7c8b9" has timed out progressing.)' });
    // A deadline exceeded by the previous generation is not this one's verdict until it is observed.
    expect(workloadStatus(deployment({ generation: 3, status }))).toMatchObject({ failed: false });
  });

  it('scaled to zero is done once nothing old is left', () => {
    expect(workloadStatus(deployment({ replicas: 0, status: { observedGeneration: 2 } }))).toMatchObject({ done: true, desired: 0 });
  });
});

describe('workloadStatus (StatefulSet)', () => {
  const sts = (status: WorkloadLike['status'], spec: Partial<NonNullable<WorkloadLike['spec']>> = {}): WorkloadLike => ({
    kind: 'StatefulSet',
    metadata: { name: 'db', generation: 4 },
    spec: { replicas: 3, selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } }, updateStrategy: { type: 'RollingUpdate' }, ...spec },
    status,
  });

  it('waits for observation, ready pods, then the update revision to become current', () => {
    expect(workloadStatus(sts({ observedGeneration: 3, readyReplicas: 3 }))).toMatchObject({ done: false, message: 'waiting for the statefulset spec update to be observed (generation 4, observed 3)' });
    expect(workloadStatus(sts({ observedGeneration: 4, replicas: 3, readyReplicas: 2, updatedReplicas: 1, currentRevision: 'db-6c9f', updateRevision: 'db-7d8e' }))).toMatchObject({ done: false, message: 'waiting for 1 pod to be ready' });
    expect(workloadStatus(sts({ observedGeneration: 4, replicas: 3, readyReplicas: 3, updatedReplicas: 2, currentRevision: 'db-6c9f', updateRevision: 'db-7d8e' }))).toMatchObject({ done: false, message: 'waiting for the rolling update to complete: 2 pods at revision db-7d8e' });
    expect(workloadStatus(sts({ observedGeneration: 4, replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentRevision: 'db-7d8e', updateRevision: 'db-7d8e' }))).toMatchObject({ done: true, failed: false, message: 'successfully rolled out (3/3 ready)' });
  });

  it('honours a partition and OnDelete', () => {
    const status = { observedGeneration: 4, replicas: 3, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-6c9f', updateRevision: 'db-7d8e' };
    expect(workloadStatus(sts(status, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }))).toMatchObject({ done: true, message: 'partitioned roll out complete: 1 new pods have been updated' });
    expect(workloadStatus(sts({ ...status, updatedReplicas: 0 }, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }))).toMatchObject({ done: false });
    expect(workloadStatus(sts(status, { updateStrategy: { type: 'OnDelete' } }))).toMatchObject({ done: true });
  });
});

describe('podProblem', () => {
  it('a ready pod, a terminating one, and a pod not yet scheduled have none', () => {
    expect(podProblem(pod('a', { phase: 'Running', conditions: readyConditions, containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2026-12-01T10:00:00Z' } } }] }))).toBeUndefined();
    expect(podProblem({ ...pod('b', crashLooping()), metadata: { ...pod('b', {}).metadata, deletionTimestamp: '2026-12-01T10:00:00Z' } })).toBeUndefined();
    expect(podProblem(pod('c', { phase: 'Pending' }))).toBeUndefined();
    expect(podProblem(pod('d', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] }))).toBeUndefined();
  });

  it('CrashLoopBackOff: fatal, names the container, the last exit code and restarts, and wants the logs', () => {
    expect(podProblem(pod('front-1', crashLooping()))).toEqual({
      pod: 'front-1',
      container: 'web',
      reason: 'CrashLoopBackOff',
      message: 'container web keeps crashing (CrashLoopBackOff, last exit code 1; 3 restarts)',
      fatal: true,
      wantsLogs: true,
    });
    expect(podProblem(pod('front-1', crashLooping(undefined, 1)))!.message).toBe('container web keeps crashing (CrashLoopBackOff, last exit code 1; 1 restart)');
  });

  it('OOMKilled: the last termination reason and its message are said', () => {
    const p = podProblem(pod('front-1', crashLooping({ terminated: { exitCode: 137, reason: 'OOMKilled', message: 'memory limit 64Mi reached\n' } }, 5)));
    expect(p).toMatchObject({ reason: 'CrashLoopBackOff', fatal: true });
    expect(p!.message).toBe('container web keeps crashing (CrashLoopBackOff, last exit code 137, OOMKilled; 5 restarts): memory limit 64Mi reached');
  });

  it('ImagePullBackOff: fatal, with the image and the kubelet message; ErrImagePull is waited on', () => {
    const status = (reason: string, message: string): PodLike['status'] => ({ phase: 'Pending', conditions: notReadyConditions, containerStatuses: [{ name: 'web', image: 'registry.example.com/acme/front:typo', ready: false, restartCount: 0, state: { waiting: { reason, message } } }] });
    const backoff = podProblem(pod('front-2', status('ImagePullBackOff', 'Back-off pulling image "registry.example.com/acme/front:typo": ErrImagePull: manifest unknown')));
    expect(backoff).toEqual({ pod: 'front-2', container: 'web', reason: 'ImagePullBackOff', message: 'cannot pull image "registry.example.com/acme/front:typo" (ImagePullBackOff): Back-off pulling image "registry.example.com/acme/front:typo": ErrImagePull: manifest unknown', fatal: true, wantsLogs: false });
    const first = podProblem(pod('front-2', status('ErrImagePull', 'failed to pull and unpack image: not found')));
    expect(first).toMatchObject({ reason: 'ErrImagePull', fatal: false });
    expect(first!.message).toContain('"registry.example.com/acme/front:typo"');
    // No image in the status (some runtimes): from the pod spec; no message: from the pod's Failed event.
    const bare = pod('front-3', { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }] });
    const event = { involvedObject: { kind: 'Pod', name: 'front-3' }, reason: 'Failed', type: 'Warning', message: 'Failed to pull image "registry.example.com/acme/front:3f2a9c1d": 401 Unauthorized' };
    expect(podProblem(bare, [event])!.message).toBe('cannot pull image "registry.example.com/acme/front:3f2a9c1d" (ImagePullBackOff): Failed to pull image "registry.example.com/acme/front:3f2a9c1d": 401 Unauthorized');
  });

  it('a liveness probe that keeps killing the container is said with the crash loop', () => {
    const events = [
      { involvedObject: { kind: 'Pod', name: 'front-1' }, reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: Get "http://10.244.0.7:8080/ready": connection refused' },
      { involvedObject: { kind: 'Pod', name: 'front-1' }, reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500' },
      { involvedObject: { kind: 'Pod', name: 'front-1' }, reason: 'Killing', type: 'Normal', message: 'Container web failed liveness probe, will be restarted' },
    ];
    const p = podProblem(pod('front-1', crashLooping({ terminated: { exitCode: 137, reason: 'Error' } }, 4)), events);
    expect(p!.message).toBe('container web keeps crashing (CrashLoopBackOff, last exit code 137; 4 restarts): Liveness probe failed: HTTP probe failed with statuscode: 500');
  });

  it('a volume that cannot be mounted (ContainerCreating): the kubelet event, waited on', () => {
    const creating: PodLike['status'] = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }], containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
    const event = { involvedObject: { kind: 'Pod', name: 'front-11' }, reason: 'FailedMount', type: 'Warning', message: 'MountVolume.SetUp failed for volume "config" : configmap "front-config" not found' };
    expect(podProblem(pod('front-11', creating), [event])).toEqual({ pod: 'front-11', reason: 'FailedMount', message: 'cannot start: MountVolume.SetUp failed for volume "config" : configmap "front-config" not found', fatal: false, wantsLogs: false });
    // Once the container runs, an old mount failure is history.
    const running: PodLike['status'] = { phase: 'Running', conditions: readyConditions, containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] };
    expect(podProblem(pod('front-11', running), [event])).toBeUndefined();
  });

  it('CreateContainerConfigError (a missing Secret) is fatal with the kubelet message', () => {
    const p = podProblem(pod('front-4', { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "front-env" not found' } } }] }));
    expect(p).toMatchObject({ reason: 'CreateContainerConfigError', fatal: true, message: 'container web: secret "front-env" not found' });
  });

  it('an init container crashing is reported before the app container', () => {
    const p = podProblem({ ...pod('front-5', { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 2, lastState: { terminated: { exitCode: 2, reason: 'Error' } }, state: { waiting: { reason: 'CrashLoopBackOff' } } }], containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'PodInitializing' } } }] }) });
    expect(p).toMatchObject({ container: 'migrate', reason: 'CrashLoopBackOff', fatal: true });
  });

  it('Unschedulable: the scheduler message from the PodScheduled condition, else from the FailedScheduling event; not fatal', () => {
    const msg = '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    expect(podProblem(pod('front-6', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg }] }))).toEqual({ pod: 'front-6', reason: 'Unschedulable', message: `cannot be scheduled: ${msg}`, fatal: false, wantsLogs: false });
    const events = [
      { involvedObject: { kind: 'Pod', name: 'other' }, reason: 'FailedScheduling', message: 'not this one' },
      { involvedObject: { kind: 'Pod', name: 'front-7' }, reason: 'FailedScheduling', message: 'old message' },
      { involvedObject: { kind: 'Pod', name: 'front-7' }, reason: 'FailedScheduling', message: msg },
    ];
    expect(podProblem(pod('front-7', { phase: 'Pending' }), events)).toMatchObject({ reason: 'Unschedulable', message: `cannot be scheduled: ${msg}`, fatal: false });
  });

  it('NotReady: running but not ready, with the failing probe from the Unhealthy event; not fatal', () => {
    const status: PodLike['status'] = { phase: 'Running', conditions: notReadyConditions, containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { running: { startedAt: '2026-12-01T10:00:00Z' } } }] };
    expect(podProblem(pod('front-8', status))).toEqual({ pod: 'front-8', container: 'web', reason: 'NotReady', message: 'container web is running but not ready (its readiness probe has not succeeded)', fatal: false, wantsLogs: false });
    const unhealthy = { involvedObject: { kind: 'Pod', name: 'front-8' }, reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' };
    expect(podProblem(pod('front-8', status), [unhealthy])!.message).toBe('container web is running but not ready: Readiness probe failed: HTTP probe failed with statuscode: 503');
  });

  it('a container that just exited (between restarts) is reported but waited on', () => {
    const p = podProblem(pod('front-9', { phase: 'Running', conditions: notReadyConditions, containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }));
    expect(p).toMatchObject({ reason: 'OOMKilled', message: 'container web exited with code 137 (OOMKilled)', fatal: false });
  });

  it('an evicted pod is replaced by its ReplicaSet: reported with the kubelet reason, not fatal', () => {
    const p = podProblem(pod('front-10', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }));
    expect(p).toEqual({ pod: 'front-10', reason: 'Evicted', message: 'pod failed (Evicted): The node was low on resource: memory.', fatal: false, wantsLogs: false });
  });
});

describe('currentPods', () => {
  const rs = (name: string, revision: string, hash: string): ReplicaSetLike => ({ metadata: { name, labels: { 'app.kubernetes.io/name': 'front', 'pod-template-hash': hash }, annotations: { [REV]: revision }, ownerReferences: [{ kind: 'Deployment', name: 'front' }] } });
  const pods = [pod('old-1', crashLooping(), 'old'), pod('new-1', { phase: 'Pending' }, 'new'), { ...pod('other', { phase: 'Running' }), metadata: { name: 'other', labels: { 'app.kubernetes.io/name': 'back', 'pod-template-hash': 'new' } } }];

  it('only the pods of the ReplicaSet of the Deployment\'s revision', () => {
    expect(currentPods(deployment({ revision: '2' }), [rs('front-old', '1', 'old'), rs('front-new', '2', 'new')], pods).map((p) => p.metadata.name)).toEqual(['new-1']);
    expect(currentPods(deployment({ revision: '1' }), [rs('front-old', '1', 'old'), rs('front-new', '2', 'new')], pods).map((p) => p.metadata.name)).toEqual(['old-1']);
  });

  it('none while the revision\'s ReplicaSet is not seen yet (the others are older pods)', () => {
    expect(currentPods(deployment({ revision: '3' }), [rs('front-old', '1', 'old'), rs('front-new', '2', 'new')], pods)).toEqual([]);
  });

  it('a StatefulSet: the pods of its update revision', () => {
    const sts: WorkloadLike = { kind: 'StatefulSet', metadata: { name: 'front' }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'front' } } }, status: { updateRevision: 'front-7d8e' } };
    const a = { ...pod('front-0', {}), metadata: { name: 'front-0', labels: { 'app.kubernetes.io/name': 'front', 'controller-revision-hash': 'front-7d8e' } } };
    const b = { ...pod('front-1', {}), metadata: { name: 'front-1', labels: { 'app.kubernetes.io/name': 'front', 'controller-revision-hash': 'front-6c9f' } } };
    expect(currentPods(sts, [], [a, b]).map((p) => p.metadata.name)).toEqual(['front-0']);
  });
});

describe('rolloutStatus', () => {
  const progressing = { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };

  it('ready when the workload is done, whatever an old pod says', () => {
    expect(rolloutStatus(deployment(), [pod('x', crashLooping())])).toMatchObject({ state: 'ready', desired: 2, available: 2 });
  });

  it('fails at once on a fatal pod reason, naming the pod', () => {
    expect(rolloutStatus(deployment({ status: progressing }), [pod('front-1', crashLooping())])).toEqual({
      state: 'failed',
      message: 'front-1: container web keeps crashing (CrashLoopBackOff, last exit code 1; 3 restarts)',
      desired: 2,
      updated: 1,
      ready: 2,
      available: 2,
      reason: 'CrashLoopBackOff',
      pod: 'front-1',
      container: 'web',
      wantsLogs: true,
    });
  });

  it('keeps progressing on a reason that may pass, and says the worst one (fatal > scheduling > not ready)', () => {
    const notReady = pod('a', { phase: 'Running', conditions: notReadyConditions, containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] });
    const unschedulable = pod('b', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' }] });
    const s = rolloutStatus(deployment({ status: progressing }), [notReady, unschedulable]);
    expect(s).toMatchObject({ state: 'progressing', reason: 'Unschedulable', pod: 'b', message: '1 out of 2 new replicas have been updated; b: cannot be scheduled: 0/2 nodes are available: 2 Insufficient cpu.' });
  });

  it('ignores pods until the controller has observed the new spec (they are the previous revision\'s)', () => {
    // The fix of a crash loop was just applied: generation 3, still observed 2, revision and pods the old ones.
    expect(rolloutStatus(deployment({ generation: 3, status: progressing }), [pod('front-1', crashLooping())])).toEqual({ state: 'progressing', message: 'waiting for the deployment spec update to be observed (generation 3, observed 2)', desired: 2, updated: 1, ready: 2, available: 2 });
  });

  it('ProgressDeadlineExceeded: failed, with the worst pod reason when there is one', () => {
    const status = { ...progressing, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "front-5f6d7c8b9" has timed out progressing.' }] };
    expect(rolloutStatus(deployment({ status }), [])).toMatchObject({ state: 'failed', reason: 'ProgressDeadlineExceeded' });
    const notReady = pod('a', { phase: 'Running', conditions: notReadyConditions, containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] });
    expect(rolloutStatus(deployment({ status }), [notReady])).toMatchObject({ state: 'failed', reason: 'NotReady', message: 'exceeded its progress deadline (ReplicaSet "front-5f6d7c8b9" has timed out progressing.); a: container web is running but not ready (its readiness probe has not succeeded)' });
  });
});

describe('previousTemplate (--rollback-on-failure)', () => {
  const rs = (revision: string, image: string, owner = 'front') => ({
    metadata: { name: `front-${revision}`, annotations: { [REV]: revision }, ownerReferences: [{ kind: 'Deployment', name: owner }] },
    spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'front', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'web', image }] } } },
  });

  it('the highest revision below the current one, without its pod-template-hash', () => {
    const d = { metadata: { name: 'front', annotations: { [REV]: '4' } } };
    const sets = [rs('1', 'a:1'), rs('3', 'a:3'), rs('4', 'a:4'), rs('2', 'a:2'), rs('5', 'other:5', 'back')];
    expect(previousTemplate(d, sets)).toEqual({ revision: 3, template: { metadata: { labels: { 'app.kubernetes.io/name': 'front' } }, spec: { containers: [{ name: 'web', image: 'a:3' }] } } });
    // The ReplicaSet itself is left as it is.
    expect(sets[1]!.spec.template.metadata.labels['pod-template-hash']).toBe('h3');
  });

  it('none on a first deploy', () => {
    expect(previousTemplate({ metadata: { name: 'front', annotations: { [REV]: '1' } } }, [rs('1', 'a:1')])).toBeUndefined();
  });
});
