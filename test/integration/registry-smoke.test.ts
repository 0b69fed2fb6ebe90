// Smoke test of the real test registries (test/registry/registry.sh) with the real Docker engine:
// busybox:latest is tagged and pushed by the Docker CLI to each of the three registries (plain
// HTTP, basic auth, TLS with the test CA), then read back through the v2 API. Also: the fake
// credential helper (fixtures/credential-helper) answers the real protocol, and the Docker CLI uses
// it (get on push, store on login). Fails in CI when the engine or the registries are missing;
// skipped with a printed reason elsewhere.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip } from './docker-env.js';
import {
  CREDENTIAL_HELPER,
  CREDENTIAL_HELPER_DIR,
  CREDENTIAL_HELPER_NAME,
  type TestRegistry,
  catalog,
  manifest,
  manifestDigest,
  registryOrSkip,
  registryRequest,
  tags,
  uniqueTag,
} from '../registry/registry-env.js';

const engine = await dockerEngineOrSkip('registry smoke test');
const registries = await registryOrSkip('registry smoke test');

const REPO = 'devspace-smoke/busybox';
const tag = uniqueTag('smoke');
const work = mkdtempSync(join(tmpdir(), 'devspace-registry-smoke-'));
/** Image references this file tagged in the engine, removed at the end. */
const created: string[] = [];

afterAll(async () => {
  if (engine && created.length > 0) await docker(['image', 'rm', ...created], { reject: false });
  rmSync(work, { recursive: true, force: true });
});

/** A fresh, empty Docker config dir (never the user's ~/.docker), with an optional config.json. */
function dockerConfig(name: string, config?: object): string {
  const dir = mkdtempSync(join(work, `docker-config-${name}-`));
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

/** Environment for the docker CLI and the credential helper. */
function env(configDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DOCKER_CONFIG: configDir,
    PATH: `${CREDENTIAL_HELPER_DIR}${delimiter}${process.env['PATH'] ?? ''}`,
    ...extra,
  };
}

/** Tags busybox:latest as <registry>/<REPO>:<tag> and returns the reference. */
async function tagBusybox(registry: TestRegistry, t = tag): Promise<string> {
  const ref = `${registry.host}/${REPO}:${t}`;
  await docker(['tag', 'busybox:latest', ref]);
  created.push(ref);
  return ref;
}

/** `docker push`; returns the digest it printed. Rejects with the CLI's output on failure. */
async function push(ref: string, configDir: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await docker(['push', ref], { env: env(configDir, extra), timeout: 120_000 });
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(String(r.stdout))?.[1];
  if (!digest) throw new Error(`no digest in docker push output:\n${String(r.stdout)}`);
  return digest;
}

async function pushFails(ref: string, configDir: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await docker(['push', ref], { env: env(configDir, extra), timeout: 120_000, reject: false });
  expect(r.exitCode, `docker push ${ref} should have failed:\n${String(r.stdout)}`).not.toBe(0);
  return `${String(r.stdout)}\n${String(r.stderr)}`;
}

