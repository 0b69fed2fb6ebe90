/**
 * Waiting for a service to reach a state: started, healthy, or completed successfully (the
 * depends_on conditions), or "ready" (running, and healthy where it has a healthcheck: what
 * `up --detach` promises). Fails fast, with the reason a user needs: a container that exited
 * (with its exit code), one that is unhealthy (with the failing probe's output), or a timeout —
 * each with the service's last log lines.
 */
import type Docker from 'dockerode';
import { ServiceFailedError } from '../errors.js';
import type { Emit, ServiceState } from '../events.js';
import { inspectContainer, logTail, type ContainerState } from '../engine/containers.js';

export type WaitCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully' | 'ready';

export interface WaitContext {
  docker: Docker;
  emit: Emit;
  signal: AbortSignal;
  /** Injected so tests need not sleep for real. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  pollMs?: number;
}

const LOG_TAIL = 20;

/**
 * "ready" without a healthcheck: running for this long. A container that crashes right after it
 * starts is reported as exited, not as up, whichever moment the first inspect happens to hit.
 * Long-running containers pass at once (their start time is older); the engine's clock may differ
 * from ours, so a start time in the future is measured from when we first saw it running.
 */
const READY_STABLE_MS = 250;

type Verdict = { done: true } | { done: false; failure?: string };

function verdict(condition: WaitCondition, c: ContainerState, runningFor: number): Verdict {
  const exited = c.status === 'exited' || c.status === 'dead';
  if (condition === 'service_completed_successfully') {
    if (exited) return c.exitCode === 0 ? { done: true } : { done: false, failure: `exited with code ${c.exitCode}${c.oomKilled ? ' (out of memory)' : ''}` };
    return { done: false };
  }
  // A container that exited and will not be restarted never becomes ready.
  if (exited && !willRestart(c)) return { done: false, failure: `exited with code ${c.exitCode}${c.oomKilled ? ' (out of memory)' : ''}` };
  if (c.status === 'created' && c.error) return { done: false, failure: `could not start: ${c.error}` };
  const healthNeeded = condition === 'service_healthy' || (condition === 'ready' && c.health !== undefined);
  if (!healthNeeded) {
    const stable = condition === 'service_started' || runningFor >= READY_STABLE_MS;
    return c.running && !c.restarting && stable ? { done: true } : { done: false };
  }
  if (condition === 'service_healthy' && c.health === undefined) {
    return { done: false, failure: 'has no healthcheck, but a dependency waits for it to be healthy' };
  }
  if (c.health === 'healthy' && c.running) return { done: true };
  if (c.health === 'unhealthy') return { done: false, failure: `is unhealthy${c.lastProbe ? `: ${c.lastProbe.split('\n')[0]}` : ''}` };
  return { done: false };
}

function willRestart(c: ContainerState): boolean {
  return c.restarting || c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped' || (c.restartPolicy === 'on-failure' && c.exitCode !== 0);
}

function stateOf(c: ContainerState): ServiceState {
  if (c.restarting) return 'restarting';
  if (c.status === 'exited' || c.status === 'dead') return 'exited';
  if (c.status === 'created') return 'created';
  if (c.health === 'healthy') return 'healthy';
  if (c.health === 'unhealthy') return 'unhealthy';
  if (c.health === 'starting') return 'starting';
  return 'running';
}

/**
 * Resolves when every given container of the service meets the condition; rejects with a
 * ServiceFailedError when one cannot, or when `timeoutMs` passes.
 */
export async function waitForService(ctx: WaitContext, service: string, containerIds: string[], condition: WaitCondition, timeoutMs: number): Promise<void> {
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = ctx.now ?? Date.now;
  const deadline = now() + timeoutMs;
  const reported = new Map<string, ServiceState>();
  const pending = new Set(containerIds);
  const firstSeenRunning = new Map<string, number>();
  for (;;) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
    for (const id of [...pending]) {
      const c = await inspectContainer(ctx.docker, id);
      if (!c) throw await failure(ctx, service, id, `container ${id.slice(0, 12)} was removed`, false);
      const state = stateOf(c);
      if (reported.get(id) !== state) {
        reported.set(id, state);
        ctx.emit({ type: 'service-state', service, container: c.name, state, ...(state === 'exited' ? { exitCode: c.exitCode } : {}) });
      }
      if (!c.running || c.restarting) firstSeenRunning.delete(id);
      else if (!firstSeenRunning.has(id)) firstSeenRunning.set(id, now());
      const since = firstSeenRunning.get(id);
      const runningFor = since === undefined ? 0 : now() - Math.min(since, c.startedAt ?? since);
      const v = verdict(condition, c, runningFor);
      if (v.done) pending.delete(id);
      else if (v.failure) throw await failure(ctx, service, id, `service "${service}" (${c.name}) ${v.failure}`, c.tty);
    }
    if (pending.size === 0) return;
    if (now() >= deadline) {
      const id = [...pending][0]!;
      const c = await inspectContainer(ctx.docker, id);
      const what = condition === 'service_completed_successfully' ? 'to complete' : condition === 'service_started' ? 'to start' : 'to become healthy';
      const state = c ? `${stateOf(c)}${c.health && c.health !== stateOf(c) ? `, health ${c.health}` : ''}` : 'gone';
      throw await failure(ctx, service, id, `service "${service}" did not ${what.replace(/^to /, '')} within ${Math.round(timeoutMs / 1000)} s (state: ${state}${c?.lastProbe ? `; last probe: ${c.lastProbe.split('\n')[0]}` : ''})`, c?.tty ?? false);
    }
    await sleep(ctx.pollMs ?? 250);
  }
}

async function failure(ctx: WaitContext, service: string, id: string, message: string, tty: boolean): Promise<ServiceFailedError> {
  const tail = await logTail(ctx.docker, id, LOG_TAIL, tty).catch(() => []);
  return new ServiceFailedError(message, service, tail, [`See its full output with \`devspace logs ${service}\`.`]);
}
