/**
 * The plain renderer: one line per event, service-prefixed like `docker compose up`, for pipes,
 * CI and the commands that have no terminal UI. Colour only on a TTY without NO_COLOR; a time
 * stamp first on every line where the output is kept (pipes, CI logs). Never moves the cursor.
 */
import { shortImageId, type DevspaceEvent, type Emit } from '../events.js';

export interface PlainOptions {
  write: (text: string) => void;
  color: boolean;
  verbose: boolean;
  /** Known service names, so that prefixes line up from the first line. */
  services: string[];
  /** Start each line with the local time (HH:MM:SS.mmm). */
  timestamps?: boolean;
  now?: () => Date;
}

const two = (n: number) => String(n).padStart(2, '0');
export function clockTime(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const PALETTE = [36, 33, 32, 35, 34, 91, 96, 93, 92, 95, 94];

export function plainRenderer(input: PlainOptions): Emit {
  const paint = (code: number, text: string) => (input.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const now = input.now ?? (() => new Date());
  const options = input.timestamps ? { ...input, write: (text: string) => input.write(`${paint(2, clockTime(now()))} ${text}`) } : input;
  let width = Math.max(0, ...options.services.map((s) => s.length + 2));
  const colours = new Map<string, number>();
  const colourOf = (service: string) => {
    if (!colours.has(service)) colours.set(service, PALETTE[colours.size % PALETTE.length]!);
    return colours.get(service)!;
  };
  options.services.forEach(colourOf);
  const prefix = (label: string, service: string) => {
    width = Math.max(width, label.length);
    return paint(colourOf(service), `${label.padEnd(width)} |`) + ' ';
  };
  const line = (service: string, text: string) => options.write(`${prefix(service, service)}${text}\n`);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  // Several watchers may report the same state (a dependency's wait, then --detach's): say it once.
  const lastState = new Map<string, string>();

  return (event: DevspaceEvent) => {
    switch (event.type) {
      case 'build-start':
        return line(event.service, `building ${event.image}`);
      case 'build-step':
        // The engine turns the labels we add into steps of their own; they are ours, not the user's.
        if (!options.verbose && /^Step \d+\/\d+ : LABEL (dev\.devspace\.|com\.docker\.compose\.)/.test(event.step)) return;
        return line(event.service, paint(2, event.step));
      case 'build-output':
        return options.verbose ? line(event.service, paint(2, event.line)) : undefined;
      case 'build-cached':
        return line(event.service, event.imageId === undefined ? `${event.image} is up to date (inputs unchanged), no build` : `${event.image}: the image built earlier from these same inputs (${shortImageId(event.imageId)}) is tagged again, no build`);
      case 'build-done':
        return line(event.service, `built ${event.image} in ${seconds(event.durationMs)}`);
      case 'build-failed':
        return line(event.service, paint(31, `build failed${event.step ? ` at ${event.step}` : ''}: ${event.message}`));
      case 'pull-start':
        return line(event.service, `pulling ${event.image}`);
      case 'pull-progress':
        return options.verbose ? line(event.service, paint(2, `${event.layer}: ${event.status}`)) : undefined;
      case 'pull-done':
        return line(event.service, `pulled ${event.image}`);
      case 'resource':
        return options.write(`${event.kind} ${event.name} ${event.action}\n`);
      case 'container': {
        if (event.action === 'keep') return line(event.service, `${event.name} is up to date`);
        const verb = { create: 'created', recreate: 'recreated', start: 'started', stop: 'stopped', remove: 'removed', 'scale-down': 'removed', orphan: 'is an orphan', keep: '' }[event.action];
        const cause = event.cause === 'down' ? '' : ` (${event.cause})`;
        const tail = event.action === 'orphan' ? ': run with --remove-orphans to remove it' : '';
        return line(event.service, `${event.name} ${verb}${cause}${tail}`);
      }
      case 'service-state': {
        const key = `${event.state}:${event.exitCode ?? ''}`;
        if (lastState.get(event.container) === key) return;
        lastState.set(event.container, key);
        const colour = event.state === 'healthy' || event.state === 'running' ? 32 : event.state === 'exited' && event.exitCode === 0 ? 2 : event.state === 'starting' || event.state === 'created' ? 33 : 31;
        const code = event.exitCode !== undefined && event.state === 'exited' ? ` with code ${event.exitCode}` : '';
        return line(event.service, paint(colour, `${event.container} ${event.state}${code}${event.detail ? `: ${event.detail}` : ''}`));
      }
      case 'log': {
        const at = event.container.lastIndexOf(`${event.service}-`);
        const label = at >= 0 && /^\d+$/.test(event.container.slice(at + event.service.length + 1)) ? event.container.slice(at) : event.container;
        const time = event.time ? paint(2, `${event.time} `) : '';
        return options.write(`${prefix(label, event.service)}${time}${event.line}\n`);
      }
      case 'push-start':
        return line(event.service, `pushing ${event.image}`);
      case 'push-progress':
        return options.verbose ? line(event.service, paint(2, `${event.layer}: ${event.status}`)) : undefined;
      case 'push-retry':
        return line(event.service, paint(33, `push failed (${event.message}); retrying in ${seconds(event.delayMs)} (attempt ${event.attempt + 1})`));
      case 'push-done':
        return event.skipped
          ? line(event.service, `${event.image} is already in the registry (${event.digest.slice(0, 19)}…), nothing sent`)
          : line(event.service, `pushed ${event.image} (${event.digest.slice(0, 19)}…) in ${seconds(event.durationMs)}`);
      case 'watching':
        return options.write(`watching ${event.services.length} service${event.services.length === 1 ? '' : 's'} (${event.services.join(', ')}; ${event.paths} path${event.paths === 1 ? '' : 's'}${event.poll ? ', polling' : ''}); Ctrl-C to stop\n`);
      case 'watch': {
        const took = event.durationMs < 1000 ? `${Math.round(event.durationMs)} ms` : seconds(event.durationMs);
        const files = (n: number, what: string) => `${n} file${n === 1 ? '' : 's'} ${what}`;
        const text = {
          synced: [event.files ? files(event.files, 'synced') : '', event.deleted ? files(event.deleted, 'deleted') : ''].filter(Boolean).join(', ') || 'nothing to sync',
          rebuilt: 'rebuilt and restarted',
          unchanged: 'rebuild not needed (image inputs unchanged)',
          restarted: 'restarted',
          exec: `ran "${event.command}" (exit code ${event.exitCode})`,
          reloaded: `compose file changed: project reloaded`,
        }[event.action];
        const paths = options.verbose && event.paths.length > 0 ? `\n${event.paths.slice(0, 20).map((p) => `    ${p}`).join('\n')}${event.paths.length > 20 ? `\n    … and ${event.paths.length - 20} more` : ''}` : '';
        const output = event.action === 'exec' && (event.exitCode !== 0 || options.verbose) ? (event.output ?? []).map((l) => `\n    ${l}`).join('') : '';
        const body = `${text} (${took})${paths}${output}`;
        return event.service ? line(event.service, event.action === 'exec' && event.exitCode !== 0 ? paint(31, body) : paint(32, body)) : options.write(`${body}\n`);
      }
      case 'watch-failed': {
        const text = paint(31, `${event.action} failed: ${event.message.split('\n').join('\n    ')}`) + ` — ${event.next}`;
        return event.service ? line(event.service, text) : options.write(`${text}\n`);
      }
      case 'k8s-object': {
        // Unchanged objects are the point of a no-change redeploy: listed only with --verbose.
        if (event.action === 'unchanged' && !options.verbose) return;
        const colour = event.action === 'created' ? 32 : event.action === 'configured' ? 33 : event.action === 'conflict' ? 31 : event.action === 'unchanged' ? 2 : 35;
        return options.write(`${event.kind.toLowerCase()}/${event.name} ${paint(colour, event.action)}\n`);
      }
      case 'image-load':
        return line(event.service, event.skipped ? `${event.image} is already on ${event.nodes.join(', ') || 'the nodes'}, nothing loaded` : `loaded ${event.image} into ${event.nodes.join(', ')} in ${seconds(event.durationMs)}`);
      case 'rollout': {
        const colour = event.state === 'ready' ? 32 : event.state === 'failed' ? 31 : event.state === 'rolled-back' ? 35 : 33;
        const counts = `${event.ready}/${event.desired} ready, ${event.updated} updated, ${event.available} available`;
        const state = event.state === 'progressing' ? paint(colour, 'rolling out') : paint(colour, event.state);
        const logs = (event.logs ?? []).map((l) => `\n    ${paint(2, l)}`).join('');
        const reason = event.reason && !event.message.includes(event.reason) ? `${event.reason}: ` : '';
        return line(event.service, `${event.workload} ${state} (${counts}): ${reason}${event.message}${logs}`);
      }
      case 'message':
        return options.write(event.level === 'info' ? `${event.text}\n` : paint(event.level === 'warn' ? 33 : 31, `${event.level === 'warn' ? 'warning' : 'error'}: ${event.text}`) + '\n');
    }
  };
}

/** Version of the JSON lines' schema (docs/events.md): fields may be added within it, never removed or changed. */
export const EVENT_SCHEMA_VERSION = 1;

/** `--json`: one event per line, as it is, with the schema version and the time (docs/events.md). */
export function jsonRenderer(write: (text: string) => void, now: () => Date = () => new Date()): Emit {
  return (event) => write(JSON.stringify({ schema: EVENT_SCHEMA_VERSION, time: now().toISOString(), ...event }) + '\n');
}
