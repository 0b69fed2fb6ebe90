/**
 * `devspace up`: build what changed, converge the containers, then either return once every
 * service is ready (--detach) or stream the logs until the services exit or Ctrl-C stops them.
 * Ctrl-C during start-up rolls back what this run created; a second Ctrl-C forces.
 */
import { homedir } from 'node:os';
import type Docker from 'dockerode';
import type { Project } from '../compose/model.js';
import { killContainer, stopContainer } from '../engine/containers.js';
import { ServiceFailedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { converge, stopTimeout, withDependencies, type ImageRef } from '../run/converge.js';
import { rollback, type Journal } from '../run/execute.js';
import { streamProjectLogs } from '../run/logs.js';
import { dependencyOrder } from '../run/plan.js';
import { observeProject, urlsOf } from '../run/snapshot.js';
import { waitForService, type WaitCondition } from '../run/wait.js';
import type { GlobalOptions } from './global-options.js';
import { untilAborted, watchInterrupts, type Interrupts } from './interrupts.js';
import type { Io } from './main.js';
import { prepareImages } from './images-step.js';
import { replicaSpecFor } from './replica-spec.js';
import { loadFromOptions } from './load-options.js';
import { openEngineFromOptions, rendererFor, selectServices } from './session.js';
import type { WatchSession } from '../watch/watch-loop.js';
import { scopeOf, startWatchSession } from './watch-session.js';

export interface UpOptions extends GlobalOptions {
  detach?: boolean;
  watch?: boolean;
  build?: boolean;
  deps?: boolean;
  removeOrphans?: boolean;
  forceRecreate?: boolean;
  waitTimeout?: string;
  poll?: boolean;
}

export const DEFAULT_WAIT_TIMEOUT_S = 120;

export function parseSeconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number of seconds, got "${value}"`);
  return n;
}

export async function runUp(names: string[], opts: UpOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io, names);
  const { project } = loaded;
  const selected = selectServices(loaded, names);
  const services = opts.deps === false ? selected : withDependencies(project, selected);
  const waitTimeoutMs = parseSeconds(opts.waitTimeout, '--wait-timeout', DEFAULT_WAIT_TIMEOUT_S) * 1000;
  const emit = rendererFor(opts, io, services);
  const { docker } = await openEngineFromOptions(opts, io);

  const interrupts = watchInterrupts(() => emit({ type: 'message', level: 'info', text: 'stopping… (press Ctrl-C again to force)' }));
  const journal: Journal = { containers: [], networks: [], volumes: [] };
  const startedAt = Math.floor(Date.now() / 1000);
  try {
    let images: Map<string, ImageRef>;
    let converged: Awaited<ReturnType<typeof converge>>;
    try {
      images = await prepareImages({ docker, emit, signal: interrupts.signal, project, services, force: opts.build === true, env: io.env, home: io.env['HOME'] ?? homedir() });
      converged = await converge(
        { docker, emit, signal: interrupts.signal },
        { project, services, images, removeOrphans: opts.removeOrphans === true, forceRecreate: opts.forceRecreate === true, waitTimeoutMs, replicaSpec: replicaSpecFor(emit) },
        journal,
      );
      if (opts.detach) {
        await waitReady(docker, emit, interrupts.signal, project, services, converged.result.containers, waitTimeoutMs);
      }
    } catch (error) {
      if (!interrupts.signal.aborted) throw error;
      // Interrupted while starting: undo this run's work and stop the rest, then say so.
      interrupts.onForce(() => undefined);
      await rollback(docker, journal, emit);
      await stopProject(docker, project, services, emit, interrupts, false);
      throw new UserError('interrupted: start-up was rolled back; containers of this run were removed', [], [], 130);
    }
    if (opts.detach) return summarise(docker, project, services, emit);
    // Nothing to watch (no develop.watch, no build section): attached mode ends when the containers do.
    const scope = opts.watch === false ? undefined : await scopeOf(loaded, services);
    const watch =
      scope && scope.triggers.length > 0
        ? (onContainers: (services: string[]) => void) => startWatchSession({ docker, emit, io, opts, names, loaded, scope, signal: interrupts.signal, waitTimeoutMs, onContainers })
        : undefined;
    await attach(docker, project, services, emit, interrupts, startedAt, watch);
  } finally {
    interrupts.dispose();
  }
}

/** Conditions for --detach: ready (healthy where there is a healthcheck), or completed for one-shot dependencies. */
async function waitReady(docker: Docker, emit: Emit, signal: AbortSignal, project: Project, services: string[], containers: Map<string, string[]>, timeoutMs: number): Promise<void> {
  const oneShot = new Set<string>();
  for (const s of services) {
    for (const [dep, d] of Object.entries(project.services[s]?.depends_on ?? {})) if (d.condition === 'service_completed_successfully') oneShot.add(dep);
  }
  await Promise.all(
    services.map((s) => {
      const condition: WaitCondition = oneShot.has(s) ? 'service_completed_successfully' : 'ready';
      return waitForService({ docker, emit, signal }, s, containers.get(s) ?? [], condition, timeoutMs);
    }),
  );
}

async function summarise(docker: Docker, project: Project, services: string[], emit: Emit): Promise<void> {
  const snapshot = await observeProject(docker, project.name);
  for (const c of snapshot.containers.filter((c) => services.includes(c.service)).sort((a, b) => a.name.localeCompare(b.name))) {
    const urls = urlsOf(c);
    emit({ type: 'message', level: 'info', text: `${c.name}: ${c.status}${urls.length > 0 ? `  ${urls.join(' ')}` : ''}` });
  }
}

/**
 * Attached mode: logs until every container has exited, or until Ctrl-C stops them. While
 * watching, containers that a rebuild or reload creates are followed too, and only Ctrl-C ends it.
 */
async function attach(docker: Docker, project: Project, services: string[], emit: Emit, interrupts: Interrupts, since: number, watch?: (onContainers: (services: string[]) => void) => Promise<WatchSession>): Promise<void> {
  const logsDone = new AbortController();
  const followed = new Set<string>();
  const resumeAt = new Map<string, number>();
  let current = services;
  // A container is followed until its log stream ends for good; restarted by the watch, it is picked up again.
  const follow = async () => {
    const snapshot = await observeProject(docker, project.name);
    const fresh = snapshot.containers.filter((c) => current.includes(c.service) && !followed.has(c.id));
    const exits = Promise.all(
      fresh.map(async (c) => {
        followed.add(c.id);
        const from = resumeAt.get(c.id) ?? since - 1;
        const [exit] = await streamProjectLogs(docker, [c], { follow: true, since: from, timestamps: false }, emit, logsDone.signal);
        followed.delete(c.id);
        resumeAt.set(c.id, Date.now() / 1000);
        return exit!;
      }),
    );
    return { fresh, exits };
  };
  const initial = await follow();
  // Report readiness as it happens; failures here are shown, not fatal: the logs say the rest.
  for (const s of services) {
    const ids = initial.fresh.filter((c) => c.service === s).map((c) => c.id);
    waitForService({ docker, emit, signal: logsDone.signal }, s, ids, 'ready', 24 * 3600 * 1000).catch((error: unknown) => {
      if (!logsDone.signal.aborted && error instanceof ServiceFailedError) emit({ type: 'message', level: 'error', text: error.message });
    });
  }
  let stopping: Promise<void> | undefined;
  interrupts.signal.addEventListener('abort', () => (stopping = stopProject(docker, project, current, emit, interrupts, true)), { once: true });
  if (watch) {
    // Nobody awaits these streams while watching: a failure is said, not left to crash the process.
    const lost = (error: unknown) => {
      if (!logsDone.signal.aborted) emit({ type: 'message', level: 'error', text: `log stream lost: ${error instanceof Error ? error.message : String(error)}` });
    };
    initial.exits.catch(lost);
    const session = await watch((next) => {
      current = next;
      follow().then((f) => f.exits).catch(lost);
    });
    await untilAborted(interrupts.signal);
    await session.stop();
    logsDone.abort();
    return stopping;
  }
  const exits = await initial.exits;
  logsDone.abort();
  if (stopping) return stopping;
  const failed = exits.filter((e) => e.exitCode !== 0);
  if (failed.length > 0) {
    throw new UserError(`${failed.map((f) => `${f.container} exited with code ${f.exitCode}`).join(', ')}`, [`See the output above, or \`devspace logs ${failed[0]!.service}\`.`]);
  }
}

/** Stops the services' containers, dependents first; a second Ctrl-C kills them instead. */
async function stopProject(docker: Docker, project: Project, services: string[], emit: Emit, interrupts: Interrupts, allowForce: boolean): Promise<void> {
  const snapshot = await observeProject(docker, project.name);
  const running = snapshot.containers.filter((c) => services.includes(c.service) && (c.state === 'running' || c.state === 'restarting'));
  if (allowForce) {
    interrupts.onForce(() => {
      emit({ type: 'message', level: 'warn', text: 'forcing: killing containers' });
      for (const c of running) void killContainer(docker, c.id);
    });
  }
  const graph = services.map((name) => ({ name, dependsOn: Object.keys(project.services[name]?.depends_on ?? {}).map((service) => ({ service })) }));
  const order = dependencyOrder(graph).map((s) => s.name).reverse();
  for (const s of order) {
    await Promise.all(
      running
        .filter((c) => c.service === s)
        .map(async (c) => {
          await stopContainer(docker, c.id, stopTimeout(project.services[s]));
          emit({ type: 'container', service: s, name: c.name, action: 'stop', cause: 'Ctrl-C' });
        }),
    );
  }
}
