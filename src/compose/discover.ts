/** Finds the compose files, the project directory and the variables interpolation sees. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { parseDotenv } from './dotenv.js';

export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export interface Discovered {
  files: string[];
  projectDir: string;
  warnings: string[];
}

/** `-f` files, else COMPOSE_FILE, else the first default file in the directory or a parent (+ its override). */
export function discoverFiles(cwd: string, env: Record<string, string | undefined>, files: string[], projectDirectory?: string): Discovered {
  const warnings: string[] = [];
  let chosen: string[];
  if (files.length > 0) chosen = files.map((f) => resolve(cwd, f));
  else if (env.COMPOSE_FILE) chosen = env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR ?? ':').filter(Boolean).map((f) => resolve(cwd, f));
  else {
    let dir = projectDirectory ? resolve(cwd, projectDirectory) : cwd;
    for (;;) {
      const found = DEFAULT_FILES.filter((f) => existsSync(join(dir, f)));
      if (found.length > 0) {
        if (found.length > 1) warnings.push(`found ${found.join(' and ')} in ${dir}; using ${found[0]}`);
        chosen = [join(dir, found[0]!)];
        const override = OVERRIDE_FILES.find((f) => existsSync(join(dir, f)));
        if (override) chosen.push(join(dir, override));
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) {
        throw new UserError(`no compose file found in ${cwd} or any parent directory`, [
          `Create ${DEFAULT_FILES[0]}, or name a file with -f (or COMPOSE_FILE).`,
        ]);
      }
      dir = parent;
    }
  }
  for (const file of chosen) {
    if (!existsSync(file)) throw new UserError(`compose file not found: ${file}`, ['Check the -f path or COMPOSE_FILE.']);
  }
  return { files: chosen, projectDir: projectDirectory ? resolve(cwd, projectDirectory) : dirname(chosen[0]!), warnings };
}

/** The env files interpolation reads (the default .env whether or not it exists yet). */
export function envFilePaths(cwd: string, projectDir: string, env: Record<string, string | undefined>, envFiles: string[]): string[] {
  const disabled = ['1', 't', 'true'].includes((env.COMPOSE_DISABLE_ENV_FILE ?? '').toLowerCase());
  return envFiles.length > 0 ? envFiles.map((f) => resolve(cwd, f)) : disabled ? [] : [join(projectDir, '.env')];
}

/** Reads env files for interpolation: --env-file (repeatable), else <project dir>/.env. */
export function readEnvFiles(cwd: string, projectDir: string, env: Record<string, string | undefined>, envFiles: string[], lookup: (name: string) => string | undefined = (name) => env[name]): Record<string, string> {
  const paths = envFilePaths(cwd, projectDir, env, envFiles).filter((f) => envFiles.length > 0 || existsSync(f));
  const values: Record<string, string> = {};
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UserError(`cannot read env file ${file}`, ['Check the --env-file path.']);
    }
    // Inside the file, the OS environment wins, then earlier lines of this and earlier files.
    for (const entry of parseDotenv(text, { file, lookup: (name) => lookup(name) ?? values[name] })) {
      if (entry.value !== undefined) values[entry.key] = entry.value;
    }
  }
  return values;
}

/** Compose's project-name normalisation: lowercase, only [a-z0-9_-], no leading "_" or "-". */
export function normaliseProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function directoryProjectName(projectDir: string): string {
  return normaliseProjectName(basename(projectDir));
}
