// Runs bin/devspace the way a user does (a real process, real files) and checks what they read.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'devspace');
const example = join(root, 'fixtures', 'voting-app');
// A clean environment: nothing from the developer's shell leaks into interpolation.
const env = { PATH: process.env.PATH ?? '', HOME: tmpdir(), NO_COLOR: '1' };

function devspace(args: string[], cwd = example) {
  return execa(bin, args, { cwd, env, extendEnv: false, reject: false });
}

/**
 * A kubeconfig with one context, kind-a, whose API server is port 1 on loopback: nothing listens
 * there, so a request is refused at once.
 */
function oneContextKubeconfig(): string {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'devspace-cli-')), 'config');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: [{name: a, cluster: {server: "https://127.0.0.1:1"}}]\n' +
      'users: [{name: u, user: {}}]\ncontexts: [{name: kind-a, context: {cluster: a, user: u}}]\ncurrent-context: kind-a\n',
  );
  return kubeconfig;
}

describe('devspace (the binary)', () => {
  it('prints its version, the same as package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const result = await devspace(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('lists every command of the product in --help', async () => {
    const result = await devspace(['--help']);
    expect(result.exitCode).toBe(0);
    for (const command of ['up', 'down', 'build', 'push', 'deploy', 'render', 'delete', 'ps', 'logs', 'config', 'doctor']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    for (const flag of ['--file', '--project-name', '--profile', '--env-file', '--json', '--verbose']) expect(result.stdout).toContain(flag);
  });

  it('names the kubeconfig and its contexts when deploy is pointed at a context it does not have', async () => {
    const kubeconfig = oneContextKubeconfig();
    const result = await execa(bin, ['deploy', '--context', 'nope'], { cwd: example, env: { ...env, KUBECONFIG: kubeconfig }, extendEnv: false, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`no context "nope" (from --context) in ${kubeconfig}`);
    expect(result.stderr).toContain('Contexts there: kind-a');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which API server it cannot reach when the cluster is down, without a stack trace', async () => {
    const kubeconfig = oneContextKubeconfig();
    for (const args of [['ps', '--context', 'kind-a'], ['delete']]) {
      const result = await execa(bin, args, { cwd: example, env: { ...env, KUBECONFIG: kubeconfig }, extendEnv: false, reject: false });
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr).toContain('error: cannot reach the Kubernetes API server https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
      expect(result.stderr).toContain('kubectl cluster-info');
      expect(result.stderr).not.toMatch(/\n\s+at |internal error|DeprecationWarning/);
    }
  });

  it('rejects an unknown command with a suggestion and exit code 1', async () => {
    const result = await devspace(['confg']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("unknown command 'confg'");
    expect(result.stderr).toContain('config');
  });
});

describe('devspace config on the example app', () => {
  it('prints the resolved model a user can read', async () => {
    const result = await devspace(['config']);
    expect(result.exitCode).toBe(0);
    const model = parse(result.stdout);
    expect(model.name).toBe('voting-app');
    expect(Object.keys(model.services)).toEqual(['back', 'front']);
    const front = model.services.front;
    expect(front.build).toEqual({ context: join(example, 'front'), dockerfile: 'Dockerfile' });
    expect(front.environment).toEqual({ REDIS: 'back', TITLE: 'Cats vs Dogs' });
    expect(front.ports).toEqual([{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }]);
    expect(front.depends_on).toEqual({ back: { condition: 'service_healthy', required: true, restart: false } });
    expect(front.deploy.resources).toEqual({ limits: { cpus: 0.5 }, reservations: { cpus: 0.25 } });
    expect(front.develop.watch.map((w: { action: string }) => w.action)).toEqual(['sync', 'sync+restart', 'rebuild']);
    expect(front['x-devspace']).toEqual({ service: { type: 'LoadBalancer' }, autoscale: { cpu: 50, max: 10 } });
    expect(model.services.back.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(model.volumes['redis-data'].name).toBe('voting-app_redis-data');
    expect(model.networks.default.name).toBe('voting-app_default');
  });

  it('interpolates from the environment, which wins over defaults', async () => {
    const result = await execa(bin, ['config', '--format', 'json'], { cwd: example, env: { ...env, FRONT_PORT: '9999', TITLE: 'Tabs vs Spaces' }, extendEnv: false });
    const model = JSON.parse(result.stdout);
    expect(model.services.front.ports[0].published).toBe('9999');
    expect(model.services.front.environment.TITLE).toBe('Tabs vs Spaces');
  });

  it('lists services, volumes and images like docker compose config', async () => {
    expect((await devspace(['config', '--services'])).stdout).toBe('back\nfront');
    expect((await devspace(['config', '--volumes'])).stdout).toBe('redis-data');
    expect((await devspace(['config', '--images'])).stdout).toBe('voting-app-back\nvoting-app-front');
    const hashes = (await devspace(['config', '--hash', '*'])).stdout.split('\n');
    expect(hashes.map((l) => l.split(' ')[0]).sort()).toEqual(['back', 'front']);
    for (const line of hashes) expect(line).toMatch(/^\w+ [0-9a-f]{64}$/);
  });

  it('honours -p and -f from another directory', async () => {
    const result = await devspace(['-f', join(example, 'compose.yaml'), '-p', 'votes', 'config', '--format', 'json'], tmpdir());
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).name).toBe('votes');
  });
});

describe('devspace config on a broken file', () => {
  it('names file, line, column and path of every problem, with a hint and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devspace-e2e-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      ['services:', '  web:', '    image: busybox', '    enviroment:', '      A: b', '  db:', '    image: busybox', '    ports:', '      - "80:abc"', ''].join('\n'),
    );
    const result = await devspace(['config'], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('has 2 problems');
    expect(result.stderr).toContain('compose.yaml:4:5: services.web: unknown key "enviroment"');
    expect(result.stderr).toContain('Did you mean "environment"?');
    expect(result.stderr).toContain('compose.yaml:9:9: services.db.ports[0]: invalid port "80:abc"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a missing compose file with what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devspace-e2e-empty-'));
    const result = await devspace(['config'], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no compose file found');
    expect(result.stderr).toContain('-f');
  });
});