/** The pushed digest is what the registry serves for the tag, and the engine records it too. */
async function expectServed(registry: TestRegistry, ref: string, digest: string, t = tag): Promise<void> {
  expect(await tags(registry, REPO)).toContain(t);
  expect(await manifestDigest(registry, REPO, t)).toBe(digest);
  expect(await catalog(registry)).toContain(REPO);
  const m = await manifest(registry, REPO, digest);
  expect(m?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  const repoDigests = await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', ref]);
  expect(JSON.parse(String(repoDigests.stdout))).toContain(`${registry.host}/${REPO}@${digest}`);
}

describe.skipIf(!engine || !registries)('test registries with the Docker engine', () => {
  const r = registries!;

  it('plain HTTP: push through the Docker CLI, read back through the v2 API', async () => {
    expect((await registryRequest(r.plain, '/v2/')).status).toBe(200);
    const ref = await tagBusybox(r.plain);
    const digest = await push(ref, dockerConfig('plain'));
    await expectServed(r.plain, ref, digest);
    expect(await manifestDigest(r.plain, REPO, `${tag}-never-pushed`)).toBeUndefined();
    expect(await tags(r.plain, 'devspace-smoke/never-pushed')).toEqual([]);
  }, 120_000);

  it('basic auth: 401 without credentials, docker login (wrong, then right password), push, read back', async () => {
    expect((await registryRequest(r.auth, '/v2/', { auth: false })).status).toBe(401);
    expect((await registryRequest(r.auth, '/v2/', { auth: { username: 'devspace', password: 'wrong' } })).status).toBe(401);
    await expect(catalog(r.auth, false)).rejects.toThrow(/HTTP 401/);

    const ref = await tagBusybox(r.auth);
    const config = dockerConfig('auth');
    expect(await pushFails(ref, config)).toMatch(/no basic auth credentials|unauthorized|authentication required/i);

    const login = (password: string) =>
      docker(['login', r.auth.host, '--username', r.auth.auth.username, '--password-stdin'], {
        env: env(config),
        input: password,
        reject: false,
      });
    const wrong = await login('not-the-password');
    expect(wrong.exitCode).not.toBe(0);
    expect(String(wrong.stderr)).toMatch(/401|unauthorized/i);
    const right = await login(r.auth.auth.password);
    expect(right.exitCode, String(right.stderr)).toBe(0);
    expect(readFileSync(join(config, 'config.json'), 'utf8')).toContain(r.auth.host);

    const digest = await push(ref, config);
    await expectServed(r.auth, ref, digest);
  }, 120_000);

  // dockerd treats every registry on 127.0.0.0/8 as insecure: it pushes over HTTPS here but skips
  // certificate verification (certs.d is not even read). The CA is proven by the reads below.
  it('TLS with the test CA: push through the engine, read back over HTTPS trusting only the test CA', async () => {
    const certsD = `/etc/docker/certs.d/${r.tls.host}/ca.crt`;
    if (process.getuid?.() === 0) expect(readFileSync(certsD, 'utf8')).toBe(r.tls.ca);
    // Without the test CA the certificate is rejected: this really is TLS with a private CA.
    await expect(registryRequest({ ...r.tls, ca: undefined }, '/v2/')).rejects.toThrow(/certificate/i);

    const ref = await tagBusybox(r.tls);
    const digest = await push(ref, dockerConfig('tls'));
    await expectServed(r.tls, ref, digest);
  }, 120_000);

  it('the Docker CLI uses the fake credential helper: get on push (right and wrong password), store on login', async () => {
    const host = r.auth.host;
    const creds = join(work, 'helper-creds.env');
    const log = join(work, 'helper.log');
    const config = dockerConfig('helper', { credHelpers: { [host]: CREDENTIAL_HELPER_NAME } });
    const t = `${tag}-helper`;
    const ref = await tagBusybox(r.auth, t);

    writeFileSync(creds, `${host}=${r.auth.auth.username}:wrong-password\n`);
    expect(await pushFails(ref, config, { DEVSPACE_TEST_CREDS_FILE: creds })).toMatch(/unauthorized|authentication required/i);
    expect(await pushFails(ref, config, { DEVSPACE_TEST_CREDS_FILE: creds, DEVSPACE_TEST_HELPER_FAIL: '1' })).toMatch(
      /error getting credentials|failed on purpose/i,
    );

    writeFileSync(creds, `${host}=${r.auth.auth.username}:${r.auth.auth.password}\n`);
    rmSync(log, { force: true });
    const digest = await push(ref, config, { DEVSPACE_TEST_CREDS_FILE: creds, DEVSPACE_TEST_HELPER_LOG: log });
    await expectServed(r.auth, ref, digest, t);
    expect(readFileSync(log, 'utf8')).toContain(`get ${host}`);

    // docker login with "credsStore" hands the credentials to the helper's `store`.
    const stored = join(work, 'helper-stored.env');
    const storeConfig = dockerConfig('helper-store', { credsStore: CREDENTIAL_HELPER_NAME });
    const login = await docker(['login', host, '--username', r.auth.auth.username, '--password-stdin'], {
      env: env(storeConfig, { DEVSPACE_TEST_CREDS_FILE: stored }),
      input: r.auth.auth.password,
      reject: false,
    });
    expect(login.exitCode, String(login.stderr)).toBe(0);
    expect(readFileSync(stored, 'utf8')).toContain(`${host}=${r.auth.auth.username}:`);
    expect(readFileSync(join(storeConfig, 'config.json'), 'utf8')).not.toContain(r.auth.auth.password);
  }, 180_000);
});

describe('the fake credential helper speaks the docker-credential-helpers protocol', () => {
  const creds = join(work, 'protocol-creds.env');
  writeFileSync(creds, '# test credentials\n127.0.0.1:5999=devspace:s3cr:et=1\nhttps://localhost:6000/=bob:pw\n');
  const helper = (action: string, input: string, extra: Record<string, string> = {}) =>
    execa(CREDENTIAL_HELPER, [action], {
      input,
      reject: false,
      env: { DEVSPACE_TEST_CREDS_FILE: creds, ...extra },
      timeout: 10_000,
    });

  it('is an executable', () => {
    expect(existsSync(CREDENTIAL_HELPER)).toBe(true);
  });

  it('get: known server -> the credentials as JSON; matching ignores the scheme and a trailing slash', async () => {
    const r = await helper('get', '127.0.0.1:5999\n');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ServerURL: '127.0.0.1:5999', Username: 'devspace', Secret: 's3cr:et=1' });
    const r2 = await helper('get', 'localhost:6000');
    expect(JSON.parse(r2.stdout)).toEqual({ ServerURL: 'localhost:6000', Username: 'bob', Secret: 'pw' });
    expect(r.stderr + r2.stderr).toBe('');
  });

  it('get: unknown server -> "credentials not found in native keychain", exit 1', async () => {
    const r = await helper('get', '127.0.0.1:1');
    expect(r.exitCode).toBe(1);
    expect(r.stdout.trim()).toBe('credentials not found in native keychain');
    const none = await helper('get', '127.0.0.1:5999', { DEVSPACE_TEST_CREDS_FILE: join(work, 'no-such-file') });
    expect([none.exitCode, none.stdout.trim()]).toEqual([1, 'credentials not found in native keychain']);
  });

  it('fails when told to, with a message on stderr and no secret anywhere but get\'s stdout', async () => {
    const r = await helper('get', '127.0.0.1:5999', { DEVSPACE_TEST_HELPER_FAIL: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/failed on purpose/);
    expect(r.stdout + r.stderr).not.toContain('s3cr');
  });

  it('store, list and erase', async () => {
    const file = join(work, 'protocol-store.env');
    const e = { DEVSPACE_TEST_CREDS_FILE: file };
    const stored = await helper('store', JSON.stringify({ ServerURL: '127.0.0.1:7000', Username: 'u', Secret: 'p"w\\x' }), e);
    expect([stored.exitCode, stored.stdout, stored.stderr]).toEqual([0, '', '']);
    expect(JSON.parse((await helper('get', '127.0.0.1:7000', e)).stdout)).toMatchObject({ Username: 'u', Secret: 'p"w\\x' });
    expect(JSON.parse((await helper('list', '', e)).stdout)).toEqual({ '127.0.0.1:7000': 'u' });
    expect((await helper('erase', '127.0.0.1:7000', e)).exitCode).toBe(0);
    expect((await helper('get', '127.0.0.1:7000', e)).exitCode).toBe(1);
    expect((await helper('frobnicate', '')).exitCode).toBe(1);
  });
});
