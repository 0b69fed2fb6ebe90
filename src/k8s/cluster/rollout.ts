/**
 * Rollout status as a pure function of what the API says: a workload (Deployment or
 * StatefulSet), its current pods and their events. The workload's part follows kubectl's
 * `rollout status` (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go); on top of it, the
 * pods of the new revision say WHY a rollout does not progress, so a crash loop or a wrong image is
 * reported seconds after the kubelet says so instead of at the deadline.
 */
import type { RolloutState } from '../../events.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface WorkloadLike {
  kind: string;
  metadata: { name: string; uid?: string; generation?: number; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    progressDeadlineSeconds?: number;
    selector?: { matchLabels?: Record<string, string> };
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
  };
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

export interface ContainerStatusLike {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface PodLike {
  metadata: { name: string; uid?: string; labels?: Record<string, string>; deletionTimestamp?: string | Date; ownerReferences?: { kind: string; name: string; uid?: string }[] };
  spec?: { containers?: { name: string; image?: string }[] };
  status?: { phase?: string; reason?: string; message?: string; conditions?: Condition[]; containerStatuses?: ContainerStatusLike[]; initContainerStatuses?: ContainerStatusLike[] };
}

export interface ReplicaSetLike {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid?: string }[] };
}

export interface EventLike {
  involvedObject?: { kind?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
}

/** Why a pod is not ready. `fatal` reasons fail the rollout at once; the others are reported while waiting. */
export interface PodProblem {
  pod: string;
  container?: string;
  reason: string;
  message: string;
  fatal: boolean;
  /** CrashLoopBackOff: the driver fetches the previous container's last log lines. */
  wantsLogs: boolean;
}

export interface RolloutStatus {
  state: Exclude<RolloutState, 'rolled-back'>;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  message: string;
  reason?: string;
  pod?: string;
  container?: string;
  wantsLogs?: boolean;
}

/** Reasons a container waits in that will not go away by waiting. */
const FATAL_WAITING = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const STUCK_EVENTS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox']);
const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);

const condition = (conditions: Condition[] | undefined, type: string) => conditions?.find((c) => c.type === type);

