import type { Command } from 'commander';

/** Options every command accepts (docker compose's common flags plus our output modes). */
export interface GlobalOptions {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  profile: string[];
  envFile: string[];
  json: boolean;
  verbose: boolean;
  /** Docker engine address (-H/--host), above DOCKER_HOST and the docker context. */
  host?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addGlobalOptions(program: Command): Command {
  return program
    .option('-f, --file <path>', 'compose file (repeatable; later files merge onto earlier ones)', collect, [])
    .option('-p, --project-name <name>', 'project name (default: name: in the file, else the directory)')
    .option('--project-directory <dir>', 'project directory (default: the first compose file\'s directory)')
    .option('--profile <name>', 'enable a profile (repeatable; also COMPOSE_PROFILES)', collect, [])
    .option('--env-file <path>', 'environment file for interpolation (repeatable; replaces .env)', collect, [])
    .option('--json', 'print machine-readable JSON', false)
    .option('--verbose', 'print more detail', false)
    .option('-H, --host <address>', 'Docker engine to use (unix:///path, tcp://host:port, ssh://…); overrides DOCKER_HOST and the docker context');
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}
