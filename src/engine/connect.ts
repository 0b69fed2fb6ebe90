// Opens the Docker engine that resolve.ts picked: creates the dockerode client, pings it with a
// short deadline, reads the version and pins the API version the engine speaks. When nothing
// answers, the error says why (by cause) and how to fix it, naming the address and its source.
import { Agent } from 'node:https';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import { describeSource, resolveEngine, type EngineEndpoint, type ResolveEngineOptions } from './resolve.js';

/** The newest Engine API that dockerode 5 documents; an older engine pins the client to its own version. */
export const CLIENT_API_VERSION = '1.52';
export const DEFAULT_ENGINE_TIMEOUT_MS = 5_000;

export interface EngineVersion {
  /** Engine version, e.g. 20.10.24+dfsg1. */
  server: string;
  /** The newest API the engine speaks, e.g. 1.41. */
  api: string;
  /** The API version devspace uses with it: the lower of `api` and CLIENT_API_VERSION. */
  apiUsed: string;
  os: string;
  arch: string;
}

export interface OpenedEngine {
  docker: Docker;
  endpoint: EngineEndpoint;
  version: EngineVersion;
}

export interface OpenEngineOptions extends ResolveEngineOptions {
  /** Deadline for the ping and the version call. */
  timeoutMs?: number;
}

/** Resolves the engine (resolve.ts), connects, and pins the API version. Throws a UserError with the fix when nothing answers. */
export async function openEngine(options: OpenEngineOptions): Promise<OpenedEngine> {
  return connectEndpoint(resolveEngine(options), options.timeoutMs);
}

