/**
 * What the engine-facing commands share: load the project from the global options, open the
 * Docker engine, choose the renderer, and select services from the command line.
 */
import { homedir } from 'node:os';
import type { LoadedProject, Project } from '../compose/model.js';
import type { OpenedEngine } from '../engine/connect.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { jsonRenderer, plainRenderer } from '../ui/plain.js';
import { loadFromOptions } from './load-options.js';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';

/**
 * The project name for commands that work by label alone (down, ps, logs): from the file when
 * there is one, else from -p / COMPOSE_PROJECT_NAME, so they work after the file is gone.
 */
export function projectNameFromOptions(opts: GlobalOptions, io: Io): { name: string; project?: Project } {
  try {
    const { project } = loadFromOptions(opts, io);
    return { name: project.name, project };
  } catch (error) {
    const fallback = opts.projectName ?? io.env['COMPOSE_PROJECT_NAME'];
    if (error instanceof UserError && fallback && /no compose file|not found/i.test(error.message)) return { name: fallback };
    throw error;
  }
}

export async function openEngineFromOptions(opts: GlobalOptions, io: Io): Promise<OpenedEngine> {
  const { openEngine } = await import('../engine/connect.js');
  return openEngine({ host: opts.host, env: io.env, homeDir: io.env['HOME'] ?? homedir() });
}

/** Checks service names given on the command line against the project. */
export function selectServices(loaded: LoadedProject, names: string[]): string[] {
  const { project } = loaded;
  if (names.length === 0) return Object.keys(project.services);
  const unknown = names.filter((n) => !(n in project.services));
  if (unknown.length > 0) {
    const disabled = unknown.filter((n) => n in loaded.disabled);
    const steps = disabled.length > 0 ? [`${disabled.join(', ')}: enable the profile with --profile.`] : [`Services: ${Object.keys(project.services).join(', ')}`];
    throw new UserError(`no such service: ${unknown.join(', ')}`, steps);
  }
  return names;
}

export type RendererKind = 'tui' | 'plain' | 'json';

/**
 * Chosen once, at start: JSON lines with --json; the terminal UI when both ends are a terminal
 * (keys need stdin) and neither CI nor TERM=dumb says otherwise; plain lines else (pipes, CI).
 */
export function rendererKind(opts: GlobalOptions, io: Io, stdinIsTTY: boolean): RendererKind {
  if (opts.json) return 'json';
  if (io.isTTY !== true || !stdinIsTTY || io.env['CI'] !== undefined || io.env['TERM'] === 'dumb') return 'plain';
  return 'tui';
}

/** Plain lines (coloured on a TTY without NO_COLOR) or JSON lines with --json. */
export function rendererFor(opts: GlobalOptions, io: Io, services: string[]): Emit {
  if (opts.json) return jsonRenderer(io.stdout);
  const color = io.isTTY === true && io.env['NO_COLOR'] === undefined && io.env['CI'] === undefined;
  // Kept output (a pipe, a CI log) is read later: each line says when it happened.
  const timestamps = io.isTTY !== true || io.env['CI'] !== undefined;
  return plainRenderer({ write: io.stdout, color, verbose: opts.verbose, services, timestamps });
}
