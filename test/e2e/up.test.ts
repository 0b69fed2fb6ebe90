// `devspace up`, `down`, `ps`, `logs` on the real engine, run as a user runs them, on small
// busybox projects (built offline by scripts/base-images.sh). Each test has its own project name
// and removes what carries that name's label afterwards.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerEngineOrSkip } from '../integration/docker-env.js';
import { bin, cleanEnv, containerIds, devspace, freePort, labelled, makeProject, projectNames } from './run-env.js';

const engine = await dockerEngineOrSkip('devspace up/down e2e tests');
const project = projectNames();

const events = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!engine)('devspace up / down on busybox projects', () => {
  it('converges: creates, keeps unchanged containers, recreates only what changed, reports and removes orphans, and down leaves nothing', async () => {
    const name = project('conv');
    const port = await freePort();
    const compose = (workerEnv: string, withWorker = true) => `
name: ${name}
services:
  web:
    image: busybox:latest
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && httpd -f -p 80 -h /www"]
    ports: ["127.0.0.1:${port}:80"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
      interval: 1s
      retries: 5
${withWorker ? `  worker:
    image: busybox:latest
    command: ["sh", "-c", "echo worker says $$GREETING; while true; do sleep 1; done"]
    environment:
      GREETING: ${workerEnv}
    stop_grace_period: 1s
` : ''}  app:
    build: ./app
    command: ["sh", "-c", "cat /msg; while true; do sleep 1; done"]
    stop_grace_period: 1s
    depends_on:
      web:
        condition: service_healthy
`;
    const dir = makeProject({ 'compose.yaml': compose('hi'), 'app/Dockerfile': 'FROM busybox:latest\nCOPY msg /msg\n', 'app/msg': 'message-one\n' });

    const first = await devspace(['up', '-d'], dir);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`built ${name}-app`);
    const ids = await containerIds(name);
    expect(Object.keys(ids).sort()).toEqual([`${name}-app-1`, `${name}-web-1`, `${name}-worker-1`]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toBe('hello-from-web\n');

    // Nothing changed: every container kept (same ID), no build, no context sent.
    const second = await devspace(['up', '-d', '--json'], dir);
    expect(second.exitCode).toBe(0);
    const secondEvents = events(second.stdout);
    expect(secondEvents.filter((e) => e['type'] === 'build-start')).toEqual([]);
    expect(secondEvents.find((e) => e['type'] === 'build-cached')).toMatchObject({ service: 'app' });
    expect(secondEvents.filter((e) => e['type'] === 'container').map((e) => `${e['service']}:${e['action']}`).sort()).toEqual(['app:keep', 'web:keep', 'worker:keep']);
    expect(await containerIds(name)).toEqual(ids);

    // One service's environment changes: only that service is recreated.
    writeFileSync(join(dir, 'compose.yaml'), compose('bonjour'));
    const third = await devspace(['up', '-d'], dir);
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain(`${name}-worker-1 recreated (configuration changed)`);
    const afterEnv = await containerIds(name);
    expect(afterEnv[`${name}-worker-1`]).not.toBe(ids[`${name}-worker-1`]);
    expect(afterEnv[`${name}-web-1`]).toBe(ids[`${name}-web-1`]);
    expect(afterEnv[`${name}-app-1`]).toBe(ids[`${name}-app-1`]);
    const workerLogs = await devspace(['logs', 'worker'], dir);
    expect(workerLogs.stdout).toContain('worker-1 | worker says bonjour');

    // The app's build context changes: rebuilt, and only the app is recreated.
    writeFileSync(join(dir, 'app/msg'), 'message-two\n');
    const fourth = await devspace(['up', '-d'], dir);
    expect(fourth.exitCode).toBe(0);
    expect(fourth.stdout).toContain(`${name}-app-1 recreated (image changed)`);
    expect((await devspace(['logs', 'app'], dir)).stdout).toContain('message-two');

    // A service removed from the file is an orphan: reported, then removed on request.
    writeFileSync(join(dir, 'compose.yaml'), compose('bonjour', false));
    const fifth = await devspace(['up', '-d'], dir);
    expect(fifth.exitCode).toBe(0);
    expect(fifth.stdout).toMatch(/worker-1 is an orphan .*--remove-orphans/);
    expect(Object.keys(await containerIds(name))).toContain(`${name}-worker-1`);
    const sixth = await devspace(['up', '-d', '--remove-orphans'], dir);
    expect(sixth.stdout).toContain(`${name}-worker-1 removed (service is no longer in the compose file)`);
    expect(Object.keys(await containerIds(name)).sort()).toEqual([`${name}-app-1`, `${name}-web-1`]);

    // ps as a table and as JSON.
    const ps = await devspace(['ps'], dir);
    expect(ps.stdout).toMatch(new RegExp(`${name}-web-1\\s+web\\s+Up .*127\\.0\\.0\\.1:${port}->80/tcp`));
    const psJson = JSON.parse((await devspace(['ps', '--json'], dir)).stdout) as { service: string; urls: string[] }[];
    expect(psJson.find((c) => c.service === 'web')?.urls).toEqual([`http://127.0.0.1:${port}`]);

    // down removes everything labelled as the project's, and a second down is fine.
    const down = await devspace(['down', '--rmi', 'local'], dir);
    expect(down.exitCode).toBe(0);
    expect(await labelled(name)).toEqual({ containers: [], networks: [], volumes: [], images: [] });
    const again = await devspace(['down'], dir);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to remove');
  }, 300_000);

  it('waits for service_healthy before starting a dependent, and fails clearly when a dependency never gets healthy', async () => {
    const name = project('health');
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  db:
    image: busybox:latest
    command: ["sh", "-c", "sleep 2; touch /ready; while true; do sleep 1; done"]
    healthcheck: { test: ["CMD", "test", "-f", "/ready"], interval: 1s, retries: 10 }
  app:
    image: busybox:latest
    command: ["sh", "-c", "while true; do sleep 1; done"]
    depends_on: { db: { condition: service_healthy } }
  bad:
    image: busybox:latest
    command: ["sh", "-c", "echo bad is starting; while true; do sleep 1; done"]
    healthcheck: { test: ["CMD", "false"], interval: 1s, retries: 2 }
    profiles: [broken]
  needs-bad:
    image: busybox:latest
    command: ["sleep", "1000"]
    depends_on: { bad: { condition: service_healthy } }
    profiles: [broken]
`,
    });
    const up = await devspace(['up', '-d', '--json'], dir);
    expect(up.exitCode).toBe(0);
    const seq = events(up.stdout);
    const healthy = seq.findIndex((e) => e['type'] === 'service-state' && e['service'] === 'db' && e['state'] === 'healthy');
    const appCreated = seq.findIndex((e) => e['type'] === 'container' && e['service'] === 'app' && e['action'] === 'create');
    expect(healthy).toBeGreaterThanOrEqual(0);
    expect(appCreated).toBeGreaterThan(healthy);

    const broken = await devspace(['--profile', 'broken', 'up', '-d', 'needs-bad'], dir);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('error: service "bad"');
    expect(broken.stderr).toContain('is unhealthy');
    expect(broken.stderr).toContain('bad is starting');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    expect(Object.keys(await containerIds(name))).not.toContain(`${name}-needs-bad-1`);
    expect((await devspace(['down'], dir)).exitCode).toBe(0);
    expect((await labelled(name)).containers).toEqual([]);
  }, 180_000);

  it('reports a crashing container with its exit code and last log lines', async () => {
    const name = project('crash');
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  crash:
    image: busybox:latest
    command: ["sh", "-c", "echo about to fail; echo the config is missing >&2; exit 3"]
`,
    });
    const up = await devspace(['up', '-d'], dir);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(`error: service "crash" (${name}-crash-1) exited with code 3`);
    // Both streams are in the tail (their relative order is the engine's: two pipes, one log).
    expect(up.stderr).toMatch(/last log lines of crash:\n(\s+(about to fail|the config is missing)\n){2}/);
    await devspace(['down'], dir);
  }, 120_000);

  it('runs attached: streams prefixed logs and returns when the services exit', async () => {
    const name = project('attached');
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  once:
    image: busybox:latest
    command: ["sh", "-c", "echo hello from once; echo and stderr too >&2"]
`,
    });
    const up = await devspace(['up'], dir);
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/once-1 +\| hello from once/);
    expect(up.stdout).toMatch(/once-1 +\| and stderr too/);
    expect(up.stdout).toContain(`${name}-once-1 exited with code 0`);
    await devspace(['down'], dir);
  }, 120_000);

  it('Ctrl-C during start-up leaves nothing behind', async () => {
    const name = project('sigint');
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  slow:
    image: busybox:latest
    command: ["sh", "-c", "sleep 60; touch /ready; sleep 1000"]
    healthcheck: { test: ["CMD", "test", "-f", "/ready"], interval: 1s, retries: 100 }
    stop_grace_period: 1s
  app:
    image: busybox:latest
    command: ["sleep", "1000"]
    depends_on: { slow: { condition: service_healthy } }
`,
    });
    const child = execa(bin, ['up'], { cwd: dir, env: cleanEnv(), extendEnv: false, reject: false });
    // Wait until start-up is under way (the dependency's container exists), then interrupt.
    for (let i = 0; i < 100 && (await labelled(name)).containers.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await labelled(name)).containers).toEqual([`${name}-slow-1`]);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('interrupted');
    expect(await labelled(name)).toEqual({ containers: [], networks: [], volumes: [], images: [] });
  }, 120_000);
});