/** The first reason a pod is not ready, or undefined for a ready (or terminating) pod. */
export function podProblem(pod: PodLike, events: EventLike[] = []): PodProblem | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const name = pod.metadata.name;
  const status = pod.status ?? {};
  const mine = events.filter((e) => e.involvedObject?.name === name && (e.involvedObject.kind ?? 'Pod') === 'Pod');
  const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    if (!waiting?.reason || waiting.reason === 'ContainerCreating' || waiting.reason === 'PodInitializing') continue;
    const image = c.image ?? pod.spec?.containers?.find((s) => s.name === c.name)?.image ?? '?';
    if (IMAGE_REASONS.has(waiting.reason)) {
      const detail = waiting.message ?? mine.find((e) => e.reason === 'Failed' && /image/i.test(e.message ?? ''))?.message;
      return { pod: name, container: c.name, reason: waiting.reason, message: `cannot pull image "${image}" (${waiting.reason})${detail ? `: ${detail}` : ''}`, fatal: FATAL_WAITING.has(waiting.reason), wantsLogs: false };
    }
    if (waiting.reason === 'CrashLoopBackOff') {
      const last = c.lastState?.terminated;
      const exit = last?.exitCode !== undefined ? `last exit code ${last.exitCode}` : 'exited';
      const why = last?.reason && last.reason !== 'Error' ? `, ${last.reason}` : '';
      // A liveness (or startup) probe that kills the container says more than its exit code.
      const probe = [...mine].reverse().find((e) => e.reason === 'Unhealthy' && /^(Liveness|Startup) probe failed/.test(e.message ?? ''));
      const said = last?.message ? `: ${last.message.trim()}` : probe?.message ? `: ${probe.message.trim()}` : '';
      return { pod: name, container: c.name, reason: 'CrashLoopBackOff', message: `container ${c.name} keeps crashing (CrashLoopBackOff, ${exit}${why}; ${c.restartCount ?? 0} restart${c.restartCount === 1 ? '' : 's'})${said}`, fatal: true, wantsLogs: true };
    }
    return { pod: name, container: c.name, reason: waiting.reason, message: `container ${c.name}: ${waiting.message ?? waiting.reason}`, fatal: FATAL_WAITING.has(waiting.reason), wantsLogs: false };
  }
  // Stuck before its containers start (ContainerCreating): a volume that cannot be mounted (a
  // ConfigMap or Secret that is not there), a sandbox that cannot be made. The kubelet retries, so
  // it is waited on, but said.
  const stuck = [...mine].reverse().find((e) => e.type === 'Warning' && STUCK_EVENTS.has(e.reason ?? ''));
  if (stuck && !statuses.some((c) => c.state?.running || c.state?.terminated)) {
    return { pod: name, reason: stuck.reason!, message: `cannot start: ${stuck.message ?? stuck.reason}`, fatal: false, wantsLogs: false };
  }
  const scheduled = condition(status.conditions, 'PodScheduled');
  if (status.phase === 'Pending' && scheduled?.status === 'False') {
    const event = [...mine].reverse().find((e) => e.reason === 'FailedScheduling');
    return { pod: name, reason: scheduled.reason ?? 'Unschedulable', message: `cannot be scheduled: ${scheduled.message ?? event?.message ?? 'no node fits'}`, fatal: false, wantsLogs: false };
  }
  if (status.phase === 'Pending') {
    const event = [...mine].reverse().find((e) => e.reason === 'FailedScheduling');
    if (event) return { pod: name, reason: 'Unschedulable', message: `cannot be scheduled: ${event.message ?? ''}`, fatal: false, wantsLogs: false };
    return undefined;
  }
  // Evicted, preempted, node shut down: the ReplicaSet replaces such a pod, so it is not the rollout's verdict.
  if (status.phase === 'Failed') return { pod: name, reason: status.reason ?? 'Failed', message: `pod failed${status.reason ? ` (${status.reason})` : ''}${status.message ? `: ${status.message}` : ''}`, fatal: false, wantsLogs: false };
  const ready = condition(status.conditions, 'Ready');
  if (status.phase === 'Running' && ready?.status === 'False') {
    const running = statuses.find((c) => c.state?.running && c.ready === false);
    if (running) {
      const probe = [...mine].reverse().find((e) => e.reason === 'Unhealthy');
      return { pod: name, container: running.name, reason: 'NotReady', message: `container ${running.name} is running but not ready${probe?.message ? `: ${probe.message}` : ' (its readiness probe has not succeeded)'}`, fatal: false, wantsLogs: false };
    }
    const failed = statuses.find((c) => c.state?.terminated && c.state.terminated.exitCode !== 0);
    const exit = failed?.state?.terminated;
    if (failed && exit) {
      const why = exit.reason && exit.reason !== 'Error' ? ` (${exit.reason})` : '';
      return { pod: name, container: failed.name, reason: exit.reason ?? 'Error', message: `container ${failed.name} exited with code ${exit.exitCode}${why}`, fatal: false, wantsLogs: false };
    }
  }
  return undefined;
}

const matches = (labels: Record<string, string> | undefined, selector: Record<string, string> | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

/**
 * The pods of the workload's current revision: those of the Deployment's newest ReplicaSet (its
 * revision annotation equals the Deployment's), or of the StatefulSet's updateRevision. Old pods
 * being replaced or scaled down (after a rollback, the failing ones) do not speak for the rollout.
 */
export function currentPods(workload: WorkloadLike, replicaSets: ReplicaSetLike[], pods: PodLike[]): PodLike[] {
  const own = pods.filter((p) => matches(p.metadata.labels, workload.spec?.selector?.matchLabels) && !p.metadata.deletionTimestamp);
  if (workload.kind === 'StatefulSet') {
    const revision = workload.status?.updateRevision;
    return revision ? own.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision) : own;
  }
  const revision = workload.metadata.annotations?.['deployment.kubernetes.io/revision'];
  if (!revision) return own;
  const rs = replicaSets.find((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision && (r.metadata.ownerReferences ?? []).some((o) => o.kind === workload.kind && o.name === workload.metadata.name));
  // The revision's ReplicaSet not seen yet: no pod is known to be of it (the others are older ones).
  const hash = rs?.metadata.labels?.['pod-template-hash'];
  return hash ? own.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash) : [];
}

