// openEngine against the real engine, reached each way a user can point at it: the usual socket,
// -H, DOCKER_HOST and a docker context made by the docker CLI itself (which also checks that we
// read its context store — sha256 folder names, meta.json — the way it writes it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/engine/connect.js';
import { UserError } from '../../src/errors.js';
import { docker, dockerEngineOrSkip } from './docker-env.js';

const engine = await dockerEngineOrSkip('engine connection tests');
const SOCKET = '/var/run/docker.sock';

describe.skipIf(!engine)('openEngine (real engine)', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'devspace-engine-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function expectWorks(options: Parameters<typeof openEngine>[0]) {
    const opened = await openEngine(options);
    expect(opened.version.server).toMatch(/^\d+\.\d+/);
    expect(opened.version.api).toMatch(/^1\.\d+$/);
    // A real call through the pinned client: the engine accepts the API version we chose.
    const info = (await opened.docker.info()) as { Driver: string };
    expect(info.Driver).not.toBe('');
    return opened;
  }

  it('finds the socket with nothing configured, and pins the engine\'s API version', async () => {
    const opened = await expectWorks({ env: {}, homeDir: home });
    expect(opened.endpoint).toMatchObject({ source: 'socket', address: `unix://${SOCKET}` });
    const apiFromCli = String((await docker(['version', '--format', '{{.Server.APIVersion}}'])).stdout).trim();
    expect(opened.version.api).toBe(apiFromCli);
    if (apiFromCli === '1.41') expect(opened.version.apiUsed).toBe('1.41');
    // Containers listed through the pinned client work against this engine (API 1.41 on Debian's 20.10).
    expect(Array.isArray(await opened.docker.listContainers({ limit: 1 }))).toBe(true);
  });

  it('uses -H unix:///var/run/docker.sock', async () => {
    const opened = await expectWorks({ host: `unix://${SOCKET}`, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' }, homeDir: home });
    expect(opened.endpoint).toMatchObject({ source: 'flag', address: `unix://${SOCKET}` });
  });

  it('uses DOCKER_HOST', async () => {
    const opened = await expectWorks({ env: { DOCKER_HOST: `unix://${SOCKET}` }, homeDir: home });
    expect(opened.endpoint.source).toBe('DOCKER_HOST');
  });

  it('uses a docker context created by the docker CLI in a temp DOCKER_CONFIG', async () => {
    const config = mkdtempSync(join(home, 'config-'));
    const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
    await docker(['context', 'create', 'devspace-test', '--docker', `host=unix://${SOCKET}`], { env });
    await docker(['context', 'use', 'devspace-test'], { env });
    const opened = await expectWorks({ env: { DOCKER_CONFIG: config }, homeDir: home });
    expect(opened.endpoint).toMatchObject({ source: 'context', address: `unix://${SOCKET}` });
    expect(opened.endpoint.sourceDetail).toBe(`docker context "devspace-test" (currentContext in ${join(config, 'config.json')})`);
    // DOCKER_CONTEXT=default overrides currentContext and means "no context".
    const byDefault = await openEngine({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' }, homeDir: home });
    expect(byDefault.endpoint.source).toBe('socket');
  });

  it('a context that points nowhere fails with the context named', async () => {
    const config = mkdtempSync(join(home, 'config-'));
    const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
    await docker(['context', 'create', 'nowhere', '--docker', 'host=unix:///tmp/devspace-nowhere.sock'], { env });
    const error = await openEngine({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nowhere' }, homeDir: home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('no Docker engine at unix:///tmp/devspace-nowhere.sock (from docker context "nowhere" (DOCKER_CONTEXT)): /tmp/devspace-nowhere.sock does not exist');
  });
});

// Needs no engine: nothing listens on this path anyway.
describe('openEngine with a missing socket', () => {
  it('-H unix:///tmp/nope.sock gives a UserError with the fix', async () => {
    const error = await openEngine({ host: 'unix:///tmp/nope.sock', env: {}, homeDir: tmpdir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.message).toBe('no Docker engine at unix:///tmp/nope.sock (from -H/--host): /tmp/nope.sock does not exist');
    expect(e.nextSteps.join('\n')).toMatch(/Docker Desktop.*systemctl start docker.*scripts\/docker-engine\.sh start/s);
    expect(e.exitCode).toBe(1);
  });
});
