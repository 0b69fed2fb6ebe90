// Which Docker engine to talk to, decided the way the docker CLI decides it, so that devspace and
// `docker` always point at the same engine: -H/--host, then DOCKER_HOST (+ DOCKER_TLS_VERIFY /
// DOCKER_CERT_PATH), then the current docker context, then the first usual socket that exists.
//
// Pure apart from reading files through `EngineFiles`: the environment and the home directory are
// parameters (never process.env), so every rule is unit-tested with temp dirs.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { UserError } from '../errors.js';

export type EngineSource = 'flag' | 'DOCKER_HOST' | 'context' | 'socket' | 'default';

export interface EngineEndpoint {
  /** Which rule won. */
  source: EngineSource;
  /** The why, in the user's words: `-H/--host`, `DOCKER_HOST`, `docker context "x" (DOCKER_CONTEXT)`, `found /var/run/docker.sock`. */
  sourceDetail: string;
  /** The address as a URL: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host:22, npipe:////./pipe/docker_engine. */
  address: string;
  /** What to hand to `new Docker(...)`. */
  dockerodeOptions: DockerOptions;
  tls: boolean;
  /** False when TLS is on but the server certificate is not checked (DOCKER_TLS, SkipTLSVerify). */
  tlsVerify: boolean;
  /** Where the TLS material came from (a folder), for error messages. */
  certPath?: string;
  /** The socket paths that were tried, in order (source 'socket' or 'default'). */
  searched?: string[];
}

/** File access, injected so tests need no real home directory. */
export interface EngineFiles {
  /** The file's text, or undefined when it does not exist. Other errors (permissions) throw. */
  readFile(path: string): string | undefined;
  /** Whether something (a socket) exists at the path, following symlinks. */
  exists(path: string): boolean;
}

export const nodeEngineFiles: EngineFiles = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  },
  exists(path) {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
};

