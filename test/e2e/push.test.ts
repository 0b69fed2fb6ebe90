// `devspace push` against real registries (Debian's docker-registry, started by
// test/registry/registry.sh: plain HTTP, htpasswd auth, TLS with our own CA that the engine
// trusts), with the user's credentials found the way Docker finds them — here through a real
// credential-helper executable (fixtures/credential-helper). Read back through the v2 API.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip } from '../integration/docker-env.js';
import { devspace, makeProject, projectNames, root } from './run-env.js';

const engine = await dockerEngineOrSkip('devspace push e2e tests');

/** The registries' addresses and the auth registry's login, from the env file registry.sh wrote. */
function registries(): Record<string, string> | undefined {
  const file = process.env.DEVSPACE_TEST_REGISTRY_ENV ?? '/tmp/devspace-test-registry/registry.env';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (process.env.CI) throw new Error(`no test registries (${file}); .ci/run starts them with test/registry/registry.sh start`);
    return undefined;
  }
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
const reg = registries();
if (!reg) console.warn('skipping push tests: start the registries with `bash test/registry/registry.sh start`');

const project = projectNames();
const localTags: string[] = [];
afterAll(async () => {
  if (localTags.length > 0) await docker(['rmi', ...localTags], { reject: false });
}, 120_000);

/** GET/HEAD on a registry's v2 API (TLS with our CA where the registry has one). */
function v2(registry: string, path: string, options: { method?: string; auth?: [string, string]; ca?: string } = {}): Promise<{ status: number; body: string; digest?: string }> {
  const headers: Record<string, string> = { Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' };
  if (options.auth) headers['Authorization'] = `Basic ${Buffer.from(options.auth.join(':')).toString('base64')}`;
  if (!options.ca) {
    return fetch(`http://${registry}${path}`, { method: options.method ?? 'GET', headers }).then(async (r) => ({ status: r.status, body: await r.text(), digest: r.headers.get('docker-content-digest') ?? undefined }));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(`https://${registry}${path}`, { method: options.method ?? 'GET', headers, ca: readFileSync(options.ca!) }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, digest: res.headers['docker-content-digest'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Event = Record<string, unknown> & { type: string };
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
const recorded = (dir: string) => (JSON.parse(readFileSync(join(dir, '.devspace/images.json'), 'utf8')) as { services: Record<string, { image: string; digest: string; pinned: string }> }).services;
const helperPath = join(root, 'fixtures/credential-helper');

/** A Docker config dir using the test credential helper for `registry`, serving `password`. */
function dockerConfig(registry: string, user: string, password: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-dockercfg-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry]: 'devspace-test' } }));
  writeFileSync(join(dir, 'creds'), `${registry}=${user}:${password}\n`);
  return { DOCKER_CONFIG: dir, DEVSPACE_TEST_CREDS_FILE: join(dir, 'creds'), PATH: `${helperPath}:${process.env.PATH ?? ''}` };
}

const smallProject = (name: string, extra = '') =>
  makeProject({ 'compose.yaml': `name: ${name}\nservices:\n  app:\n    build: ./app\n${extra}`, 'app/Dockerfile': 'FROM busybox:latest\nCOPY msg /msg\n', 'app/msg': `${name}\n` });

