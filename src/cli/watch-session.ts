/**
 * Wires the watch stage to the build and run stages: what a rebuild is (images step + converge of
 * that one service + wait until ready), what a reload of the compose file is (load + converge
 * the difference), and how failures read. Shared by `up` (attached) and `devspace watch`.
 */
import { homedir } from 'node:os';
import type Docker from 'dockerode';
import type { LoadedProject } from '../compose/model.js';
import type { Emit } from '../events.js';
import { converge, withDependencies } from '../run/converge.js';
import type { Journal } from '../run/execute.js';
import { waitForService } from '../run/wait.js';
import { serviceTriggers } from '../watch/triggers.js';
import { startWatch, type WatchScope, type WatchSession } from '../watch/watch-loop.js';
import { formatError } from './format-error.js';
import type { GlobalOptions } from './global-options.js';
import { prepareImages } from './images-step.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { replicaSpecFor } from './replica-spec.js';
import { selectServices } from './session.js';

export interface WatchSessionInput {
  docker: Docker;
  emit: Emit;
  io: Io;
  opts: GlobalOptions & { deps?: boolean; removeOrphans?: boolean; poll?: boolean };
  /** Service names from the command line (empty: all). */
  names: string[];
  loaded: LoadedProject;
  /** The scope already computed for `loaded` (else computed here). */
  scope?: WatchScope;
  signal: AbortSignal;
  waitTimeoutMs: number;
  /** Called after containers of a service were created or replaced (attached mode follows their logs). */
  onContainers?: (services: string[]) => void;
  /** Called with the project after a reload of the compose file (the terminal UI's keys act on it). */
  onLoaded?: (loaded: LoadedProject) => void;
}

export async function scopeOf(loaded: LoadedProject, services: string[]): Promise<WatchScope> {
  return { projectName: loaded.project.name, services, triggers: await serviceTriggers(loaded.project, services), sources: loaded.sources };
}

export async function startWatchSession(input: WatchSessionInput): Promise<WatchSession> {
  const { docker, emit, io, opts } = input;
  let loaded = input.loaded;
  const servicesOf = (l: LoadedProject) => {
    const selected = selectServices(l, input.names);
    return opts.deps === false ? selected : withDependencies(l.project, selected);
  };
  const env = io.env;
  const home = io.env['HOME'] ?? homedir();
  const journal = (): Journal => ({ containers: [], networks: [], volumes: [] });

  const session = startWatch({
    docker,
    emit,
    signal: input.signal,
    poll: opts.poll === true,
    scope: input.scope ?? (await scopeOf(loaded, servicesOf(loaded))),
    onRestarted: () => input.onContainers?.(servicesOf(loaded)),
    describe: (error) => formatError(error, io.cwd).text.replace(/^error: /, '').trimEnd(),
    rebuild: async (service, signal) => {
      const { project } = loaded;
      if (!project.services[service]?.build) throw new Error(`service "${service}" has no build section, so a rebuild rule cannot apply; use sync or restart`);
      const images = await prepareImages({ docker, emit, signal, project, services: [service], force: false, env, home });
      const { plan, result } = await converge(
        { docker, emit, signal },
        { project, services: [service], images, removeOrphans: false, forceRecreate: false, waitTimeoutMs: input.waitTimeoutMs, replicaSpec: replicaSpecFor(emit) },
        journal(),
      );
      const changed = plan.services.some((s) => s.operations.some((op) => op.kind !== 'keep'));
      if (!changed) return 'unchanged';
      input.onContainers?.(servicesOf(loaded));
      await waitForService({ docker, emit, signal }, service, result.containers.get(service) ?? [], 'ready', input.waitTimeoutMs);
      return 'rebuilt';
    },
    reload: async (signal) => {
      const next = loadFromOptions(opts, io, input.names);
      const services = servicesOf(next);
      const removed = Object.keys(loaded.project.services).filter((s) => !(s in next.project.services));
      const images = await prepareImages({ docker, emit, signal, project: next.project, services, force: false, env, home });
      // A service deleted from the file while watching goes away with it.
      await converge(
        { docker, emit, signal },
        { project: next.project, services, images, removeOrphans: opts.removeOrphans === true || removed.length > 0, forceRecreate: false, waitTimeoutMs: input.waitTimeoutMs, replicaSpec: replicaSpecFor(emit) },
        journal(),
      );
      loaded = next;
      input.onLoaded?.(next);
      input.onContainers?.(services);
      return scopeOf(next, services);
    },
  });
  return session;
}

export interface RebuildRequest {
  docker: Docker;
  emit: Emit;
  io: Io;
  loaded: LoadedProject;
  signal: AbortSignal;
  waitTimeoutMs: number;
  onContainers?: (services: string[]) => void;
}

/**
 * A rebuild the user asked for (the terminal UI's `r`): unlike a watch rule's, it builds even when
 * the inputs look unchanged and recreates the service's containers, then waits until they are ready.
 */
export async function rebuildOnRequest(input: RebuildRequest, service: string): Promise<void> {
  const { docker, emit, io, signal } = input;
  const { project } = input.loaded;
  if (!project.services[service]) throw new Error(`service "${service}" is no longer in the compose file`);
  const startedAt = Date.now();
  const images = await prepareImages({ docker, emit, signal, project, services: [service], force: project.services[service]?.build !== undefined, env: io.env, home: io.env['HOME'] ?? homedir() });
  const { result } = await converge(
    { docker, emit, signal },
    { project, services: [service], images, removeOrphans: false, forceRecreate: true, waitTimeoutMs: input.waitTimeoutMs, replicaSpec: replicaSpecFor(emit) },
    { containers: [], networks: [], volumes: [] },
  );
  input.onContainers?.([service]);
  await waitForService({ docker, emit, signal }, service, result.containers.get(service) ?? [], 'ready', input.waitTimeoutMs);
  emit({ type: 'message', level: 'info', text: `${service} rebuilt and ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s` });
}