/** kubectl's verdict on the workload alone: done, failed (deadline), or what it is waiting for. */
export function workloadStatus(w: WorkloadLike): { done: boolean; failed: boolean; message: string; desired: number; updated: number; ready: number; available: number } {
  const s = w.status ?? {};
  const desired = w.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const counts = { desired, updated, ready, available };
  const observed = s.observedGeneration ?? 0;
  const generation = w.metadata.generation ?? 0;
  if (w.kind === 'StatefulSet') {
    if (observed === 0 || generation > observed) return { done: false, failed: false, message: `waiting for the statefulset spec update to be observed (generation ${generation}, observed ${observed})`, ...counts };
    if (ready < desired) return { done: false, failed: false, message: `waiting for ${desired - ready} pod${desired - ready === 1 ? '' : 's'} to be ready`, ...counts };
    if (w.spec?.updateStrategy?.type === 'OnDelete') return { done: true, failed: false, message: 'ready (OnDelete: pods are replaced when deleted)', ...counts };
    const partition = w.spec?.updateStrategy?.rollingUpdate?.partition;
    if (partition !== undefined && partition > 0) {
      if (updated < desired - partition) return { done: false, failed: false, message: `waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated`, ...counts };
      return { done: true, failed: false, message: `partitioned roll out complete: ${updated} new pods have been updated`, ...counts };
    }
    if (s.updateRevision !== s.currentRevision) return { done: false, failed: false, message: `waiting for the rolling update to complete: ${updated} pods at revision ${s.updateRevision ?? '?'}`, ...counts };
    return { done: true, failed: false, message: `successfully rolled out (${ready}/${desired} ready)`, ...counts };
  }
  if (generation > observed) return { done: false, failed: false, message: `waiting for the deployment spec update to be observed (generation ${generation}, observed ${observed})`, ...counts };
  const progressing = condition(s.conditions, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, failed: true, message: `exceeded its progress deadline${progressing.message ? ` (${progressing.message})` : ''}`, ...counts };
  if (updated < desired) return { done: false, failed: false, message: `${updated} out of ${desired} new replicas have been updated`, ...counts };
  if ((s.replicas ?? 0) > updated) {
    const old = (s.replicas ?? 0) - updated;
    return { done: false, failed: false, message: `${old} old replica${old === 1 ? ' is' : 's are'} pending termination`, ...counts };
  }
  if (available < updated) return { done: false, failed: false, message: `${available} of ${updated} updated replicas are available`, ...counts };
  return { done: true, failed: false, message: `successfully rolled out (${available}/${desired} available)`, ...counts };
}

const severity = (p: PodProblem) => (p.fatal ? 0 : p.reason === 'NotReady' ? 2 : 1);

/**
 * The rollout's state: ready when kubectl would say so; failed at the progress deadline or as soon
 * as a pod of the new revision is in a state waiting will not fix (CrashLoopBackOff,
 * ImagePullBackOff, …); else progressing, with the reason of the worst pod that is not ready.
 */
export function rolloutStatus(workload: WorkloadLike, pods: PodLike[], events: EventLike[] = []): RolloutStatus {
  const w = workloadStatus(workload);
  const counts = { desired: w.desired, updated: w.updated, ready: w.ready, available: w.available };
  if (w.done) return { state: 'ready', message: w.message, ...counts };
  // Until the controller has seen the new spec, the revision and its pods are the previous ones:
  // a crash loop of the version being replaced must not fail the deploy that fixes it.
  if ((workload.metadata.generation ?? 0) > (workload.status?.observedGeneration ?? 0)) return { state: 'progressing', message: w.message, ...counts };
  const problems = pods.map((p) => podProblem(p, events)).filter((p): p is PodProblem => p !== undefined).sort((a, b) => severity(a) - severity(b));
  const worst = problems[0];
  const because = worst ? { reason: worst.reason, pod: worst.pod, ...(worst.container && { container: worst.container }), ...(worst.wantsLogs && { wantsLogs: true }) } : {};
  if (w.failed) return { state: 'failed', message: worst ? `${w.message}; ${worst.pod}: ${worst.message}` : w.message, ...counts, ...because, ...(!worst && { reason: 'ProgressDeadlineExceeded' }) };
  if (worst?.fatal) return { state: 'failed', message: `${worst.pod}: ${worst.message}`, ...counts, ...because };
  if (worst) return { state: 'progressing', message: `${w.message}; ${worst.pod}: ${worst.message}`, ...counts, ...because };
  return { state: 'progressing', message: w.message, ...counts };
}