describe.skipIf(!engine || !reg)('devspace push', () => {
  it('pushes the example app to a plain, an authenticated and a TLS registry; the registry serves the recorded digests; a second push sends nothing', async () => {
    const name = project('push-example');
    const dir = mkdtempSync(join(tmpdir(), 'devspace-push-'));
    cpSync(join(root, 'fixtures/voting-app'), dir, { recursive: true });
    const auth: [string, string] = [reg!.DEVSPACE_TEST_REGISTRY_AUTH_USER!, reg!.DEVSPACE_TEST_REGISTRY_AUTH_PASSWORD!];
    const targets = [
      { registry: reg!.DEVSPACE_TEST_REGISTRY_PLAIN!, env: {}, read: {} },
      { registry: reg!.DEVSPACE_TEST_REGISTRY_AUTH!, env: dockerConfig(reg!.DEVSPACE_TEST_REGISTRY_AUTH!, ...auth), read: { auth } },
      { registry: reg!.DEVSPACE_TEST_REGISTRY_TLS!, env: {}, read: { ca: reg!.DEVSPACE_TEST_REGISTRY_TLS_CA! } },
    ];
    for (const t of targets) {
      const first = await devspace(['-p', name, '--json', 'push', '--registry', t.registry], dir, t.env, 600_000);
      expect(first.stderr).toBe('');
      expect(first.exitCode).toBe(0);
      const pushed = recorded(dir);
      for (const service of ['front', 'back']) {
        const image = pushed[service]!;
        localTags.push(image.image);
        expect(image.pinned).toBe(`${t.registry}/${name}/${service}@${image.digest}`);
        const tag = image.image.slice(image.image.lastIndexOf(':') + 1);
        expect(tag).toMatch(/^[0-9a-f]{16}$/);
        const tags = JSON.parse((await v2(t.registry, `/v2/${name}/${service}/tags/list`, t.read)).body) as { tags: string[] };
        expect(tags.tags).toContain(tag);
        const manifest = await v2(t.registry, `/v2/${name}/${service}/manifests/${tag}`, { ...t.read, method: 'HEAD' });
        expect(manifest.status).toBe(200);
        expect(manifest.digest).toBe(image.digest);
      }
      const catalog = JSON.parse((await v2(t.registry, '/v2/_catalog', t.read)).body) as { repositories: string[] };
      expect(catalog.repositories).toEqual(expect.arrayContaining([`${name}/front`, `${name}/back`]));

      const second = await devspace(['-p', name, '--json', 'push', '--registry', t.registry], dir, t.env, 600_000);
      expect(second.exitCode).toBe(0);
      const done = events(second.stdout).filter((e) => e.type === 'push-done');
      expect(done.map((e) => [e.service, e.skipped]).sort()).toEqual([['back', true], ['front', true]]);
      expect(events(second.stdout).filter((e) => e.type === 'push-start' || e.type === 'build-start')).toEqual([]);
    }
    expect(readFileSync(join(dir, '.devspace/.gitignore'), 'utf8')).toContain('*');
  }, 900_000);

  it('a wrong password is a clear error that never shows the password; a failing credential helper is named', async () => {
    const name = project('push-auth');
    const dir = smallProject(name);
    const registry = reg!.DEVSPACE_TEST_REGISTRY_AUTH!;
    const secret = `wrong-${Math.random().toString(36).slice(2)}-pw`;
    const wrong = await devspace(['push', '--registry', registry], dir, dockerConfig(registry, 'devspace', secret));
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain(`${registry} refused the push`);
    expect(wrong.stderr).toContain('credential helper docker-credential-devspace-test');
    expect(wrong.stderr).toContain(`docker login ${registry}`);
    expect(wrong.stderr).not.toMatch(/at .*\.(c?js|ts):\d+/);
    expect(`${wrong.stdout}${wrong.stderr}`).not.toContain(secret);

    const failing = await devspace(['push', '--registry', registry], dir, { ...dockerConfig(registry, 'devspace', 'x'), DEVSPACE_TEST_HELPER_FAIL: '1' });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain(`docker-credential-devspace-test failed for ${registry}`);

    const anonymous = await devspace(['push', '--registry', registry], dir, { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'devspace-empty-')) });
    expect(anonymous.exitCode).toBe(1);
    expect(anonymous.stderr).toContain('no credentials');
  }, 300_000);

  it('tags by git commit, with -dirty for a changed tree', async () => {
    const name = project('push-git');
    const dir = smallProject(name);
    const git = (...args: string[]) => execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir });
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-qm', 'first');
    const sha = String((await git('rev-parse', '--short', 'HEAD')).stdout).trim();
    const registry = reg!.DEVSPACE_TEST_REGISTRY_PLAIN!;
    const clean = await devspace(['push', '--registry', registry, '--tag', 'git'], dir);
    expect(clean.exitCode).toBe(0);
    expect(recorded(dir).app!.image).toBe(`${registry}/${name}/app:${sha}`);
    writeFileSync(join(dir, 'app/msg'), 'changed\n');
    const dirty = await devspace(['push', '--registry', registry, '--tag', 'git'], dir);
    expect(dirty.exitCode).toBe(0);
    expect(recorded(dir).app!.image).toBe(`${registry}/${name}/app:${sha}-dirty`);
    localTags.push(`${registry}/${name}/app:${sha}`, `${registry}/${name}/app:${sha}-dirty`);
    // .devspace/ ignores itself: pushing did not make the tree dirty.
    expect(String((await git('status', '--porcelain')).stdout)).toBe(' M app/msg');
  }, 300_000);

  it('gives the same digest tag in two clean clones of the same project', async () => {
    const name = project('push-stable');
    const a = smallProject(name);
    const b = mkdtempSync(join(tmpdir(), 'devspace-clone-'));
    cpSync(a, b, { recursive: true });
    const registry = reg!.DEVSPACE_TEST_REGISTRY_PLAIN!;
    expect((await devspace(['push', '--registry', registry], a)).exitCode).toBe(0);
    await docker(['rmi', '-f', `${name}-app`], { reject: false });
    expect((await devspace(['push', '--registry', registry], b)).exitCode).toBe(0);
    expect(recorded(b).app!.image).toBe(recorded(a).app!.image);
    localTags.push(recorded(a).app!.image);
  }, 300_000);

  it('says what to do when there is nowhere to push', async () => {
    const name = project('push-noreg');
    const result = await devspace(['push'], smallProject(name));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no registry to push app to');
    expect(result.stderr).toContain('x-devspace');
  }, 60_000);
});
