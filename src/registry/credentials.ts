/**
 * Registry credentials exactly where Docker looks for them: `$DOCKER_CONFIG/config.json` (else
 * `~/.docker/config.json`): a per-registry `credHelpers` entry, else the `credsStore` helper,
 * else `auths` (base64 "user:password", or an identity token). Helpers are called with the
 * docker-credential-helpers protocol (`get`, the server URL on stdin, JSON on stdout).
 * Secrets never leave this module except inside the auth object handed to the engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { authKey, DOCKER_HUB } from './reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  identitytoken?: string;
  /** Where they came from, for messages (never the secret). */
  source: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with stdin; injected so tests can count calls (the real one uses execa). */
export type Runner = (file: string, args: string[], input: string) => Promise<RunResult>;

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return path.join(env['DOCKER_CONFIG'] ?? path.join(home, '.docker'), 'config.json');
}

function readConfig(file: string): DockerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`, ['Fix the JSON, or move the file away and run `docker login` again.']);
  }
}

/** `https://host/v1/` and `host` name the same registry in `auths`. */
const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
function normaliseKey(key: string): string {
  if (DOCKER_HUB_KEYS.includes(key)) return authKey(DOCKER_HUB);
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

export class CredentialStore {
  private readonly config: DockerConfig;
  private readonly cache = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly configFile: string,
    private readonly run: Runner,
  ) {
    this.config = readConfig(configFile);
  }

  /** The credentials for a registry, or undefined for anonymous access. Asked once per registry. */
  get(registry: string): Promise<Credentials | undefined> {
    if (!this.cache.has(registry)) this.cache.set(registry, this.lookup(registry));
    return this.cache.get(registry)!;
  }

  private async lookup(registry: string): Promise<Credentials | undefined> {
    const key = authKey(registry);
    const helpers = Object.fromEntries(Object.entries(this.config.credHelpers ?? {}).map(([k, v]) => [normaliseKey(k), v]));
    const helper = helpers[normaliseKey(key)] ?? this.config.credsStore;
    if (helper) return this.fromHelper(helper, key, registry);
    const auths = Object.entries(this.config.auths ?? {}).find(([k]) => normaliseKey(k) === normaliseKey(key))?.[1];
    if (!auths) return undefined;
    const source = `"auths" in ${this.configFile}`;
    if (auths.identitytoken) return { identitytoken: auths.identitytoken, source };
    if (auths.auth) {
      const decoded = Buffer.from(auths.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new UserError(`the stored login for ${registry} in ${this.configFile} is malformed`, [`Log in again: docker login ${registry}`]);
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
    }
    if (auths.username && auths.password) return { username: auths.username, password: auths.password, source };
    return undefined;
  }

  private async fromHelper(name: string, key: string, registry: string): Promise<Credentials | undefined> {
    const program = `docker-credential-${name}`;
    const source = `credential helper ${program}`;
    let result: RunResult;
    try {
      result = await this.run(program, ['get'], key);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UserError(
        missing ? `${program} is not installed (${this.configFile} names it for ${registry})` : `${program} could not be run for ${registry}: ${(error as Error).message}`,
        missing ? [`Install ${program}, or remove it from ${this.configFile} and run \`docker login ${registry}\`.`] : [`Try it: echo ${key} | ${program} get`],
      );
    }
    if (result.exitCode !== 0) {
      const said = `${result.stdout} ${result.stderr}`.trim();
      if (/credentials not found/i.test(said)) return undefined;
      throw new UserError(`${program} failed for ${registry} (exit code ${result.exitCode})${said ? `: ${said.split('\n')[0]!.slice(0, 200)}` : ''}`, [
        `Try it: echo ${key} | ${program} get`,
        `Or log in again: docker login ${registry}`,
      ]);
    }
    let parsed: { Username?: string; Secret?: string };
    try {
      parsed = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    } catch {
      throw new UserError(`${program} answered something that is not JSON for ${registry}`, [`Try it: echo ${key} | ${program} get`]);
    }
    if (!parsed.Secret) return undefined;
    if (parsed.Username === '<token>') return { identitytoken: parsed.Secret, source };
    return { username: parsed.Username ?? '', password: parsed.Secret, source };
  }
}

/** The engine's X-Registry-Auth object for a push. */
export function engineAuth(registry: string, credentials: Credentials | undefined): Record<string, string> {
  const serveraddress = authKey(registry);
  if (!credentials) return { serveraddress };
  if (credentials.identitytoken) return { identitytoken: credentials.identitytoken, serveraddress };
  return { username: credentials.username ?? '', password: credentials.password ?? '', serveraddress };
}