export interface ResolveEngineOptions {
  /** -H/--host. */
  host?: string | undefined;
  env: Record<string, string | undefined>;
  homeDir: string;
  files?: EngineFiles;
  /** npipe:// only exists on Windows; injected for tests. */
  platform?: NodeJS.Platform;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const WINDOWS_PIPE = '//./pipe/docker_engine';
const EXPECTED = 'expected unix:///path, tcp://host:port, ssh://[user@]host or npipe:////./pipe/name';

interface Tls {
  verify: boolean;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  dir: string;
}

/** Where an address came from, for error messages: the label names the source and the value. */
interface Origin {
  label: string;
  nextSteps: string[];
}

type Parsed = Pick<EngineEndpoint, 'address' | 'dockerodeOptions' | 'tls' | 'tlsVerify' | 'certPath'>;

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The Docker config folder: $DOCKER_CONFIG, else ~/.docker (also the default DOCKER_CERT_PATH). */
export function dockerConfigDir(env: Record<string, string | undefined>, homeDir: string): string {
  return nonEmpty(env['DOCKER_CONFIG']) ? env['DOCKER_CONFIG'] : join(homeDir, '.docker');
}

/** The folder name the docker CLI stores a context under: the hex SHA-256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function resolveEngine(options: ResolveEngineOptions): EngineEndpoint {
  const { env, homeDir } = options;
  const files = options.files ?? nodeEngineFiles;
  const platform = options.platform ?? process.platform;
  const configDir = dockerConfigDir(env, homeDir);
  // The docker CLI applies DOCKER_TLS_VERIFY/DOCKER_CERT_PATH to -H as well as to DOCKER_HOST.
  const envTls = () => tlsFromEnv(env, configDir, files);

  if (nonEmpty(options.host)) {
    const origin = { label: `-H ${options.host}`, nextSteps: ['Pass -H unix:///var/run/docker.sock or -H tcp://HOST:2375, or leave -H out.'] };
    return { source: 'flag', sourceDetail: '-H/--host', ...parseAddress(options.host, origin, envTls, env, platform) };
  }
  const dockerHost = env['DOCKER_HOST'];
  if (nonEmpty(dockerHost)) {
    const origin = { label: `DOCKER_HOST=${dockerHost}`, nextSteps: ['Fix or unset DOCKER_HOST (for example export DOCKER_HOST=unix:///var/run/docker.sock).'] };
    const parsed = parseAddress(dockerHost, origin, envTls, env, platform);
    const detail = parsed.tls ? `DOCKER_HOST with ${parsed.tlsVerify ? 'DOCKER_TLS_VERIFY' : 'DOCKER_TLS'} (certificates in ${parsed.certPath})` : 'DOCKER_HOST';
    return { source: 'DOCKER_HOST', sourceDetail: detail, ...parsed };
  }
  const context = fromContext(env, configDir, files, platform);
  if (context) return context;

  if (platform === 'win32') {
    return { source: 'default', sourceDetail: 'the Windows default pipe', address: `npipe://${WINDOWS_PIPE}`, dockerodeOptions: { socketPath: WINDOWS_PIPE }, tls: false, tlsVerify: false };
  }
  const searched = socketCandidates(env, homeDir);
  const found = searched.find((path) => files.exists(path));
  if (found) {
    return { source: 'socket', sourceDetail: `found ${found}`, address: `unix://${found}`, dockerodeOptions: { socketPath: found }, tls: false, tlsVerify: false, searched };
  }
  // Nothing exists: keep the docker CLI's default so the connection error names the usual path.
  return {
    source: 'default',
    sourceDetail: 'no -H, DOCKER_HOST or docker context, and no socket at the usual paths',
    address: `unix://${DEFAULT_SOCKET}`,
    dockerodeOptions: { socketPath: DEFAULT_SOCKET },
    tls: false,
    tlsVerify: false,
    searched,
  };
}

/**
 * Where engines put their socket, most common first: the system engine, rootless Docker, Docker
 * Desktop (macOS, and Linux), Colima, OrbStack, Rancher Desktop.
 */
export function socketCandidates(env: Record<string, string | undefined>, homeDir: string): string[] {
  const paths = [DEFAULT_SOCKET];
  if (nonEmpty(env['XDG_RUNTIME_DIR'])) paths.push(join(env['XDG_RUNTIME_DIR'], 'docker.sock'));
  paths.push(
    join(homeDir, '.docker', 'run', 'docker.sock'),
    join(homeDir, '.docker', 'desktop', 'docker.sock'),
    join(homeDir, '.colima', 'default', 'docker.sock'),
    join(homeDir, '.colima', 'docker.sock'),
    join(homeDir, '.orbstack', 'run', 'docker.sock'),
    join(homeDir, '.rd', 'docker.sock'),
  );
  return paths;
}

/** How an endpoint was chosen, as a phrase: "from DOCKER_HOST", "found by searching the usual sockets". */
export function describeSource(endpoint: EngineEndpoint): string {
  switch (endpoint.source) {
    case 'flag':
      return 'from -H/--host';
    case 'DOCKER_HOST':
      return `from ${endpoint.sourceDetail}`;
    case 'context':
      return `from ${endpoint.sourceDetail}`;
    case 'socket':
      return `${endpoint.sourceDetail} (no -H, DOCKER_HOST or docker context set)`;
    case 'default':
      return `the default: ${endpoint.sourceDetail}`;
  }
}

/** TLS as the docker CLI takes it from the environment: DOCKER_TLS_VERIFY (any non-empty value) or DOCKER_TLS. */
function tlsFromEnv(env: Record<string, string | undefined>, configDir: string, files: EngineFiles): Tls | undefined {
  const verify = nonEmpty(env['DOCKER_TLS_VERIFY']);
  if (!verify && !nonEmpty(env['DOCKER_TLS'])) return undefined;
  const dir = nonEmpty(env['DOCKER_CERT_PATH']) ? env['DOCKER_CERT_PATH'] : configDir;
  const whence = nonEmpty(env['DOCKER_CERT_PATH']) ? `DOCKER_CERT_PATH=${dir}` : `the default DOCKER_CERT_PATH ${dir}`;
  const fix = [`Point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem (now ${whence}).`];
  const ca = files.readFile(join(dir, 'ca.pem'));
  const cert = files.readFile(join(dir, 'cert.pem'));
  const key = files.readFile(join(dir, 'key.pem'));
  if (verify && ca === undefined) {
    throw new UserError(`DOCKER_TLS_VERIFY is set but there is no CA certificate at ${join(dir, 'ca.pem')}`, [...fix, 'Or unset DOCKER_TLS_VERIFY if the engine does not use TLS.']);
  }
  if ((cert === undefined) !== (key === undefined)) {
    const [has, lacks] = cert === undefined ? ['key.pem', 'cert.pem'] : ['cert.pem', 'key.pem'];
    throw new UserError(`${dir} has ${has} but no ${lacks}: a client certificate needs both`, fix);
  }
  return { verify, ca: verify ? ca : undefined, cert, key, dir };
}

/** The current context as the docker CLI picks it; undefined for none or "default". */
function fromContext(env: Record<string, string | undefined>, configDir: string, files: EngineFiles, platform: NodeJS.Platform): EngineEndpoint | undefined {
  let name: string | undefined;
  let from: string;
  if (nonEmpty(env['DOCKER_CONTEXT'])) {
    name = env['DOCKER_CONTEXT'];
    from = 'DOCKER_CONTEXT';
  } else {
    const configFile = join(configDir, 'config.json');
    const config = readJson(files, configFile);
    const current = (config as { currentContext?: unknown } | undefined)?.currentContext;
    if (typeof current !== 'string' || current === '') return undefined;
    name = current;
    from = `currentContext in ${configFile}`;
  }
  if (name === 'default') return undefined; // the docker CLI's "default" context means: no context
  const id = contextDirName(name);
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const fix = [
    'List the contexts with `docker context ls`.',
    from === 'DOCKER_CONTEXT' ? 'Unset DOCKER_CONTEXT, or set it to an existing context.' : 'Switch with `docker context use default` (or another context).',
  ];
  const meta = readJson(files, metaFile);
  if (meta === undefined) throw new UserError(`docker context "${name}" (from ${from}) does not exist: there is no ${metaFile}`, fix);
  const docker = (meta as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } }).Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new UserError(`docker context "${name}" (${metaFile}) has no Docker endpoint (Endpoints.docker.Host)`, [`Inspect it with \`docker context inspect ${name}\`.`, ...fix.slice(1)]);
  }
  const skipVerify = docker.SkipTLSVerify === true;
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const contextTls = (): Tls | undefined => {
    const ca = files.readFile(join(tlsDir, 'ca.pem'));
    const cert = files.readFile(join(tlsDir, 'cert.pem'));
    const key = files.readFile(join(tlsDir, 'key.pem'));
    // The CLI switches to TLS when the context stores TLS material or asks to skip verification.
    if (ca === undefined && cert === undefined && key === undefined && !skipVerify) return undefined;
    return { verify: !skipVerify, ca, cert, key, dir: tlsDir };
  };
  const origin = { label: `docker context "${name}" (${metaFile}) has Host=${docker.Host}`, nextSteps: [`Fix it with \`docker context update ${name} --docker host=…\`.`, ...fix.slice(1)] };
  const label = `docker context "${name}" (${from})`;
  return { source: 'context', sourceDetail: label, ...parseAddress(docker.Host, origin, contextTls, env, platform) };
}

