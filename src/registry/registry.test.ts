import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../compose/model.js';
import { parseChallenge } from './client.js';
import { CredentialStore, engineAuth, type Runner } from './credentials.js';
import { authKey, formatReference, isLoopback, parseReference } from './reference.js';
import { targetRepository } from './targets.js';

describe('parseReference', () => {
  it('normalises as Docker does', () => {
    expect(parseReference('redis')).toEqual({ registry: 'docker.io', repository: 'library/redis' });
    expect(parseReference('bitnami/redis:7')).toEqual({ registry: 'docker.io', repository: 'bitnami/redis', tag: '7' });
    expect(parseReference('localhost:5000/app/web:dev')).toEqual({ registry: 'localhost:5000', repository: 'app/web', tag: 'dev' });
    expect(parseReference('ghcr.io/acme/front@sha256:abc')).toEqual({ registry: 'ghcr.io', repository: 'acme/front', digest: 'sha256:abc' });
    expect(parseReference('index.docker.io/library/busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox' });
    expect(formatReference({ registry: 'docker.io', repository: 'library/redis', tag: '7' })).toBe('redis:7');
    expect(authKey('docker.io')).toBe('https://index.docker.io/v1/');
    expect(isLoopback('127.0.0.1:5000')).toBe(true);
    expect(isLoopback('registry.local:5000')).toBe(false);
  });
});

describe('targetRepository', () => {
  const project = (services: Record<string, Partial<Service>>, xdev?: object): Project =>
    ({ name: 'shop', working_dir: '/p', compose_files: [], services, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: xdev ? { 'x-devspace': xdev } : {} }) as unknown as Project;

  it('is <registry>/<project>/<service>, with --registry over the service over the environment over the project', () => {
    const p = project({ front: { build: { context: '/p' } }, api: { build: { context: '/p' }, 'x-devspace': { registry: 'svc.example.com' } } as Partial<Service> }, { registry: 'proj.example.com/team', environments: { prod: { registry: 'prod.example.com' } } });
    expect(targetRepository(p, 'front', {})).toEqual({ registry: 'proj.example.com', repository: 'team/shop/front' });
    expect(targetRepository(p, 'front', { environment: 'prod' })).toEqual({ registry: 'prod.example.com', repository: 'shop/front' });
    expect(targetRepository(p, 'api', { environment: 'prod' })).toEqual({ registry: 'svc.example.com', repository: 'shop/api' });
    expect(targetRepository(p, 'api', { registry: '127.0.0.1:5000' })).toEqual({ registry: '127.0.0.1:5000', repository: 'shop/api' });
  });

  it("keeps an image: that names a registry, and fits Docker Hub's two levels", () => {
    const p = project({ front: { build: { context: '/p' }, image: 'ghcr.io/acme/shop-front:1.0' }, api: { build: { context: '/p' } } });
    expect(targetRepository(p, 'front', { registry: 'other.example.com' })).toEqual({ registry: 'ghcr.io', repository: 'acme/shop-front' });
    expect(targetRepository(p, 'api', { registry: 'docker.io/alice' })).toEqual({ registry: 'docker.io', repository: 'alice/shop-api' });
    expect(targetRepository(p, 'api', { registry: 'alice' })).toEqual({ registry: 'docker.io', repository: 'alice/shop-api' });
  });

  it('says what to do without a registry, or with an unknown environment', () => {
    const p = project({ api: { build: { context: '/p' } } });
    expect(() => targetRepository(p, 'api', {})).toThrow(/no registry to push api to/);
    expect(() => targetRepository(p, 'api', { environment: 'nope' })).toThrow(/no environment "nope"/);
  });
});

describe('CredentialStore', () => {
  const config = (json: object) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'devspace-creds-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(json));
    return path.join(dir, 'config.json');
  };
  const helper = (answers: Record<string, { exitCode: number; stdout?: string; stderr?: string }>): { run: Runner; calls: string[] } => {
    const calls: string[] = [];
    const run: Runner = async (file, args, input) => {
      calls.push(`${file} ${args.join(' ')} <${input}`);
      const a = answers[file];
      if (!a) throw Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' });
      return { exitCode: a.exitCode, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    };
    return { run, calls };
  };

  it('reads auths (base64 user:password, Docker Hub under its index name)', async () => {
    const file = config({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('alice:s3cret:x').toString('base64') }, 'http://reg.local:5000': { identitytoken: 'tok' } } });
    const store = new CredentialStore(file, helper({}).run);
    expect(await store.get('docker.io')).toMatchObject({ username: 'alice', password: 's3cret:x' });
    expect(await store.get('reg.local:5000')).toMatchObject({ identitytoken: 'tok' });
    expect(await store.get('other.io')).toBeUndefined();
  });

  it('asks credHelpers first, then credsStore, once per registry; tokens become identity tokens', async () => {
    const file = config({ credsStore: 'store', credHelpers: { 'ghcr.io': 'gh' }, auths: { 'ghcr.io': { auth: 'eDp5' } } });
    const { run, calls } = helper({
      'docker-credential-gh': { exitCode: 0, stdout: '{"ServerURL":"ghcr.io","Username":"bob","Secret":"pw"}' },
      'docker-credential-store': { exitCode: 0, stdout: '{"Username":"<token>","Secret":"refresh"}' },
    });
    const store = new CredentialStore(file, run);
    expect(await store.get('ghcr.io')).toMatchObject({ username: 'bob', password: 'pw', source: 'credential helper docker-credential-gh' });
    await store.get('ghcr.io');
    expect(await store.get('docker.io')).toMatchObject({ identitytoken: 'refresh' });
    expect(calls).toEqual(['docker-credential-gh get <ghcr.io', 'docker-credential-store get <https://index.docker.io/v1/']);
  });

  it('treats "credentials not found" as anonymous, and other failures as errors naming the helper, without secrets', async () => {
    const file = config({ credHelpers: { 'a.io': 'none', 'b.io': 'broken', 'c.io': 'missing' } });
    const { run } = helper({ 'docker-credential-none': { exitCode: 1, stdout: 'credentials not found in native keychain' }, 'docker-credential-broken': { exitCode: 3, stderr: 'keychain locked' } });
    const store = new CredentialStore(file, run);
    expect(await store.get('a.io')).toBeUndefined();
    await expect(store.get('b.io')).rejects.toThrow(/docker-credential-broken failed for b.io \(exit code 3\): keychain locked/);
    await expect(store.get('c.io')).rejects.toThrow(/docker-credential-missing is not installed/);
  });

  it('builds the engine auth object', () => {
    expect(engineAuth('docker.io', { username: 'u', password: 'p', source: 'x' })).toEqual({ username: 'u', password: 'p', serveraddress: 'https://index.docker.io/v1/' });
    expect(engineAuth('r.io', undefined)).toEqual({ serveraddress: 'r.io' });
  });
});

describe('parseChallenge', () => {
  it('reads Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/redis:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
  });
});
