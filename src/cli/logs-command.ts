/** `devspace logs`: the services' output, prefixed like `up` shows it; -f follows across restarts. */
import { UserError } from '../errors.js';
import { parseDuration } from '../compose/units.js';
import { streamProjectLogs } from '../run/logs.js';
import { observeProject } from '../run/snapshot.js';
import type { GlobalOptions } from './global-options.js';
import { watchInterrupts } from './interrupts.js';
import type { Io } from './main.js';
import { openEngineFromOptions, projectNameFromOptions, rendererFor } from './session.js';

export interface LogsOptions extends GlobalOptions {
  follow?: boolean;
  tail?: string;
  since?: string;
  timestamps?: boolean;
}

/** --since: an RFC 3339 time, a Unix timestamp, or a duration before now (10m, 1h30m). */
export function parseSince(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.floor(Number(value));
  const ago = parseDuration(value);
  if (ago !== undefined) return Math.floor((now - ago) / 1000);
  const time = Date.parse(value);
  if (!Number.isNaN(time)) return Math.floor(time / 1000);
  throw new UserError(`--since: cannot read "${value}" as a time`, ['Use an RFC 3339 time (2026-11-22T10:00:00Z), a Unix timestamp, or a duration such as 10m.']);
}

export function parseTail(value: string | undefined): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (!/^\d+$/.test(value)) throw new UserError(`--tail must be a number of lines or "all", got "${value}"`);
  return Number(value);
}

export async function runLogs(names: string[], opts: LogsOptions, io: Io): Promise<void> {
  const { name, project } = projectNameFromOptions(opts, io);
  if (project) {
    const unknown = names.filter((n) => !(n in project.services));
    if (unknown.length > 0) throw new UserError(`no such service: ${unknown.join(', ')}`, [`Services: ${Object.keys(project.services).join(', ')}`]);
  }
  const tail = parseTail(opts.tail);
  const since = opts.since === undefined ? undefined : parseSince(opts.since);
  const { docker } = await openEngineFromOptions(opts, io);
  const containers = (await observeProject(docker, name)).containers
    .filter((c) => names.length === 0 || names.includes(c.service))
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
  if (containers.length === 0) {
    io.stderr(`no containers for project ${name}${names.length > 0 ? ` (${names.join(', ')})` : ''}: run \`devspace up\` first\n`);
    return;
  }
  const emit = rendererFor(opts, io, [...new Set(containers.map((c) => c.service))]);
  const interrupts = watchInterrupts();
  try {
    await streamProjectLogs(docker, containers, { follow: opts.follow === true, timestamps: opts.timestamps === true, ...(tail !== undefined ? { tail } : {}), ...(since !== undefined ? { since } : {}) }, emit, interrupts.signal);
  } finally {
    interrupts.dispose();
  }
}
