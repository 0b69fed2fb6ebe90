// Helpers for tests that push to the real test registries (test/registry/registry.sh): three
// Distribution 2.8 registries on 127.0.0.1 — plain HTTP, HTTP with basic auth, HTTPS with a test CA.
//
//   const registries = await registryOrSkip('devspace push');       // top level of a test file
//   describe.skipIf(!registries)('devspace push', () => {
//     const { plain, auth, tls } = registries!;
//     ... push to `${plain.host}/my/repo:tag`, then: expect(await tags(plain, 'my/repo')).toContain('tag')
//   });
//
// Where the registries come from: the env file named by $DEVSPACE_TEST_REGISTRY_ENV, else the one
// `test/registry/registry.sh env` prints (the registries the script started). When they do not
// answer: in CI (process.env.CI set) that is an error that fails the test file loudly; elsewhere the
// tests are skipped with a printed reason (start them with `test/registry/registry.sh start`).
//
// The v2 API helpers (catalog, tags, manifestDigest, registryRequest) go through node:http/node:https
// (node's fetch cannot be given a CA), trusting the test CA for the TLS registry. Their `auth`
// argument: omitted = the registry's own credentials (the auth registry's user and password, none
// for the others); `false` = send none; a { username, password } = send those (e.g. a wrong password).
import { readFileSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { isCI } from '../integration/docker-env.js';

export const REGISTRY_SCRIPT = fileURLToPath(new URL('./registry.sh', import.meta.url));

/** The fake credential helper's directory: put it on PATH to use `credHelpers: {HOST: 'devspace-test'}`. */
export const CREDENTIAL_HELPER_DIR = fileURLToPath(new URL('../../fixtures/credential-helper/', import.meta.url));
export const CREDENTIAL_HELPER_NAME = 'devspace-test';
export const CREDENTIAL_HELPER = `${CREDENTIAL_HELPER_DIR}docker-credential-${CREDENTIAL_HELPER_NAME}`;

export interface RegistryAuth {
  username: string;
  password: string;
}

export type RegistryKind = 'plain' | 'auth' | 'tls';

export interface TestRegistry {
  kind: RegistryKind;
  /** `127.0.0.1:PORT`: the registry part of an image reference, and the Docker config's key. */
  host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  url: string;
  /** The auth registry's credentials (right ones). */
  auth?: RegistryAuth;
  /** The TLS registry's CA: file path and PEM. */
  caFile?: string;
  ca?: string;
}

export interface RegistryEnv {
  /** The env file the registries were read from. */
  envFile: string;
  /** Its KEY=VALUE pairs (DEVSPACE_TEST_REGISTRY_*), e.g. to pass on to a child process. */
  vars: Record<string, string>;
  plain: TestRegistry;
  auth: TestRegistry & { auth: RegistryAuth };
  tls: TestRegistry & { caFile: string; ca: string };
}

/** Parses KEY=VALUE lines (blank lines and `#` comments ignored; the value is the rest of the line). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    vars[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return vars;
}

/** Reads an env file written by registry.sh; throws naming the missing keys. */
export function readRegistryEnv(envFile: string): RegistryEnv {
  const vars = parseEnvFile(readFileSync(envFile, 'utf8'));
  const keys = ['PLAIN', 'AUTH', 'AUTH_USER', 'AUTH_PASSWORD', 'TLS', 'TLS_CA'] as const;
  const missing = keys.map((k) => `DEVSPACE_TEST_REGISTRY_${k}`).filter((k) => !vars[k]);
  if (missing.length > 0) throw new Error(`${envFile} lacks ${missing.join(', ')}`);
  const get = (k: (typeof keys)[number]): string => vars[`DEVSPACE_TEST_REGISTRY_${k}`] as string;
  const caFile = get('TLS_CA');
  return {
    envFile,
    vars,
    plain: { kind: 'plain', host: get('PLAIN'), url: `http://${get('PLAIN')}` },
    auth: {
      kind: 'auth',
      host: get('AUTH'),
      url: `http://${get('AUTH')}`,
      auth: { username: get('AUTH_USER'), password: get('AUTH_PASSWORD') },
    },
    tls: { kind: 'tls', host: get('TLS'), url: `https://${get('TLS')}`, caFile, ca: readFileSync(caFile, 'utf8') },
  };
}

/** The env file's path, or undefined when none is known. */
export async function findRegistryEnvFile(): Promise<string | undefined> {
  const fromEnv = process.env['DEVSPACE_TEST_REGISTRY_ENV'];
  if (fromEnv) return fromEnv;
  const r = await execa('bash', [REGISTRY_SCRIPT, 'env'], { reject: false, timeout: 15_000 });
  return r.exitCode === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

/** Reads the env file and checks that all three registries answer; or says why not. */
export async function probeRegistries(): Promise<{ env?: RegistryEnv; reason?: string }> {
  const envFile = await findRegistryEnvFile();
  if (!envFile) {
    return {
      reason: 'no test registries: DEVSPACE_TEST_REGISTRY_ENV is unset and `test/registry/registry.sh env` found none',
    };
  }
  if (!existsSync(envFile)) return { reason: `registry env file ${envFile} does not exist` };
  let env: RegistryEnv;
  try {
    env = readRegistryEnv(envFile);
  } catch (error) {
    return { reason: `cannot read ${envFile}: ${(error as Error).message}` };
  }
  const expected: [TestRegistry, number, RegistryAuth | false][] = [
    [env.plain, 200, false],
    [env.auth, 401, false],
    [env.auth, 200, env.auth.auth],
    [env.tls, 200, false],
  ];
  for (const [registry, status, auth] of expected) {
    try {
      const r = await registryRequest(registry, '/v2/', { auth, timeoutMs: 5_000 });
      if (r.status !== status) {
        return {
          reason: `the ${registry.kind} test registry (${registry.url}) answered GET /v2/ ${auth ? 'with credentials ' : ''}with ${r.status}, expected ${status}`,
        };
      }
    } catch (error) {
      return { reason: `the ${registry.kind} test registry (${registry.url}) does not answer: ${(error as Error).message}` };
    }
  }
  return { env };
}

/**
 * The test registries for a test file. When they do not answer: throws in CI (the file fails
 * loudly: registry tests are never silently skipped there); elsewhere prints why and returns
 * undefined so the caller can `describe.skipIf(!registries)`.
 */
export async function registryOrSkip(what: string): Promise<RegistryEnv | undefined> {
  const { env, reason } = await probeRegistries();
  if (env) return env;
  const hint = 'start them with test/registry/registry.sh start';
  if (isCI()) {
    throw new Error(
      `${what}: ${reason ?? 'no test registries'}; CI is set, so this fails instead of skipping (${hint}; ` +
        'logs under ${DEVSPACE_TEST_REGISTRY_DIR:-/tmp/devspace-test-registry}/logs)',
    );
  }
  console.warn(`[skip] ${what}: ${reason ?? 'no test registries'} (${hint})`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// the v2 API

export interface RegistryResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RegistryRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Omitted: the registry's own credentials; false: none; else these. */
  auth?: RegistryAuth | false;
  timeoutMs?: number;
}

/** A v2 API answer that was not what the helper expected. */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
  ) {
    super(`${url}: HTTP ${status}: ${body.trim().slice(0, 500)}`);
    this.name = 'RegistryHttpError';
  }
}

/** One request to the registry (path starts with /v2/); resolves for any HTTP status. */
export function registryRequest(
  registry: TestRegistry,
  path: string,
  options: RegistryRequestOptions = {},
): Promise<RegistryResponse> {
  const url = new URL(path, registry.url);
  const auth = options.auth === undefined ? registry.auth : options.auth || undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (auth) {
    headers['Authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<RegistryResponse>((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    };
    const common = { method: options.method ?? 'GET', headers, timeout: timeoutMs, agent: false as const };
    const req =
      url.protocol === 'https:'
        ? // Only the test CA is trusted (ca replaces the default roots), as a client configured for it would.
          https.request(url, { ...common, ...(registry.ca ? { ca: registry.ca } : {}) }, onResponse)
        : http.request(url, common, onResponse);
    req.on('timeout', () => req.destroy(new Error(`${common.method} ${url.href} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The registry's repositories (GET /v2/_catalog, following its Link pagination). */
export async function catalog(registry: TestRegistry, auth?: RegistryAuth | false): Promise<string[]> {
  const repositories: string[] = [];
  // The registry refuses n above its catalog.maxentries (1000 by default).
  let path: string | undefined = '/v2/_catalog?n=1000';
  while (path) {
    const r = await registryRequest(registry, path, { auth, headers: { Accept: 'application/json' } });
    if (r.status !== 200) throw new RegistryHttpError(r.status, `${registry.url}${path}`, r.body);
    repositories.push(...((JSON.parse(r.body) as { repositories?: string[] | null }).repositories ?? []));
    const link = r.headers['link'];
    path = typeof link === 'string' ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
  }
  return repositories;
}

/** A repository's tags (GET /v2/<repo>/tags/list); [] when the registry does not know the repository. */
export async function tags(registry: TestRegistry, repo: string, auth?: RegistryAuth | false): Promise<string[]> {
  const path = `/v2/${repo}/tags/list`;
  const r = await registryRequest(registry, path, { auth, headers: { Accept: 'application/json' } });
  if (r.status === 404 && r.body.includes('NAME_UNKNOWN')) return [];
  if (r.status !== 200) throw new RegistryHttpError(r.status, `${registry.url}${path}`, r.body);
  return (JSON.parse(r.body) as { tags?: string[] | null }).tags ?? [];
}

/** Every manifest type a push can produce: Docker v2 schema 2 and OCI, single-platform or index. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export interface Manifest {
  /** Docker-Content-Digest, e.g. sha256:… */
  digest: string;
  mediaType: string;
  /** The manifest as the registry serves it (parse it for layers, config, platforms). */
  body: string;
}

/** GET /v2/<repo>/manifests/<reference> (tag or digest); undefined when there is no such manifest. */
export async function manifest(
  registry: TestRegistry,
  repo: string,
  reference: string,
  auth?: RegistryAuth | false,
): Promise<Manifest | undefined> {
  const path = `/v2/${repo}/manifests/${reference}`;
  const r = await registryRequest(registry, path, { auth, headers: { Accept: MANIFEST_ACCEPT } });
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new RegistryHttpError(r.status, `${registry.url}${path}`, r.body);
  const digest = r.headers['docker-content-digest'];
  if (typeof digest !== 'string') throw new Error(`${registry.url}${path}: no Docker-Content-Digest header`);
  return { digest, mediaType: String(r.headers['content-type'] ?? ''), body: r.body };
}

/** The Docker-Content-Digest of <repo>:<tag> (manifest GET); undefined when there is no such tag. */
export async function manifestDigest(
  registry: TestRegistry,
  repo: string,
  tag: string,
  auth?: RegistryAuth | false,
): Promise<string | undefined> {
  return (await manifest(registry, repo, tag, auth))?.digest;
}

/** A tag unique to this run, e.g. `t-lq3k9x-1a2b` (tags allow [A-Za-z0-9_.-], 128 characters). */
export function uniqueTag(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffff).toString(16)}`;
}