function readJson(files: EngineFiles, path: string): unknown {
  const text = files.readFile(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${path} is not valid JSON: ${(error as Error).message}`, ['Fix the file, or point DOCKER_CONFIG at another folder.']);
  }
}

/**
 * One address → dockerode options. Accepts what the docker CLI accepts (unix, tcp, ssh, npipe, and
 * a bare host:port meaning tcp); TLS material is read only for tcp, the one scheme that uses it.
 */
function parseAddress(raw: string, origin: Origin, tls: () => Tls | undefined, env: Record<string, string | undefined>, platform: NodeJS.Platform): Parsed {
  const bad = (why = `not a Docker address; ${EXPECTED}`) => new UserError(`${origin.label}: ${why}`, origin.nextSteps);
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(raw.trim());
  if (!match) {
    // The docker CLI reads a bare host:port as tcp; a bare word is far more likely a mistake.
    if (/^(\[[0-9a-fA-F:.]+\]|[^\s/:@]+):\d+$/.test(raw.trim())) return parseAddress(`tcp://${raw.trim()}`, origin, tls, env, platform);
    throw bad();
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  const plain = { tls: false, tlsVerify: false };
  switch (scheme) {
    case 'unix': {
      const path = rest === '' ? DEFAULT_SOCKET : rest;
      return { address: `unix://${path}`, dockerodeOptions: { socketPath: path }, ...plain };
    }
    case 'npipe': {
      if (platform !== 'win32') throw bad(`npipe:// is a Windows named pipe and this machine runs ${platform}; use unix:///path or tcp://host:port`);
      const path = rest === '' ? WINDOWS_PIPE : rest;
      return { address: `npipe://${path}`, dockerodeOptions: { socketPath: path }, ...plain };
    }
    case 'tcp': {
      const material = tls();
      // tcp://:2375 means localhost, as in the docker CLI.
      const url = parseUrl(`tcp://${rest.startsWith(':') ? `localhost${rest}` : rest}`, bad);
      if (url.username || url.password || url.search || url.hash) throw bad('a tcp:// address takes only host, port and an optional path');
      const port = url.port === '' ? (material ? 2376 : 2375) : Number(url.port);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      const path = url.pathname === '/' ? '' : url.pathname;
      const options: DockerOptions & { pathPrefix?: string } = { host, port, protocol: material ? 'https' : 'http' };
      if (path !== '') options.pathPrefix = path;
      if (material?.ca !== undefined) options.ca = material.ca;
      if (material?.cert !== undefined) options.cert = material.cert;
      if (material?.key !== undefined) options.key = material.key;
      const address = `tcp://${url.hostname}:${port}${path}`;
      if (!material) return { address, dockerodeOptions: options, ...plain };
      return { address, dockerodeOptions: options, tls: true, tlsVerify: material.verify, certPath: material.dir };
    }
    case 'ssh': {
      const url = parseUrl(raw.trim(), bad);
      if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) throw bad('an ssh:// address takes no path; expected ssh://[user@]host[:port]');
      if (url.password) throw bad('do not put a password in an ssh:// address; use ssh-agent (SSH_AUTH_SOCK)');
      const port = url.port === '' ? 22 : Number(url.port);
      // ssh uses the local user name when the address has none; so do we.
      const username = url.username ? decodeURIComponent(url.username) : (env['USER'] ?? env['LOGNAME'] ?? env['USERNAME'] ?? 'root');
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      // dockerode runs `docker system dial-stdio` over ssh2, which authenticates through the agent only.
      const sshOptions = nonEmpty(env['SSH_AUTH_SOCK']) ? { agent: env['SSH_AUTH_SOCK'] } : {};
      return {
        address: `ssh://${encodeURIComponent(username)}@${url.hostname}:${port}`,
        dockerodeOptions: { protocol: 'ssh', host, port, username, sshOptions },
        ...plain,
      };
    }
    case 'http':
    case 'https':
      throw bad(`use tcp://${rest} (with DOCKER_TLS_VERIFY=1 for TLS) instead of ${scheme}://`);
    default:
      throw bad(`unsupported scheme ${scheme}://; ${EXPECTED}`);
  }
}

function parseUrl(text: string, bad: (why?: string) => UserError): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad();
  }
  if (url.hostname === '') throw bad('the address has no host name');
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > 65535)) throw bad(`port ${url.port} is out of range`);
  return url;
}
