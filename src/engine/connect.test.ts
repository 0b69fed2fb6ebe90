// openEngine against fake engines on local sockets (no Docker needed), and the diagnosis of each
// kind of connection failure.
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { compareApiVersions, diagnoseEngineError, openEngine } from './connect.js';
import type { EngineEndpoint } from './resolve.js';

let dir: string;
const servers: Array<Server | NetServer> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'devspace-connect-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    (s as Server).closeAllConnections?.();
    await new Promise((resolve) => s.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function listen<T extends Server | NetServer>(server: T, path: string): Promise<T> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/** Answers like Docker Engine 20.10 and records request paths. */
function engineHandler(paths: string[]): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
      paths.push(req.url ?? '');
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '');
      if (path === '/_ping') return void res.end('OK');
      if (path === '/version') return void res.end(JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }));
      if (path === '/info') return void res.end(JSON.stringify({ Driver: 'overlay2' }));
      res.statusCode = 404;
      res.end('{"message":"page not found"}');
  };
}

/** A fake engine on a unix socket. */
async function fakeEngine(paths: string[]): Promise<string> {
  const socket = join(dir, 'engine.sock');
  await listen(createServer(engineHandler(paths)), socket);
  return socket;
}

async function openError(host: string, timeoutMs = 2000): Promise<UserError> {
  const error: unknown = await openEngine({ host, env: {}, homeDir: dir, timeoutMs }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('openEngine', () => {
  it('connects, reads the version and pins an older engine\'s API version', async () => {
    const paths: string[] = [];
    const socket = await fakeEngine(paths);
    const engine = await openEngine({ host: `unix://${socket}`, env: {}, homeDir: dir });
    expect(engine.version).toEqual({ server: '20.10.24', api: '1.41', apiUsed: '1.41', os: 'linux', arch: 'amd64' });
    expect(engine.endpoint.source).toBe('flag');
    await engine.docker.info();
    expect(paths).toEqual(['/_ping', '/version', '/v1.41/info']);
  });

  it('ignores the process\'s own DOCKER_HOST when -H says otherwise', async () => {
    const socket = await fakeEngine([]);
    const saved = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = 'tcp://127.0.0.1:1';
    try {
      const engine = await openEngine({ host: `unix://${socket}`, env: {}, homeDir: dir });
      await engine.docker.info();
      expect(process.env['DOCKER_HOST']).toBe('tcp://127.0.0.1:1');
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = saved;
    }
  });

  it('diagnoses a missing socket', async () => {
    const error = await openError(`unix://${join(dir, 'nope.sock')}`);
    expect(error.message).toBe(`no Docker engine at unix://${join(dir, 'nope.sock')} (from -H/--host): ${join(dir, 'nope.sock')} does not exist`);
    expect(error.nextSteps[0]).toContain('sudo systemctl start docker');
    expect(error.nextSteps[1]).toBe('Check the address you passed with -H.');
  });

  it('diagnoses an engine that does not answer in time', async () => {
    const socket = join(dir, 'silent.sock');
    // It reads (so it sees the client hang up) but never answers.
    await listen(createNetServer((s) => s.resume()), socket);
    const error = await openError(`unix://${socket}`, 300);
    expect(error.message).toBe(`the Docker engine at unix://${socket} (from -H/--host) did not answer within 0.3s`);
  });

  it('diagnoses something that is not a Docker engine', async () => {
    const socket = join(dir, 'web.sock');
    await listen(createServer((_req, res) => { res.statusCode = 404; res.end('not here'); }), socket);
    const error = await openError(`unix://${socket}`);
    expect(error.message).toMatch(/^something answers at unix:\/\/.*web\.sock \(from -H\/--host\), but it is not a Docker engine \(\(HTTP code 404\)/);
  });

  it('diagnoses a refused TCP connection', async () => {
    // Port 1 on 127.0.0.1: nothing listens there on a normal machine.
    const error = await openError('tcp://127.0.0.1:1');
    expect(error.message).toBe('connection refused at tcp://127.0.0.1:1 (from -H/--host): nothing listens on 127.0.0.1:1');
  });
});

// A TLS engine on 127.0.0.1 with a self-signed certificate made by openssl (skipped without it).
const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!openssl)('openEngine over TLS', () => {
  function selfSigned(folder: string, cn: string) {
    mkdirSync(folder, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')], { stdio: 'ignore' });
    // The self-signed certificate is its own CA; the same pair doubles as the client certificate.
    execFileSync('cp', [join(folder, 'cert.pem'), join(folder, 'ca.pem')]);
  }

  async function tlsEngine(certs: string): Promise<number> {
    const server = createHttpsServer({ key: readFileSync(join(certs, 'key.pem')), cert: readFileSync(join(certs, 'cert.pem')) }, engineHandler([]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  it('verifies the engine against DOCKER_CERT_PATH/ca.pem', async () => {
    const certs = join(dir, 'certs');
    selfSigned(certs, 'engine');
    const port = await tlsEngine(certs);
    const engine = await openEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, homeDir: dir });
    expect(engine.endpoint).toMatchObject({ tls: true, tlsVerify: true });
    expect(engine.version.api).toBe('1.41');
  });

  it('diagnoses a CA that did not sign the engine\'s certificate, naming the folder', async () => {
    const certs = join(dir, 'certs');
    const other = join(dir, 'other');
    selfSigned(certs, 'engine');
    selfSigned(other, 'someone-else');
    const port = await tlsEngine(certs);
    const error = await openEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: other }, homeDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(new RegExp(`^TLS with the Docker engine at tcp://127\\.0\\.0\\.1:${port} \\(from DOCKER_HOST with DOCKER_TLS_VERIFY`));
    expect((error as UserError).nextSteps[0]).toContain(`${other} (ca.pem, cert.pem, key.pem)`);
  });

  it('skips verification with DOCKER_TLS (no _VERIFY)', async () => {
    const certs = join(dir, 'certs');
    selfSigned(certs, 'engine');
    const port = await tlsEngine(certs);
    const engine = await openEngine({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS: '1', DOCKER_CONFIG: join(dir, 'empty') }, homeDir: dir });
    expect(engine.endpoint).toMatchObject({ tls: true, tlsVerify: false });
  });
});

describe('diagnoseEngineError', () => {
  const unix: EngineEndpoint = { source: 'socket', sourceDetail: 'found /var/run/docker.sock', address: 'unix:///var/run/docker.sock', dockerodeOptions: { socketPath: '/var/run/docker.sock' }, tls: false, tlsVerify: false, searched: ['/var/run/docker.sock', '/home/u/.docker/run/docker.sock'] };
  const tcp: EngineEndpoint = { source: 'DOCKER_HOST', sourceDetail: 'DOCKER_HOST with DOCKER_TLS_VERIFY (certificates in /certs)', address: 'tcp://h:2376', dockerodeOptions: { host: 'h', port: 2376, protocol: 'https' }, tls: true, tlsVerify: true, certPath: '/certs' };
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('permission denied → the docker group', () => {
    const e = diagnoseEngineError(err('EACCES', 'connect EACCES /var/run/docker.sock'), unix);
    expect(e.message).toBe('permission denied on the Docker socket at unix:///var/run/docker.sock (found /var/run/docker.sock (no -H, DOCKER_HOST or docker context set))');
    expect(e.nextSteps[0]).toContain('sudo usermod -aG docker $USER');
  });

  it('a missing default socket → start Docker, and where it looked', () => {
    const e = diagnoseEngineError(err('ENOENT'), { ...unix, source: 'default', sourceDetail: 'no -H, DOCKER_HOST or docker context, and no socket at the usual paths' });
    expect(e.message).toContain('/var/run/docker.sock does not exist');
    expect(e.nextSteps.join('\n')).toContain('Docker Desktop');
    expect(e.nextSteps.join('\n')).toContain('scripts/docker-engine.sh start');
    expect(e.nextSteps.join('\n')).toContain('devspace looked for a socket at: /var/run/docker.sock, /home/u/.docker/run/docker.sock.');
  });

  it('a stale socket → the engine stopped', () => {
    expect(diagnoseEngineError(err('ECONNREFUSED'), unix).message).toContain('the socket file exists but nothing listens on it');
  });

  it('TLS failures → the certificate folder', () => {
    const e = diagnoseEngineError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), tcp);
    expect(e.message).toBe('TLS with the Docker engine at tcp://h:2376 (from DOCKER_HOST with DOCKER_TLS_VERIFY (certificates in /certs)) failed: unable to verify the first certificate');
    expect(e.nextSteps[0]).toContain('/certs (ca.pem, cert.pem, key.pem)');
  });

  it('plain HTTP to a TLS engine → DOCKER_TLS_VERIFY', () => {
    const e = diagnoseEngineError(Object.assign(new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'), { statusCode: 400 }), { ...tcp, tls: false });
    expect(e.message).toContain('expects TLS, but devspace spoke plain HTTP');
  });

  it('an unknown host name', () => {
    expect(diagnoseEngineError(err('ENOTFOUND'), tcp).message).toBe('cannot resolve the host name h (tcp://h:2376 (from DOCKER_HOST with DOCKER_TLS_VERIFY (certificates in /certs)))');
  });

  it('ssh without an agent → ssh-agent', () => {
    const ssh: EngineEndpoint = { source: 'flag', sourceDetail: '-H/--host', address: 'ssh://me@box:22', dockerodeOptions: { protocol: 'ssh', host: 'box', port: 22, username: 'me', sshOptions: {} }, tls: false, tlsVerify: false };
    const e = diagnoseEngineError(new Error('All configured authentication methods failed'), ssh);
    expect(e.nextSteps[0]).toContain('SSH_AUTH_SOCK is not set');
  });
});

describe('compareApiVersions', () => {
  it('compares numerically', () => {
    expect(compareApiVersions('1.41', '1.52')).toBe(-1);
    expect(compareApiVersions('1.9', '1.41')).toBe(-1);
    expect(compareApiVersions('1.52', '1.52')).toBe(0);
    expect(compareApiVersions('2.0', '1.52')).toBe(1);
  });
});
