/**
 * `devspace up`: build what changed, converge the containers, then either return once every
 * service is ready (--detach) or stream the logs until the services exit or Ctrl-C stops them.
 * Ctrl-C during start-up rolls back what this run created; a second Ctrl-C forces.
 */
import { homedir } from 'node:os';
import type Docker from 'dockerode';
import type { Project } from '../compose/model.js';
import { killContainer, restartContainer, stopContainer } from '../engine/containers.js';
import { ServiceFailedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Tui, TuiActions } from '../ui/tui/start-tui.js';
import { converge, stopTimeout, withDependencies, type ImageRef } from '../run/converge.js';
import { rollback, type Journal } from '../run/execute.js';
import { streamProjectLogs } from '../run/logs.js';
import { dependencyOrder } from '../run/plan.js';
import { observeProject, urlsOf } from '../run/snapshot.js';
import { waitForService, type WaitCondition } from '../run/wait.js';
import type { GlobalOptions } from './global-options.js';
import { formatError } from './format-error.js';
import { InterruptedError, untilAborted, watchInterrupts, type Interrupts } from './interrupts.js';
import type { Io } from './main.js';
import { prepareImages } from './images-step.js';
import { replicaSpecFor } from './replica-spec.js';
import { loadFromOptions } from './load-options.js';
import { openEngineFromOptions, rendererFor, rendererKind, selectServices } from './session.js';
import type { WatchSession } from '../watch/watch-loop.js';
import { rebuildOnRequest, scopeOf, startWatchSession } from './watch-session.js';
import type { LoadedProject } from '../compose/model.js';

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
  // The terminal UI when both ends are a terminal (not for --detach, which returns at once).
  const tui = !opts.detach && rendererKind(opts, io, process.stdin.isTTY === true) === 'tui' ? await startUpTui(project, services, io) : undefined;
  const emit = tui?.tui.emit ?? rendererFor(opts, io, services);
  try {
    return await upWith(names, opts, io, loaded, services, waitTimeoutMs, emit, tui?.controls);
  } finally {
    await tui?.tui.stop();
  }
}

async function upWith(names: string[], opts: UpOptions, io: Io, loaded: LoadedProject, services: string[], waitTimeoutMs: number, emit: Emit, controls?: UiControls): Promise<void> {
  const { project } = loaded;
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
    if (controls) {
      const snapshot = await observeProject(docker, project.name);
      for (const s of services) controls.setUrls(s, snapshot.containers.filter((c) => c.service === s).flatMap(urlsOf));
    }
    // Nothing to watch (no develop.watch, no build section): attached mode ends when the containers do.
    const scope = opts.watch === false ? undefined : await scopeOf(loaded, services);
    const watch =
      scope && scope.triggers.length > 0
        ? (onContainers: (services: string[]) => void) => startWatchSession({ docker, emit, io, opts, names, loaded, scope, signal: interrupts.signal, waitTimeoutMs, onContainers, onLoaded: (next) => (current = next) })
        : undefined;
    let current = loaded;
    const attached = attach(docker, project, services, emit, interrupts, startedAt, watch, controls !== undefined);
    if (controls) {
      const request = () => ({ docker, emit, io, loaded: current, signal: interrupts.signal, waitTimeoutMs, onContainers: attached.follow });
      controls.bind({
        rebuild: (service) => rebuildOnRequest(request(), service),
        restart: async (service) => {
          const snapshot = await observeProject(docker, project.name);
          const containers = snapshot.containers.filter((c) => c.service === service);
          if (containers.length === 0) throw new Error(`${service} has no containers to restart`);
          await Promise.all(containers.map((c) => restartContainer(docker, c.id)));
          for (const c of containers) emit({ type: 'container', service, name: c.name, action: 'start', cause: 'restarted from the terminal UI' });
          attached.follow([service]);
          await waitForService({ docker, emit, signal: interrupts.signal }, service, containers.map((c) => c.id), 'ready', waitTimeoutMs);
        },
        toggleWatch: attached.toggleWatch,
        deploy: async () => {
          const { deployProject, timeoutSeconds } = await import('./deploy-command.js');
          const started = Date.now();
          const seconds = timeoutSeconds(undefined, current);
          const outcome = await deployProject({ loaded: current, services: names, ...(seconds !== undefined && { timeoutSeconds: seconds }), env: io.env, homeDir: io.env['HOME'] ?? homedir(), cwd: io.cwd, emit, signal: interrupts.signal, openEngine: () => openEngineFromOptions(opts, io) });
          const ready = outcome.results.map((r) => `${r.service} ${r.ready}/${r.desired}`).join(', ');
          emit({ type: 'message', level: 'info', text: `deployed ${outcome.rendered.project} to ${outcome.contextName}/${outcome.rendered.namespace} in ${((Date.now() - started) / 1000).toFixed(1)} s${ready ? ` (ready: ${ready})` : ''}` });
        },
      });
    }
    await attached.done;
  } finally {
    interrupts.dispose();
  }
}

interface UiControls {
  setUrls(service: string, urls: string[]): void;
  bind(actions: Omit<TuiActions, 'open' | 'quit'>): void;
}

/**
 * Starts the terminal UI for `up`. Its keys act through functions bound once the engine is open
 * and the services run (until then they say so); q quits exactly as Ctrl-C does: through SIGINT,
 * so the same handler stops the services (and a second q or Ctrl-C forces).
 */
