/**
 * `devspace watch [SERVICE...]`: watch the files of a project that is already up and sync,
 * restart or rebuild on save, until Ctrl-C. The containers keep running afterwards.
 */
import { UserError } from '../errors.js';
import { observeProject } from '../run/snapshot.js';
import type { GlobalOptions } from './global-options.js';
import { untilAborted, watchInterrupts } from './interrupts.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions, rendererFor, selectServices } from './session.js';
import { DEFAULT_WAIT_TIMEOUT_S, parseSeconds } from './up-command.js';
import { scopeOf, startWatchSession } from './watch-session.js';

export interface WatchOptions extends GlobalOptions {
  poll?: boolean;
  waitTimeout?: string;
}

export async function runWatch(names: string[], opts: WatchOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io, names);
  const selected = selectServices(loaded, names);
  const waitTimeoutMs = parseSeconds(opts.waitTimeout, '--wait-timeout', DEFAULT_WAIT_TIMEOUT_S) * 1000;
  const emit = rendererFor(opts, io, selected);
  const { docker } = await openEngineFromOptions(opts, io);
  const snapshot = await observeProject(docker, loaded.project.name);
  if (!snapshot.containers.some((c) => selected.includes(c.service) && c.state === 'running')) {
    throw new UserError(`nothing of project "${loaded.project.name}" is running${names.length > 0 ? ` for ${names.join(', ')}` : ''}`, ['Start it with `devspace up` (which watches too), or `devspace up -d` and then `devspace watch`.']);
  }
  const scope = await scopeOf(loaded, selected);
  if (scope.triggers.length === 0) {
    throw new UserError(`nothing to watch: ${names.length > 0 ? names.join(', ') : 'no service'} has develop.watch rules or a build section`, ['Add develop.watch rules to the compose file (see docs/configuration.md, "Watching files").']);
  }
  const interrupts = watchInterrupts(() => emit({ type: 'message', level: 'info', text: 'stopping the watch; the containers keep running' }));
  try {
    const session = await startWatchSession({ docker, emit, io, opts: { ...opts, deps: false }, names, loaded, scope, signal: interrupts.signal, waitTimeoutMs });
    await session.ready;
    await untilAborted(interrupts.signal);
    await session.stop();
  } finally {
    interrupts.dispose();
  }
}
