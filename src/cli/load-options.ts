/**
 * The global options → the compose stage's load options, and loading with warnings printed:
 * one mapping for every command that reads the project (config, doctor, up, down, …).
 */
import { loadProject, type LoadOptions } from '../compose/load-project.js';
import type { LoadedProject } from '../compose/model.js';
import type { Diagnostic } from '../errors.js';
import { where } from './format-error.js';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';

export function loadOptions(opts: GlobalOptions, io: Io, services: string[] = []): LoadOptions {
  return {
    cwd: io.cwd,
    env: io.env,
    files: opts.file,
    ...(opts.projectName !== undefined && { projectName: opts.projectName }),
    ...(opts.projectDirectory !== undefined && { projectDirectory: opts.projectDirectory }),
    profiles: opts.profile,
    envFiles: opts.envFile,
    ...(services.length > 0 && { services }),
  };
}

export function formatWarning(d: Diagnostic, cwd: string): string {
  return `warning: ${where(d, cwd)}${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}\n`;
}

/** Loads the project and prints its warnings on stderr. */
export function loadFromOptions(opts: GlobalOptions, io: Io, services: string[] = []): LoadedProject {
  const loaded = loadProject(loadOptions(opts, io, services));
  for (const w of loaded.warnings) io.stderr(formatWarning(w, io.cwd));
  return loaded;
}