/** Connects to an endpoint already resolved (doctor reports the endpoint even when this fails). */
export async function connectEndpoint(endpoint: EngineEndpoint, timeoutMs = DEFAULT_ENGINE_TIMEOUT_MS): Promise<OpenedEngine> {
  // dockerode is heavy (ssh2, protobufs): load it only for commands that talk to the engine.
  const { default: Dockerode } = await import('dockerode');
  const create = (version?: string) => createClient(Dockerode, endpoint, version);
  let docker = create();
  let raw: Docker.DockerVersion;
  try {
    // dockerode's typings omit the per-call options that docker-modem honours (abortSignal).
    const pong: unknown = await (docker.ping as (o: object) => Promise<unknown>)({ abortSignal: AbortSignal.timeout(timeoutMs) });
    if (!String(Buffer.isBuffer(pong) ? pong.toString() : pong).startsWith('OK')) {
      throw Object.assign(new Error(`/_ping answered ${JSON.stringify(String(pong)).slice(0, 80)}`), { notDocker: true });
    }
    raw = await (docker.version as (o: object) => Promise<Docker.DockerVersion>)({ abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw diagnoseEngineError(error, endpoint, timeoutMs);
  }
  const api = String(raw.ApiVersion);
  const apiUsed = compareApiVersions(api, CLIENT_API_VERSION) < 0 ? api : CLIENT_API_VERSION;
  // Unversioned paths mean "the engine's newest API", which drifts as engines upgrade; pinning
  // gives the request shapes we were written against, like the docker CLI's negotiation.
  docker = create(`v${apiUsed}`);
  return { docker, endpoint, version: { server: String(raw.Version), api, apiUsed, os: String(raw.Os), arch: String(raw.Arch) } };
}

function createClient(Dockerode: typeof Docker, endpoint: EngineEndpoint, version?: string): Docker {
  const options: Docker.DockerOptions & { agent?: Agent } = { ...endpoint.dockerodeOptions };
  if (version) options.version = version;
  // docker-modem has no "skip verification" option, but it passes an agent through to https.
  if (endpoint.tls && !endpoint.tlsVerify) options.agent = new Agent({ rejectUnauthorized: false });
  // docker-modem merges its own reading of process.env.DOCKER_HOST under our options (and throws
  // on a malformed one), which would override -H or a context. Hide it while the client is built;
  // this is synchronous, so nothing else can observe the change.
  const saved = process.env['DOCKER_HOST'];
  delete process.env['DOCKER_HOST'];
  try {
    return new Dockerode(options);
  } finally {
    if (saved !== undefined) process.env['DOCKER_HOST'] = saved;
  }
}

/** -1, 0, 1 for API versions like 1.41 vs 1.52 (numeric per part, not string order). */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const START_ENGINE = [
  'Start Docker: open Docker Desktop (macOS, Windows), or `sudo systemctl start docker` (Linux); on devspace\'s own dev machines, `bash scripts/docker-engine.sh start`.',
];

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|^EPROTO$/;

/** Turns a failed connection into a UserError: what went wrong, at which address from which source, and the fix. */
export function diagnoseEngineError(error: unknown, endpoint: EngineEndpoint, timeoutMs = DEFAULT_ENGINE_TIMEOUT_MS): UserError {
  const at = `${endpoint.address} (${describeSource(endpoint)})`;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const socket = endpoint.dockerodeOptions.socketPath;
  const hostPort = `${endpoint.dockerodeOptions.host}:${endpoint.dockerodeOptions.port}`;
  const pointElsewhere = 'If your engine listens somewhere else, set DOCKER_HOST or pass -H (see `docker context ls`).';
  const fixSource =
    endpoint.source === 'flag' ? 'Check the address you passed with -H.'
    : endpoint.source === 'DOCKER_HOST' ? 'Check DOCKER_HOST (unset it to use the docker context or the local socket).'
    : endpoint.source === 'context' ? `Check the context with \`docker context inspect\`, or switch with \`docker context use default\`.`
    : pointElsewhere;
  const searched = endpoint.searched && endpoint.searched.length > 1 ? [`devspace looked for a socket at: ${endpoint.searched.join(', ')}.`] : [];

  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ABORT_ERR') {
    return new UserError(`the Docker engine at ${at} did not answer within ${timeoutMs / 1000}s`, [
      'The engine may be starting or overloaded: wait and retry, or restart it.',
      socket === undefined ? `Check that ${hostPort} is reachable from here (firewall, VPN, ssh).` : fixSource,
    ]);
  }
  if (socket !== undefined && code === 'ENOENT') {
    return new UserError(`no Docker engine at ${at}: ${socket} does not exist`, [
      ...START_ENGINE,
      ...(endpoint.source === 'socket' || endpoint.source === 'default' ? [...searched, pointElsewhere] : [fixSource]),
    ]);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(`permission denied on the Docker socket at ${at}`, [
      'Add yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`).',
      'Or use an engine whose socket you own (rootless Docker, Docker Desktop).',
    ]);
  }
  if (code === 'ECONNREFUSED') {
    if (socket !== undefined) {
      return new UserError(`no Docker engine answers at ${at}: the socket file exists but nothing listens on it (the engine stopped)`, [...START_ENGINE, fixSource]);
    }
    return new UserError(`connection refused at ${at}: nothing listens on ${hostPort}`, [
      'Is the engine running and listening on TCP there? (TLS engines usually listen on 2376, plain ones on 2375.)',
      fixSource,
    ]);
  }
  if (code === 'ENOTSOCK') {
    return new UserError(`${socket} is not a socket (${at})`, [fixSource]);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UserError(`cannot resolve the host name ${endpoint.dockerodeOptions.host} (${at})`, ['Check the host name for typos, and your DNS or VPN.', fixSource]);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return new UserError(`cannot reach ${hostPort} (${at}): ${code}`, ['Check the network path to the engine (firewall, VPN).', fixSource]);
  }
  if ((code !== undefined && TLS_CODE.test(code)) || /certificate|handshake|ssl|tls/i.test(message)) {
    const material = endpoint.certPath ? `the certificates in ${endpoint.certPath} (ca.pem, cert.pem, key.pem)` : 'the certificates';
    return new UserError(`TLS with the Docker engine at ${at} failed: ${message}`, [
      `Check ${material}: ca.pem must be the CA that signed the engine's certificate, and the host name must match it.`,
      endpoint.source === 'context' ? 'Update the context with `docker context update NAME --docker "host=…,ca=…,cert=…,key=…"`.' : 'Set DOCKER_CERT_PATH to the folder with the right files (DOCKER_TLS_VERIFY=1 checks the server against ca.pem).',
    ]);
  }
  if (typeof statusCode === 'number' && /HTTPS server/i.test(message)) {
    return new UserError(`the Docker engine at ${at} expects TLS, but devspace spoke plain HTTP`, [
      'Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem.',
    ]);
  }
  if (typeof statusCode === 'number' || (error as { notDocker?: unknown } | undefined)?.notDocker === true) {
    return new UserError(`something answers at ${at}, but it is not a Docker engine (${message.trim()})`, [fixSource]);
  }
  if (endpoint.dockerodeOptions.protocol === 'ssh') {
    const agent = endpoint.dockerodeOptions.sshOptions?.agent === undefined ? ['SSH_AUTH_SOCK is not set: start ssh-agent and `ssh-add` your key; devspace authenticates through the agent.'] : [];
    return new UserError(`cannot reach the Docker engine over ssh at ${at}: ${message}`, [
      ...agent,
      `Check that \`ssh ${endpoint.dockerodeOptions.username}@${endpoint.dockerodeOptions.host} docker system dial-stdio\` works.`,
    ]);
  }
  return new UserError(`cannot talk to the Docker engine at ${at}: ${code ? `${code}: ` : ''}${message}`, [...START_ENGINE, fixSource]);
}
