/**
 * The edge of rendering: reads what renderProject needs from outside the compose model — the
 * files of the secrets and configs services use, the files of bind mounts x-devspace.mounts turns
 * into ConfigMaps, and the variables `environment:`-based secrets and configs name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../compose/model.js';
import { serviceSettings } from '../../compose/x-devspace.js';
import { UserError } from '../../errors.js';
import type { RenderSources } from '../manifest.js';

export function readRenderSources(project: Project, env: Record<string, string | undefined>): RenderSources {
  const sources: RenderSources = { files: {}, env: {} };
  for (const [name, service] of Object.entries(project.services)) {
    for (const kind of ['secrets', 'configs'] as const) {
      for (const ref of service[kind] ?? []) {
        const definition = project[kind][ref.source];
        if (!definition || definition.external) continue;
        const what = `${kind}.${ref.source}`;
        if (typeof definition.file === 'string') {
          sources.files[definition.file] = readFile(definition.file, `${what} (used by ${name})`);
        } else if (typeof definition.environment === 'string') {
          const value = env[definition.environment];
          if (value === undefined) throw new UserError(`${what} takes its value from the variable ${definition.environment}, which is not set`, [`Set ${definition.environment} in the environment devspace runs in.`]);
          sources.env[definition.environment] = value;
        }
      }
    }
    const mounts = serviceSettings(service)?.mounts ?? {};
    for (const volume of service.volumes ?? []) {
      if (volume.type !== 'bind' || volume.source === undefined || mounts[volume.target] !== 'configMap') continue;
      readTree(volume.source, `the bind mount of ${name} at ${volume.target} (x-devspace.mounts: configMap)`, sources.files);
    }
  }
  return sources;
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file} for ${what}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}`, ['Create the file, or fix its path in the compose file.']);
  }
}

function readTree(source: string, what: string, files: Record<string, Uint8Array>): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(source).isDirectory();
  } catch {
    throw new UserError(`cannot read ${source} for ${what}: no such file or directory`, ['Create it, or fix the bind mount in the compose file.']);
  }
  if (!isDirectory) {
    files[source] = readFile(source, what);
    return;
  }
  for (const entry of readdirSync(source, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(source, entry.name);
    if (entry.isDirectory()) readTree(full, what, files);
    else if (entry.isFile()) files[full] = readFile(full, what);
  }
}
