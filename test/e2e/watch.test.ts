// Hot reload on file save, as a user sees it: `devspace up` runs attached and watching (JSON
// events on stdout), the test edits files on disk and checks the container and what answers on
// 127.0.0.1. Real engine, real files, real inotify; busybox images built offline.
import { execa, type ResultPromise } from 'execa';
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip } from '../integration/docker-env.js';
import { bin, cleanEnv, containerIds, devspace, freePort, labelled, makeProject, projectNames } from './run-env.js';

const engine = await dockerEngineOrSkip('devspace watch e2e tests');
const project = projectNames();

type Event = Record<string, unknown> & { type: string };

/** A running `devspace up --json` (or watch): its events as they arrive, and a way to wait for one. */
class Running {
  readonly events: Event[] = [];
  private buffer = '';
  readonly child: ResultPromise;
  constructor(args: string[], cwd: string, env: Record<string, string> = {}) {
    this.child = execa(bin, args, { cwd, env: cleanEnv(env), extendEnv: false, reject: false, timeout: 600_000 });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as Event);
    });
  }

  /** Waits for an event after index `from` that matches; returns its index. */
  async waitFor(match: (e: Event) => boolean, from = 0, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex((e, k) => k >= from && match(e));
      if (i >= 0) return i;
      if (Date.now() > deadline) throw new Error(`timed out; events so far:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<Awaited<ResultPromise>> {
    this.child.kill('SIGINT');
    return this.child;
  }
}

const watch = (service: string, action: string) => (e: Event) => e.type === 'watch' && e.service === service && e.action === action;

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, body: await r.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

const inContainer = async (container: string, cmd: string[]) => String((await docker(['exec', container, ...cmd], { reject: false })).stdout).trim();
const startedAt = async (container: string) => String((await docker(['inspect', '-f', '{{.State.StartedAt}}', container])).stdout).trim();

const HTTPD = 'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]';

describe.skipIf(!engine)('hot reload on file save', () => {
  it('syncs changed and deleted files into every replica, ignores what it should, restarts and execs', async () => {
    const name = project('wsync');
    const port = await freePort();
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  web:
    build: ./web
    init: true
    stop_grace_period: 1s
    ports: ["127.0.0.1:${port}:80"]
    develop:
      watch:
        - {path: ./web/www, action: sync, target: /www, ignore: ["*.tmp", "drafts/"]}
        - {path: ./web/conf, action: sync+restart, target: /conf}
        - {path: ./web/hooks, action: sync+exec, target: /hooks, exec: {command: ["sh", "-c", "cat /hooks/h > /www/hook.txt"]}}
        - {path: ./web/extra, action: sync, target: /www/extra, initial_sync: true}
  locked:
    build: ./web
    init: true
    stop_grace_period: 1s
    read_only: true
    develop:
      watch:
        - {path: ./web/conf, action: sync, target: /conf}
  worker:
    build: ./web
    init: true
    stop_grace_period: 1s
    deploy: {replicas: 2}
    develop:
      watch:
        - {path: ./web/www, action: sync, target: /www}
`,
      'web/Dockerfile': `FROM busybox:latest\nCOPY www /www\nCOPY conf /conf\n${HTTPD}\n`,
      'web/www/index.html': 'one\n',
      'web/www/old.html': 'old\n',
      'web/conf/app.conf': 'a=1\n',
      'web/hooks/h': 'hook-1\n',
      'web/extra/e.html': 'only on the host\n',
    });
    const up = new Running(['up', '--json'], dir);
    try {
      await up.waitFor((e) => e.type === 'watching', 0, 120_000);
      expect((await get(port, '/index.html')).body).toBe('one\n');
      // initial_sync: what the image does not hold is copied once when watching starts.
      expect((await get(port, '/extra/e.html')).body).toBe('only on the host\n');

      // A changed file appears with its new content, in every replica of every service that syncs it.
      let mark = up.events.length;
      writeFileSync(join(dir, 'web/www/index.html'), 'two\n');
      await up.waitFor(watch('web', 'synced'), mark);
      expect((await get(port, '/index.html')).body).toBe('two\n');
      await up.waitFor(watch('worker', 'synced'), mark);
      for (const c of [`${name}-worker-1`, `${name}-worker-2`]) expect(await inContainer(c, ['cat', '/www/index.html'])).toBe('two');

      // New files in new directories, then a deleted file disappears.
      mark = up.events.length;
      mkdirSync(join(dir, 'web/www/deep/er'), { recursive: true });
      writeFileSync(join(dir, 'web/www/deep/er/new.html'), 'new\n');
      await until(() => get(port, '/deep/er/new.html'), (r) => r.body === 'new\n');
      mark = up.events.length;
      rmSync(join(dir, 'web/www/old.html'));
      await up.waitFor((e) => watch('web', 'synced')(e) && e.deleted === 1, mark);
      expect((await get(port, '/old.html')).status).toBe(404);

      // An editor's atomic save (write a temporary file, rename it over the original).
      mark = up.events.length;
      writeFileSync(join(dir, 'web/www/.index.html.tmp-save'), 'three\n');
      renameSync(join(dir, 'web/www/.index.html.tmp-save'), join(dir, 'web/www/index.html'));
      await up.waitFor((e) => watch('web', 'synced')(e) && (e.paths as string[]).some((p) => p.endsWith('/index.html')), mark);
      await up.waitFor((e) => watch('worker', 'synced')(e) && (e.paths as string[]).some((p) => p.endsWith('/index.html')), mark);
      expect((await get(port, '/index.html')).body).toBe('three\n');

      // Ignored paths (the rule's ignore, editors' temporary files) trigger nothing.
      mark = up.events.length;
      writeFileSync(join(dir, 'web/www/scratch.tmp'), 'x');
      writeFileSync(join(dir, 'web/www/.index.html.swp'), 'x');
      mkdirSync(join(dir, 'web/www/drafts'));
      writeFileSync(join(dir, 'web/www/drafts/d.html'), 'x');
      await new Promise((r) => setTimeout(r, 1500));
      expect(up.events.slice(mark).filter((e) => e.type === 'watch' && e.service === 'web')).toEqual([]);
      expect(await inContainer(`${name}-web-1`, ['ls', '/www'])).not.toMatch(/scratch|swp|drafts/);

      // sync+restart: the file is there and the process started again.
      const before = await startedAt(`${name}-web-1`);
      mark = up.events.length;
      writeFileSync(join(dir, 'web/conf/app.conf'), 'a=2\n');
      await up.waitFor(watch('web', 'restarted'), mark);
      expect(await startedAt(`${name}-web-1`)).not.toBe(before);
      expect(await inContainer(`${name}-web-1`, ['cat', '/conf/app.conf'])).toBe('a=2');
      expect((await until(() => get(port, '/index.html'), (r) => r.status === 200)).body).toBe('three\n');

      // A sync that cannot write (read-only root file system) falls back to a rebuild and says so.
      const lockedFail = await up.waitFor((e) => e.type === 'watch-failed' && e.service === 'locked' && e.action === 'sync', mark);
      expect(up.events[lockedFail]).toMatchObject({ next: 'rebuilding instead' });
      await up.waitFor(watch('locked', 'rebuilt'), lockedFail, 120_000);
      expect(await inContainer(`${name}-locked-1`, ['cat', '/conf/app.conf'])).toBe('a=2');

      // sync+exec: the command ran after the sync.
      mark = up.events.length;
      writeFileSync(join(dir, 'web/hooks/h'), 'hook-2\n');
      const i = await up.waitFor(watch('web', 'exec'), mark);
      expect(up.events[i]).toMatchObject({ exitCode: 0, command: 'sh -c cat /hooks/h > /www/hook.txt' });
      expect((await get(port, '/hook.txt')).body).toBe('hook-2\n');
    } finally {
      const result = await up.stop();
      expect(result.stderr).toBe('');
    }
    await devspace(['down', '--rmi', 'local'], dir);
    expect(await labelled(name)).toEqual({ containers: [], networks: [], volumes: [], images: [] });
  }, 300_000);

  it('rebuilds on build-context changes: new code answers, a burst is one rebuild, a build error keeps the old container, the next save recovers', async () => {
    const name = project('wrebuild');
    const port = await freePort();
    const dir = makeProject({
      'compose.yaml': `
name: ${name}
services:
  api:
    build: ./api
    init: true
    stop_grace_period: 1s
    ports: ["127.0.0.1:${port}:80"]
`,
      'api/Dockerfile': `FROM busybox:latest\nCOPY site /www\n${HTTPD}\n`,
      'api/.dockerignore': 'notes.md\n',
      'api/site/index.html': 'v1\n',
      'api/notes.md': 'ignored by .dockerignore\n',
    });
    const up = new Running(['up', '--json'], dir);
    try {
      await up.waitFor((e) => e.type === 'watching', 0, 120_000);
      const first = (await containerIds(name))[`${name}-api-1`];

      // A save rebuilds, replaces the container, and the new code answers on 127.0.0.1.
      let mark = up.events.length;
      writeFileSync(join(dir, 'api/site/index.html'), 'v2\n');
      await up.waitFor(watch('api', 'rebuilt'), mark);
      expect((await get(port, '/index.html')).body).toBe('v2\n');
      const second = (await containerIds(name))[`${name}-api-1`];
      expect(second).not.toBe(first);

      // A path the context's .dockerignore excludes triggers nothing.
      mark = up.events.length;
      writeFileSync(join(dir, 'api/notes.md'), 'still ignored\n');
      await new Promise((r) => setTimeout(r, 1500));
      expect(up.events.slice(mark).filter((e) => e.type === 'watch' || e.type === 'build-start')).toEqual([]);

      // A burst of 2,000 writes (a git checkout) is one rebuild.
      mark = up.events.length;
      mkdirSync(join(dir, 'api/site/burst'));
      for (let i = 0; i < 2000; i++) writeFileSync(join(dir, 'api/site/burst', `f${i}.txt`), `${i}\n`);
      await up.waitFor(watch('api', 'rebuilt'), mark, 120_000);
      await new Promise((r) => setTimeout(r, 3000));
      const burst = up.events.slice(mark);
      expect(burst.filter((e) => e.type === 'build-done' && e.service === 'api')).toHaveLength(1);
      expect(burst.filter(watch('api', 'rebuilt'))).toHaveLength(1);
      expect((await get(port, '/burst/f1999.txt')).body).toBe('1999\n');

      // A build error is shown, the loop lives on, and the previous container keeps answering.
      const beforeError = (await containerIds(name))[`${name}-api-1`];
      mark = up.events.length;
      writeFileSync(join(dir, 'api/Dockerfile'), `FROM busybox:latest\nRUN echo broken-step && exit 3\nCOPY site /www\n${HTTPD}\n`);
      const failed = await up.waitFor((e) => e.type === 'watch-failed' && e.service === 'api' && e.action === 'rebuild', mark, 60_000);
      expect(String(up.events[failed]!.message)).toMatch(/exit|code 3|returned a non-zero code/i);
      expect((await get(port, '/index.html')).body).toBe('v2\n');
      expect((await containerIds(name))[`${name}-api-1`]).toBe(beforeError);

      // The next good save recovers.
      mark = up.events.length;
      writeFileSync(join(dir, 'api/site/index.html'), 'v3\n');
      writeFileSync(join(dir, 'api/Dockerfile'), `FROM busybox:latest\nCOPY site /www\n${HTTPD}\n`);
      await up.waitFor(watch('api', 'rebuilt'), mark, 60_000);
      expect((await get(port, '/index.html')).body).toBe('v3\n');
    } finally {
      await up.stop();
    }
    await devspace(['down', '--rmi', 'local'], dir);
  }, 400_000);

  it('reloads the compose file: a new service starts without touching the others; an invalid edit is reported with its position and changes nothing', async () => {
    const name = project('wreload');
    const compose = `
name: ${name}
services:
  app:
    build: ./app
    init: true
    stop_grace_period: 1s
    command: ["sleep", "1000"]
`;
    const dir = makeProject({ 'compose.yaml': compose, 'app/Dockerfile': 'FROM busybox:latest\n' });
    const up = new Running(['up', '--json'], dir);
    try {
      await up.waitFor((e) => e.type === 'watching', 0, 120_000);
      const before = (await containerIds(name))[`${name}-app-1`];

      let mark = up.events.length;
      writeFileSync(join(dir, 'compose.yaml'), `${compose}    ports: [oops\n`);
      const failed = await up.waitFor((e) => e.type === 'watch-failed' && e.action === 'reload', mark);
      expect(String(up.events[failed]!.message)).toMatch(/compose\.yaml:\d+:\d+/);

      mark = up.events.length;
      writeFileSync(join(dir, 'compose.yaml'), compose);
      appendFileSync(join(dir, 'compose.yaml'), `  extra:\n    image: busybox:latest\n    init: true\n    command: ["sleep", "1000"]\n`);
      await up.waitFor((e) => e.type === 'watch' && e.action === 'reloaded', mark);
      const after = await containerIds(name);
      expect(after[`${name}-app-1`]).toBe(before);
      expect(after[`${name}-extra-1`]).toBeDefined();
      expect(up.events.slice(mark).filter((e) => e.type === 'container' && e.service === 'app' && e.action !== 'keep')).toEqual([]);
    } finally {
      await up.stop();
    }
    await devspace(['down', '--rmi', 'local'], dir);
  }, 300_000);

  it('devspace watch says plainly when the inotify limit is reached, with the fix', async () => {
    // The limit is lowered for real, in a user namespace of our own (root only; unshare from util-linux).
    const probe = await execa('unshare', ['-U', '-r', 'sh', '-c', 'echo 8 > /proc/sys/user/max_inotify_watches'], { reject: false });
    if (probe.exitCode !== 0) {
      // CI runs as root, where this works: there, not reaching the limit is a failure, not a skip.
      if (process.env.CI) throw new Error(`cannot lower the inotify limit: ${String(probe.stderr).trim()}`);
      return void console.warn(`skipped: cannot lower the inotify limit here (${String(probe.stderr).trim()})`);
    }
    const name = project('wlimit');
    const files: Record<string, string> = {
      'compose.yaml': `name: ${name}\nservices:\n  app:\n    build: ./app\n    init: true\n    stop_grace_period: 1s\n    command: ["sleep", "1000"]\n`,
      'app/Dockerfile': 'FROM busybox:latest\n',
    };
    // One inotify watch per directory: 40 directories overrun a limit of 8.
    for (let i = 0; i < 40; i++) files[`app/src/d${i}/f.txt`] = `${i}\n`;
    const dir = makeProject(files);
    expect((await devspace(['up', '-d'], dir)).exitCode).toBe(0);
    const script = `echo 8 > /proc/sys/user/max_inotify_watches && exec ${bin} watch`;
    const child = execa('unshare', ['-U', '-r', 'sh', '-c', script], { cwd: dir, env: cleanEnv(), extendEnv: false, reject: false, timeout: 120_000 });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    while (!(/watching /.test(out) && /cannot watch/.test(out)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const result = await child;
    expect(out).toMatch(/error: cannot watch .*this user namespace allows 8 \(user\.max_inotify_watches\)/);
    expect(out).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    expect(result.stderr).toBe('');
    await devspace(['down', '--rmi', 'local'], dir);
  }, 200_000);

  it('devspace watch on a project that is not up says what to do', async () => {
    const name = project('wnotup');
    const dir = makeProject({ 'compose.yaml': `name: ${name}\nservices:\n  app:\n    build: ./app\n`, 'app/Dockerfile': 'FROM busybox:latest\n' });
    const result = await devspace(['watch'], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`nothing of project "${name}" is running`);
    expect(result.stderr).toContain('devspace up');
  }, 60_000);
});
