// The terminal UI as a person sees it: the real bin/devspace runs `up` on the example app inside
// tmux (a real pseudo-terminal), and the test reads the screen with `tmux capture-pane` and types
// with `tmux send-keys`. Everything tmux's terminal received is also recorded (pipe-pane), so that
// short-lived states (a cached build takes a fraction of a second) are seen even between captures.
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, dockerEngineOrSkip } from '../integration/docker-env.js';
import { bin, cleanEnv, containerIds, forceCleanup, freePort, makeProject, root, uniqueName } from './run-env.js';

const engine = await dockerEngineOrSkip('terminal UI e2e test');
const TMUX = existsSync('/usr/bin/tmux') ? '/usr/bin/tmux' : 'tmux';
const name = uniqueName('tui');
const socket = `devspace-tui-${process.pid}`;
const tmux = (...args: string[]) => execa(TMUX, ['-L', socket, ...args], { reject: false });
afterAll(async () => {
  await tmux('kill-server');
  await forceCleanup(name);
}, 120_000);

const screen = async (session = 'up') => String((await tmux('capture-pane', '-p', '-t', session)).stdout);
const strip = (text: string) => text.replace(/\x1b\][^\x07]*\x07|\x1b\[[0-9;?]*[A-Za-z]/g, '');

async function waitFor(what: string, check: (screen: string) => boolean, timeoutMs: number, session = 'up'): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = await screen(session);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; the screen:\n${last}`);
}

const press = async (...keys: string[]) => {
  for (const key of keys) await tmux('send-keys', '-t', 'up', key);
};

/**
 * Runs `devspace -p PROJECT ARGS` in a new tmux session (a pseudo-terminal of 140x40) in `dir`,
 * recording everything the terminal receives in `record`. The environment is a developer's
 * terminal: `env -i` with PATH, HOME, TERM, LANG and `extra` only. That drops the CI=true under
 * which the suite runs in CI, because CI (like a pipe) rightly picks plain lines; the last test
 * here checks exactly that, in the same terminal.
 */
async function startInTmux(session: string, dir: string, record: string, project: string, args: string[], extra: Record<string, string | undefined>): Promise<void> {
  const env = Object.entries({ ...cleanEnv({ TERM: 'xterm-256color', LANG: 'C.UTF-8' }), NO_COLOR: undefined, ...extra })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-i', ...env, bin, '-p', project, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = await tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '40', '-c', dir, `${command}; echo "devspace exited with $?"; sleep 600`);
  expect(started.exitCode).toBe(0);
  await tmux('pipe-pane', '-t', session, '-o', `cat >> '${record}'`);
}

/** A project of one service that needs no build: busybox printing a line a second. */
function tickerProject(): string {
  return makeProject({ 'compose.yaml': 'services:\n  ticker:\n    image: busybox:latest\n    command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]\n' });
}

describe.skipIf(!engine)('devspace up in a terminal (tmux)', () => {
  it('shows the services reach healthy with their URL, focuses logs, rebuilds with r, restarts with s, and q stops everything', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'devspace-tui-')), 'voting-app');
    cpSync(join(root, 'fixtures', 'voting-app'), dir, { recursive: true });
    const port = await freePort();
    const record = join(dir, '..', 'terminal.log');
    // A developer's terminal: no CI, a TERM, colours allowed.
    await startInTmux('up', dir, record, name, ['up'], { FRONT_PORT: String(port) });

    // Both services healthy, the front end's URL on 127.0.0.1, the key footer.
    let frame = await waitFor('both services healthy', (s) => /front\s+● healthy/.test(s) && /back\s+● healthy/.test(s), 600_000);
    expect(frame).toContain(`http://127.0.0.1:${port}`);
    expect(frame).toMatch(/↑↓\/jk select .*r rebuild .*q quit/);
    expect(frame).toMatch(/front\s+\| .*Running on/);
    expect(frame).toContain('watch on');
    // The frame starts on the first row, and there is one header: frames are redrawn in place.
    expect(frame.split('\n')[0]).toMatch(new RegExp(`^devspace up · ${name} `));
    expect(frame.split(`devspace up · ${name}`).length).toBe(2);
    // The URL is an OSC 8 hyperlink in what the terminal received.
    expect(readFileSync(record, 'utf8')).toContain(`\x1b]8;;http://127.0.0.1:${port}\x07`);

    // Enter focuses the selected service's logs (front is first); Enter again shows all.
    await press('Enter');
    frame = await waitFor('front focused', (s) => s.includes('logs: front'), 10_000);
    const logLines = frame.split('\n').filter((l) => /^\S+\s+\| /.test(l));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.every((l) => l.startsWith('front'))).toBe(true);
    await press('Enter');
    await waitFor('all services', (s) => s.includes('logs: all services'), 10_000);

    // w turns watching off and on again.
    await press('w');
    await waitFor('watch off', (s) => s.includes('watch off'), 10_000);
    await press('w');
    await waitFor('watch on', (s) => /watch on/.test(s) && s.includes('watching again'), 30_000);

    // r rebuilds front: it goes through building (seen in the recorded output) and back to healthy, in a new container.
    const before = await containerIds(name);
    const recordedBefore = readFileSync(record, 'utf8').length;
    await press('r');
    await waitFor('front rebuilt', (s) => s.includes('front rebuilt and ready'), 300_000);
    frame = await waitFor('front healthy again', (s) => /front\s+● healthy/.test(s), 60_000);
    const during = strip(readFileSync(record, 'utf8').slice(recordedBefore));
    expect(during).toMatch(/front\s+● building/);
    expect(during.indexOf('● building')).toBeLessThan(during.lastIndexOf('● healthy'));
    const after = await containerIds(name);
    expect(after[`${name}-front-1`]).toBeDefined();
    expect(after[`${name}-front-1`]).not.toBe(before[`${name}-front-1`]);
    expect(after[`${name}-back-1`]).toBe(before[`${name}-back-1`]);

    // s restarts the selected service (j: back), which comes back healthy.
    await press('j', 's');
    await waitFor('back restarted', (s) => s.includes('restarted from the terminal UI'), 60_000);
    await waitFor('back healthy again', (s) => /back\s+● healthy/.test(s), 60_000);

    // o with no desktop opener: a message, not a crash.
    await press('k', 'o');
    await waitFor('open fails politely', (s) => /xdg-open is not installed; open http:\/\/127\.0\.0\.1:\d+ yourself|open http/.test(s), 10_000);

    // The screen follows a resize: still the footer at the bottom, no line wider than the terminal.
    await tmux('resize-window', '-t', 'up', '-x', '90', '-y', '24');
    frame = await waitFor('resized', (s) => s.split('\n').length <= 24 && /q quit/.test(s.split('\n').filter((l) => l.trim()).pop() ?? ''), 10_000);
    expect(Math.max(...frame.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(90);
    expect(frame.split('\n')[0]).toMatch(new RegExp(`^devspace up · ${name} `));

    // q stops the services as Ctrl-C does and ends devspace; nothing is left running.
    await press('q');
    await waitFor('devspace to exit', (s) => s.includes('devspace exited with 0'), 120_000);
    const running = await docker(['ps', '--filter', `label=dev.devspace.project=${name}`, '--format', '{{.Names}}']);
    expect(String(running.stdout).trim()).toBe('');
  }, 900_000);

  it('honours NO_COLOR in the terminal UI: no colours or styles, the same screen', async () => {
    const project = uniqueName('tui-nocolor');
    const dir = tickerProject();
    const record = join(dir, 'terminal.log');
    try {
      await startInTmux('nocolor', dir, record, project, ['up'], { NO_COLOR: '1' });
      await waitFor('ticker running', (s) => /ticker\s+● running/.test(s) && /ticker\s+\| tick/.test(s), 60_000, 'nocolor');
      const received = readFileSync(record, 'utf8');
      expect(received).toContain('\x1b[?2026h'); // it is the terminal UI (synchronized frames)
      expect(received).not.toMatch(/\x1b\[[0-9;]*m/); // no SGR: colour, bold, dim, underline
      await tmux('send-keys', '-t', 'nocolor', 'q');
      await waitFor('devspace to exit', (s) => s.includes('devspace exited with 0'), 60_000, 'nocolor');
    } finally {
      await forceCleanup(project);
    }
  }, 120_000);

  it('prints plain lines, not the terminal UI, when CI is set, even in a terminal', async () => {
    const project = uniqueName('tui-ci');
    const dir = tickerProject();
    const record = join(dir, 'terminal.log');
    try {
      await startInTmux('ci', dir, record, project, ['up', '--no-watch'], { CI: 'true' });
      const shown = await waitFor('ticks', (s) => /\d\d:\d\d:\d\d\.\d{3} ticker-1\s+\| tick/.test(s), 60_000, 'ci');
      expect(shown).not.toContain('● running');
      const received = readFileSync(record, 'utf8');
      expect(received).not.toContain('\x1b[?2026h');
      expect(received).not.toMatch(/\x1b\[\d*[ABEFGHJK]/); // no cursor movement or erasing
      await tmux('send-keys', '-t', 'ci', 'C-c');
      await waitFor('devspace to exit', (s) => /devspace exited with \d+/.test(s), 60_000, 'ci');
      const running = await docker(['ps', '--filter', `label=dev.devspace.project=${project}`, '--format', '{{.Names}}']);
      expect(String(running.stdout).trim()).toBe('');
    } finally {
      await forceCleanup(project);
    }
  }, 120_000);
});
