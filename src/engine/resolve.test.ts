import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { contextDirName, nodeEngineFiles, resolveEngine, type ResolveEngineOptions } from './resolve.js';

let home: string;
let config: string;
// Only the sockets a test creates exist: /var/run/docker.sock of the machine must not leak in.
let existing: Set<string>;
const files = { readFile: nodeEngineFiles.readFile, exists: (path: string) => existing.has(path) };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'devspace-resolve-'));
  config = join(home, '.docker');
  existing = new Set();
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function resolve(env: Record<string, string | undefined> = {}, extra: Partial<ResolveEngineOptions> = {}) {
  return resolveEngine({ env, homeDir: home, files, platform: 'linux', ...extra });
}

function write(path: string, text: string) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

function makeContext(name: string, host: string, options: { skipTLSVerify?: boolean; tls?: string[]; dir?: string } = {}) {
  const id = contextDirName(name);
  const dir = options.dir ?? config;
  write(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTLSVerify ?? false } } }));
  for (const file of options.tls ?? []) write(join(dir, 'contexts', 'tls', id, 'docker', file), `${file} of ${name}`);
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('resolveEngine: sources', () => {
  it('uses -H/--host above everything', () => {
    makeContext('remote', 'tcp://10.0.0.1:2375');
    write(join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const e = resolve({ DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' }, { host: 'unix:///tmp/x.sock' });
    expect(e).toMatchObject({ source: 'flag', sourceDetail: '-H/--host', address: 'unix:///tmp/x.sock', dockerodeOptions: { socketPath: '/tmp/x.sock' }, tls: false });
  });

  it('uses DOCKER_HOST above the docker context', () => {
    makeContext('remote', 'tcp://10.0.0.1:2375');
    const e = resolve({ DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' });
    expect(e).toMatchObject({ source: 'DOCKER_HOST', address: 'tcp://127.0.0.1:2375', dockerodeOptions: { host: '127.0.0.1', port: 2375, protocol: 'http' } });
  });

  it('treats an empty DOCKER_HOST or -H as unset', () => {
    existing.add('/var/run/docker.sock');
    expect(resolve({ DOCKER_HOST: '' }, { host: '' }).source).toBe('socket');
  });

  it('uses DOCKER_CONTEXT above currentContext in config.json', () => {
    makeContext('a', 'tcp://127.0.0.1:1001');
    makeContext('b', 'tcp://127.0.0.1:1002');
    write(join(config, 'config.json'), JSON.stringify({ currentContext: 'a' }));
    const e = resolve({ DOCKER_CONTEXT: 'b' });
    expect(e).toMatchObject({ source: 'context', sourceDetail: 'docker context "b" (DOCKER_CONTEXT)', address: 'tcp://127.0.0.1:1002' });
  });

  it('uses currentContext from $DOCKER_CONFIG/config.json', () => {
    const other = join(home, 'elsewhere');
    makeContext('colima', 'unix:///home/u/.colima/default/docker.sock', { dir: other });
    write(join(other, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'colima' }));
    const e = resolve({ DOCKER_CONFIG: other });
    expect(e.source).toBe('context');
    expect(e.sourceDetail).toBe(`docker context "colima" (currentContext in ${join(other, 'config.json')})`);
    expect(e.dockerodeOptions).toEqual({ socketPath: '/home/u/.colima/default/docker.sock' });
  });

  it('reads ~/.docker/config.json when DOCKER_CONFIG is unset', () => {
    makeContext('rd', 'unix:///rd.sock');
    write(join(config, 'config.json'), JSON.stringify({ currentContext: 'rd' }));
    expect(resolve().address).toBe('unix:///rd.sock');
  });

  it('treats the context named "default" as no context', () => {
    existing.add('/var/run/docker.sock');
    write(join(config, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect(resolve().source).toBe('socket');
    expect(resolve({ DOCKER_CONTEXT: 'default' }).source).toBe('socket');
  });

  it('picks the first usual socket that exists, in order', () => {
    const desktop = join(home, '.docker', 'run', 'docker.sock');
    const colima = join(home, '.colima', 'default', 'docker.sock');
    existing.add(colima).add(desktop);
    const e = resolve({ XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(e).toMatchObject({ source: 'socket', sourceDetail: `found ${desktop}`, address: `unix://${desktop}`, dockerodeOptions: { socketPath: desktop } });
    expect(e.searched!.slice(0, 3)).toEqual(['/var/run/docker.sock', '/run/user/1000/docker.sock', desktop]);
    existing.add('/run/user/1000/docker.sock');
    expect(resolve({ XDG_RUNTIME_DIR: '/run/user/1000' }).address).toBe('unix:///run/user/1000/docker.sock');
  });

  it('falls back to /var/run/docker.sock as "default" when no socket exists, listing what it searched', () => {
    const e = resolve();
    expect(e).toMatchObject({ source: 'default', address: 'unix:///var/run/docker.sock', dockerodeOptions: { socketPath: '/var/run/docker.sock' } });
    expect(e.searched).toContain(join(home, '.orbstack', 'run', 'docker.sock'));
  });

  it('is happy without any config.json or contexts folder', () => {
    existing.add('/var/run/docker.sock');
    expect(resolve({ DOCKER_CONFIG: join(home, 'missing') }).source).toBe('socket');
  });
});

describe('resolveEngine: addresses', () => {
  it.each([
    ['unix:///var/run/docker.sock', 'unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['unix://', 'unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['tcp://docker.example:2375', 'tcp://docker.example:2375', { host: 'docker.example', port: 2375, protocol: 'http' }],
    ['tcp://127.0.0.1', 'tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375, protocol: 'http' }],
    ['tcp://:2375', 'tcp://localhost:2375', { host: 'localhost', port: 2375, protocol: 'http' }],
    ['TCP://[::1]:2375', 'tcp://[::1]:2375', { host: '::1', port: 2375, protocol: 'http' }],
    ['127.0.0.1:2375', 'tcp://127.0.0.1:2375', { host: '127.0.0.1', port: 2375, protocol: 'http' }],
    ['tcp://127.0.0.1:2375/prefix', 'tcp://127.0.0.1:2375/prefix', { host: '127.0.0.1', port: 2375, protocol: 'http', pathPrefix: '/prefix' }],
    ['ssh://me@build-box', 'ssh://me@build-box:22', { protocol: 'ssh', host: 'build-box', port: 22, username: 'me', sshOptions: { agent: '/agent.sock' } }],
    ['ssh://build-box:2222', 'ssh://alice@build-box:2222', { protocol: 'ssh', host: 'build-box', port: 2222, username: 'alice', sshOptions: { agent: '/agent.sock' } }],
  ])('%s', (raw, address, options) => {
    const e = resolve({ DOCKER_HOST: raw, USER: 'alice', SSH_AUTH_SOCK: '/agent.sock' });
    expect(e.address).toBe(address);
    expect(e.dockerodeOptions).toEqual(options);
  });

  it('maps npipe:// to the named pipe on Windows', () => {
    const e = resolve({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, { platform: 'win32' });
    expect(e).toMatchObject({ address: 'npipe:////./pipe/docker_engine', dockerodeOptions: { socketPath: '//./pipe/docker_engine' } });
  });

  it('says npipe:// is Windows-only elsewhere', () => {
    expect(userError(() => resolve({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).message).toBe(
      'DOCKER_HOST=npipe:////./pipe/docker_engine: npipe:// is a Windows named pipe and this machine runs linux; use unix:///path or tcp://host:port',
    );
  });

  it.each([
    ['foo', 'not a Docker address'],
    ['/var/run/docker.sock', 'not a Docker address'],
    ['tcp://', 'the address has no host name'],
    ['tcp://host:99999', 'not a Docker address'],
    ['tcp://host:0', 'port 0 is out of range'],
    ['tcp://user@host:2375', 'takes only host, port'],
    ['ftp://host', 'unsupported scheme ftp://'],
    ['http://host:2375', 'use tcp://host:2375 (with DOCKER_TLS_VERIFY=1 for TLS) instead of http://'],
    ['ssh://host/path', 'takes no path'],
    ['ssh://me:secret@host', 'do not put a password'],
  ])('rejects DOCKER_HOST=%s, naming the source', (raw, why) => {
    const error = userError(() => resolve({ DOCKER_HOST: raw }));
    expect(error.message.startsWith(`DOCKER_HOST=${raw}: `)).toBe(true);
    expect(error.message).toContain(why);
    expect(error.nextSteps.join('\n')).toContain('DOCKER_HOST');
  });

  it('gives the exact message for a bare word', () => {
    expect(userError(() => resolve({ DOCKER_HOST: 'foo' })).message).toBe(
      'DOCKER_HOST=foo: not a Docker address; expected unix:///path, tcp://host:port, ssh://[user@]host or npipe:////./pipe/name',
    );
  });

  it('names -H when the flag is bad', () => {
    const error = userError(() => resolve({}, { host: 'foo' }));
    expect(error.message).toMatch(/^-H foo: not a Docker address/);
    expect(error.nextSteps[0]).toContain('-H');
  });

  it('names the context and its file when its Host is bad', () => {
    makeContext('broken', 'bogus');
    const error = userError(() => resolve({ DOCKER_CONTEXT: 'broken' }));
    expect(error.message).toContain('docker context "broken"');
    expect(error.message).toContain(join(config, 'contexts', 'meta', contextDirName('broken'), 'meta.json'));
    expect(error.message).toContain('Host=bogus: not a Docker address');
  });
});

describe('resolveEngine: TLS', () => {
  function certs(dir: string, names = ['ca.pem', 'cert.pem', 'key.pem']) {
    for (const name of names) write(join(dir, name), `${name} in ${dir}`);
  }

  it('DOCKER_TLS_VERIFY uses https, port 2376 by default, and DOCKER_CERT_PATH', () => {
    const dir = join(home, 'certs');
    certs(dir);
    const e = resolve({ DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(e).toMatchObject({ tls: true, tlsVerify: true, certPath: dir, address: 'tcp://127.0.0.1:2376' });
    expect(e.dockerodeOptions).toEqual({ host: '127.0.0.1', port: 2376, protocol: 'https', ca: `ca.pem in ${dir}`, cert: `cert.pem in ${dir}`, key: `key.pem in ${dir}` });
    expect(e.sourceDetail).toBe(`DOCKER_HOST with DOCKER_TLS_VERIFY (certificates in ${dir})`);
  });

  it('takes the certificates from ~/.docker (or DOCKER_CONFIG) when DOCKER_CERT_PATH is unset', () => {
    certs(config);
    expect(resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' }).dockerodeOptions.ca).toBe(`ca.pem in ${config}`);
  });

  it('applies the TLS variables to -H too, as the docker CLI does', () => {
    certs(config);
    expect(resolve({ DOCKER_TLS_VERIFY: '1' }, { host: 'tcp://h:2376' }).dockerodeOptions.protocol).toBe('https');
  });

  it('DOCKER_TLS without verification uses the client certificate but no CA', () => {
    certs(config, ['cert.pem', 'key.pem']);
    const e = resolve({ DOCKER_HOST: 'tcp://h', DOCKER_TLS: '1' });
    expect(e).toMatchObject({ tls: true, tlsVerify: false });
    expect(e.dockerodeOptions).toEqual({ host: 'h', port: 2376, protocol: 'https', cert: `cert.pem in ${config}`, key: `key.pem in ${config}` });
  });

  it('ignores the TLS variables for a unix socket', () => {
    expect(resolve({ DOCKER_HOST: 'unix:///s.sock', DOCKER_TLS_VERIFY: '1' })).toMatchObject({ tls: false, dockerodeOptions: { socketPath: '/s.sock' } });
  });

  it('says which ca.pem is missing', () => {
    const error = userError(() => resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/no/such' }));
    expect(error.message).toBe('DOCKER_TLS_VERIFY is set but there is no CA certificate at /no/such/ca.pem');
    expect(error.nextSteps[0]).toContain('DOCKER_CERT_PATH=/no/such');
  });

  it('refuses a certificate without its key', () => {
    certs(config, ['ca.pem', 'cert.pem']);
    expect(userError(() => resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' })).message).toBe(`${config} has cert.pem but no key.pem: a client certificate needs both`);
  });

  it('reads a context\'s TLS material from contexts/tls/<sha256>/docker', () => {
    makeContext('secure', 'tcp://engine.example:2376', { tls: ['ca.pem', 'cert.pem', 'key.pem'] });
    const e = resolve({ DOCKER_CONTEXT: 'secure' });
    const dir = join(config, 'contexts', 'tls', contextDirName('secure'), 'docker');
    expect(e).toMatchObject({ source: 'context', tls: true, tlsVerify: true, certPath: dir });
    expect(e.dockerodeOptions).toEqual({ host: 'engine.example', port: 2376, protocol: 'https', ca: 'ca.pem of secure', cert: 'cert.pem of secure', key: 'key.pem of secure' });
  });

  it('honours SkipTLSVerify in a context', () => {
    makeContext('insecure', 'tcp://engine.example:2376', { skipTLSVerify: true });
    expect(resolve({ DOCKER_CONTEXT: 'insecure' })).toMatchObject({ tls: true, tlsVerify: false, dockerodeOptions: { protocol: 'https' } });
  });

  it('uses plain http for a context without TLS material', () => {
    makeContext('plain', 'tcp://engine.example:2375');
    expect(resolve({ DOCKER_CONTEXT: 'plain' })).toMatchObject({ tls: false, dockerodeOptions: { protocol: 'http' } });
  });
});

describe('resolveEngine: broken configuration', () => {
  it('names a DOCKER_CONTEXT that does not exist', () => {
    const error = userError(() => resolve({ DOCKER_CONTEXT: 'gone' }));
    expect(error.message).toMatch(/^docker context "gone" \(from DOCKER_CONTEXT\) does not exist: there is no .*meta\.json$/);
    expect(error.nextSteps).toContain('Unset DOCKER_CONTEXT, or set it to an existing context.');
  });

  it('names a currentContext that does not exist', () => {
    write(join(config, 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    const error = userError(() => resolve());
    expect(error.message).toContain(`(from currentContext in ${join(config, 'config.json')})`);
    expect(error.nextSteps.join('\n')).toContain('docker context use default');
  });

  it('names a config.json that is not JSON', () => {
    write(join(config, 'config.json'), '{ nope');
    expect(userError(() => resolve()).message).toMatch(new RegExp(`^${join(config, 'config.json')} is not valid JSON`));
  });

  it('names a context without a Docker endpoint', () => {
    write(join(config, 'contexts', 'meta', contextDirName('k8s-only'), 'meta.json'), JSON.stringify({ Name: 'k8s-only', Endpoints: {} }));
    expect(userError(() => resolve({ DOCKER_CONTEXT: 'k8s-only' })).message).toContain('has no Docker endpoint (Endpoints.docker.Host)');
  });
});
