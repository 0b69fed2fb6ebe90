/**
 * Waits for one workload to roll out, from the namespace cache's watches (no polling): every
 * change recomputes the pure rolloutStatus and emits a `rollout` event when what it says changed.
 * A crash loop fetches the previous container's last log lines once per restart. Ends ready,
 * failed (a fatal pod reason, ProgressDeadlineExceeded, or our deadline) or aborted.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { Emit, RolloutState } from '../../events.js';
import { errorMessage } from './api-error.js';
import type { NamespaceCache } from './namespace-cache.js';
import { currentPods, rolloutStatus, workloadStatus, type RolloutStatus } from './rollout.js';

export interface RolloutTarget {
  service: string;
  kind: string;
  name: string;
  /** The generation our apply produced: until the cache shows it, what it holds is the old spec. */
  minGeneration: number;
  timeoutMs: number;
}

export interface RolloutResult extends RolloutStatus {
  service: string;
  workload: string;
  logs?: string[];
  /** The wait was ended by StopWaiting before a verdict: state is still 'progressing'. */
  stopped?: boolean;
}

/**
 * Abort reason that ends a wait without an error: the wait resolves with what it last saw, marked
 * `stopped`. For a deploy whose other service already failed: its user wants the verdict now, not
 * when the slowest sibling reaches the deadline.
 */
export class StopWaiting extends Error {
  override readonly name = 'StopWaiting';
}

const LOG_LINES = 10;
/** The API server proxies logs from the kubelet; one that does not answer must not hold the verdict. */
const LOG_TIMEOUT_MS = 3000;

/** The last lines the crashed container printed (`previous`), or why there are none. */
export async function previousLogs(core: CoreV1Api, namespace: string, pod: string, container: string | undefined, timeoutMs = LOG_TIMEOUT_MS): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const text = await Promise.race([core.readNamespacedPodLog({ name: pod, namespace, ...(container && { container }), previous: true, tailLines: LOG_LINES }), timeout]);
    const lines = String(text ?? '').split('\n').filter((l) => l !== '');
    return lines.length > 0 ? lines : ['(the crashed container printed nothing)'];
  } catch (error) {
    return [`(no log of the crashed container: ${errorMessage(error).slice(0, 200)})`];
  } finally {
    clearTimeout(timer);
  }
}

export function waitForRollout(cache: NamespaceCache, core: CoreV1Api, target: RolloutTarget, emit: Emit, signal?: AbortSignal, state: RolloutState = 'progressing'): Promise<RolloutResult> {
  return new Promise<RolloutResult>((resolve, reject) => {
    let lastKey = '';
    let last: RolloutResult | undefined;
    const logs = new Map<string, string[]>();
    const fetching = new Set<string>();
    let done = false;
    let seenOurs = false;
    const kind = target.kind.toLowerCase();
    const workloadName = `${kind}/${target.name}`;
    /** Counts before anything of the workload is seen. */
    const nothing = { desired: 0, updated: 0, ready: 0, available: 0 };
    const finish = (result: RolloutResult | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const report = (status: RolloutStatus, podLogs?: string[]) => {
      const result: RolloutResult = { ...status, service: target.service, workload: workloadName, ...(podLogs && { logs: podLogs }) };
      last = result;
      const shown = status.state === 'ready' && state === 'rolled-back' ? 'rolled-back' : status.state;
      const key = JSON.stringify([shown, status.message, status.desired, status.updated, status.ready, status.available, status.reason, podLogs?.length]);
      if (key !== lastKey) {
        lastKey = key;
        emit({ type: 'rollout', service: target.service, workload: result.workload, state: shown, desired: status.desired, updated: status.updated, ready: status.ready, available: status.available, message: status.message, ...(status.reason && { reason: status.reason }), ...(status.pod && { pod: status.pod }), ...(podLogs && { logs: podLogs }) });
      }
      if (status.state !== 'progressing') finish(result);
    };
    const check = () => {
      if (done) return;
      const seen = cache.workload(target.kind, target.name);
      // Items of a list carry no kind (only watch events do): a StatefulSet must not be read as a
      // Deployment, nor a ReplicaSet's owner fail to match, because the object came from the first list.
      const workload = seen && { ...seen, kind: target.kind };
      if (!workload) {
        // Seen with our spec, then gone: deleted under us (by hand, or with its namespace); nothing will bring it back.
        if (seenOurs) return report({ state: 'failed', ...nothing, reason: 'Deleted', message: `${workloadName} was deleted while devspace waited for it` });
        return report({ state: 'progressing', ...nothing, message: `waiting for the ${kind} to be seen` });
      }
      if ((workload.metadata.generation ?? 0) < target.minGeneration) {
        // The watch has not brought our apply yet: the counts are the previous spec's.
        const { desired, updated, ready, available } = workloadStatus(workload);
        return report({ state: 'progressing', desired, updated, ready, available, message: `waiting for the applied ${kind} spec to be seen` });
      }
      seenOurs = true;
      const pods = currentPods(workload, cache.replicaSets, cache.pods);
      const status = rolloutStatus(workload, pods, cache.events);
      if (!status.wantsLogs || !status.pod) return report(status);
      // Once per pod and restart count: a crash loop repeats, its logs need fetching only when they change.
      const pod = pods.find((p) => p.metadata.name === status.pod);
      const restarts = pod?.status?.containerStatuses?.find((c) => c.name === status.container)?.restartCount ?? 0;
      const key = `${status.pod}/${status.container ?? ''}/${restarts}`;
      const known = logs.get(key);
      if (known) return report(status, known);
      if (fetching.has(key)) return;
      fetching.add(key);
      void previousLogs(core, cache.namespace, status.pod, status.container).then((lines) => {
        logs.set(key, lines);
        check();
      });
    };
    const onAbort = () => {
      const reason: unknown = signal?.reason;
      if (reason instanceof StopWaiting) {
        return finish({ ...(last ?? { state: 'progressing', ...nothing, message: 'not seen yet', service: target.service, workload: workloadName }), stopped: true });
      }
      finish(reason instanceof Error ? reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      const seconds = Number((target.timeoutMs / 1000).toFixed(1));
      const base = last ?? { state: 'failed' as const, ...nothing, message: '', service: target.service, workload: workloadName };
      const why = base.message ? `: ${base.message}` : '';
      report({ ...base, state: 'failed', reason: base.reason ?? 'Timeout', message: `not rolled out after ${seconds} s${why}` }, base.logs);
    }, target.timeoutMs);
    const unsubscribe = cache.onChange(check);
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) return onAbort();
    check();
  });
}