async function startUpTui(project: Project, services: string[], io: Io): Promise<{ tui: Tui; controls: UiControls }> {
  // Ink's colours (chalk) ignore NO_COLOR and read FORCE_COLOR once, when Ink loads, which is next.
  if (io.env['NO_COLOR'] !== undefined) process.env['FORCE_COLOR'] = '0';
  const { startTui } = await import('../ui/tui/start-tui.js');
  let bound: Omit<TuiActions, 'open' | 'quit'> | undefined;
  const ready = () => {
    if (!bound) throw new Error('not ready yet: the services are starting');
    return bound;
  };
  // Failures read as on the command line (message, then → next steps), without "error: ".
  const described = async <T>(action: () => Promise<T>, hint?: string): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof InterruptedError || (error instanceof Error && error.name === 'AbortError')) throw new Error('stopped: devspace is quitting');
      const text = formatError(error, io.cwd).text.replace(/^error: /, '').trimEnd();
      throw new Error(error instanceof UserError && hint ? `${text}\n  → ${hint}` : text);
    }
  };
  const actions: TuiActions = {
    rebuild: (service) => described(() => ready().rebuild(service)),
    restart: (service) => described(() => ready().restart(service)),
    toggleWatch: () => described(() => ready().toggleWatch()),
    // `up` has no deploy flags: d deploys as `devspace deploy` without any would.
    deploy: () => described(() => ready().deploy(), 'd deploys with the compose file\'s settings (x-devspace.registry, x-devspace.kubernetes.context) and KUBECONFIG; for flags such as --registry or --context run devspace deploy in another terminal.'),
    open: (url) => openUrl(url, io),
    quit: () => void process.kill(process.pid, 'SIGINT'),
  };
  const tui = startTui({
    title: `devspace up · ${project.name}`,
    services: services.map((name) => ({ name, image: project.services[name]?.image ?? '', dependsOn: Object.keys(project.services[name]?.depends_on ?? {}) })),
    actions,
  });
  return {
    tui,
    controls: {
      setUrls: (service, urls) => tui.setServiceInfo({ name: service, urls }),
      bind: (a) => void (bound = a),
    },
  };
}

/** Opens a URL with the desktop's opener; a missing opener is a message in the UI, not a crash. */
async function openUrl(url: string, io: Io): Promise<void> {
  const { spawn } = await import('node:child_process');
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true, env: io.env });
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? `${command} is not installed; open ${url} yourself` : error.message)));
    child.once('exit', (code) => (code === 0 || code === null ? resolve() : reject(new Error(`${command} exited with code ${code}; open ${url} yourself`))));
    child.unref();
  });
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

interface Attached {
  /** Resolves when attached mode ends (containers exited, or Ctrl-C / q stopped them). */
  done: Promise<void>;
  /** Follows the logs of containers created or restarted since (a rebuild, a restart). */
  follow(services: string[]): void;
  /** Stops or restarts file watching; whether it is on now. */
  toggleWatch(): Promise<boolean>;
}

/**
 * Attached mode: logs until every container has exited, or until Ctrl-C stops them. While
 * watching (or with the terminal UI: `untilQuit`), containers that a rebuild, restart or reload
 * creates are followed too, and only Ctrl-C (or q) ends it.
 */
function attach(docker: Docker, project: Project, services: string[], emit: Emit, interrupts: Interrupts, since: number, watch: ((onContainers: (services: string[]) => void) => Promise<WatchSession>) | undefined, untilQuit: boolean): Attached {
  let following: ((services: string[]) => void) | undefined;
  let toggle: (() => Promise<boolean>) | undefined;
  const done = attachLoop(docker, project, services, emit, interrupts, since, watch, untilQuit, (f, t) => ((following = f), (toggle = t)));
  return {
    done,
    follow: (s) => following?.(s),
    toggleWatch: () => (toggle ? toggle() : Promise.reject(new Error('not attached yet'))),
  };
}

async function attachLoop(
  docker: Docker,
  project: Project,
  services: string[],
  emit: Emit,
  interrupts: Interrupts,
  since: number,
  watch: ((onContainers: (services: string[]) => void) => Promise<WatchSession>) | undefined,
  untilQuit: boolean,
  expose: (follow: (services: string[]) => void, toggleWatch: () => Promise<boolean>) => void,
): Promise<void> {
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
  if (watch || untilQuit) {
    // Nobody awaits these streams while watching: a failure is said, not left to crash the process.
    const lost = (error: unknown) => {
      if (!logsDone.signal.aborted) emit({ type: 'message', level: 'error', text: `log stream lost: ${error instanceof Error ? error.message : String(error)}` });
    };
    initial.exits.catch(lost);
    const onContainers = (next: string[]) => {
      current = [...new Set([...current, ...next])];
      follow().then((f) => f.exits).catch(lost);
    };
    let session = watch ? await watch(onContainers) : undefined;
    let toggling = Promise.resolve(false);
    expose(onContainers, () => {
      toggling = toggling.then(async () => {
        if (!watch) throw new Error('nothing to watch: no service has develop.watch or a build section');
        if (session) {
          const stopping = session;
          session = undefined;
          await stopping.stop();
          return false;
        }
        session = await watch(onContainers);
        return true;
      });
      return toggling;
    });
    await untilAborted(interrupts.signal);
    await toggling.catch(() => undefined);
    await session?.stop();
    logsDone.abort();
    return stopping;
  }
  expose(() => undefined, () => Promise.reject(new Error('nothing to watch')));
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
