import { describe, expect, it } from 'vitest';
import type { DevspaceEvent } from '../events.js';
import { clockTime, jsonRenderer, plainRenderer } from './plain.js';
import { RECORDED } from './recorded-events.js';

function render(events: DevspaceEvent[], options: { verbose?: boolean; color?: boolean } = {}): string {
  let out = '';
  const emit = plainRenderer({ write: (t) => (out += t), color: options.color ?? false, verbose: options.verbose ?? false, services: ['front', 'back'] });
  events.forEach(emit);
  return out;
}

describe('plainRenderer', () => {
  it('prefixes lines with the service, aligned, and says why containers change', () => {
    expect(
      render([
        { type: 'build-cached', service: 'back', image: 'app-back', digest: 'sha256:1' },
        { type: 'build-cached', service: 'front', image: 'app-front', digest: 'sha256:2', imageId: 'sha256:0123456789abcdef0123' },
        { type: 'resource', kind: 'network', name: 'app_default', action: 'created' },
        { type: 'container', service: 'front', name: 'app-front-1', action: 'recreate', cause: 'configuration changed' },
        { type: 'container', service: 'back', name: 'app-back-1', action: 'orphan', cause: 'service is no longer in the compose file' },
      ]),
    ).toBe(
      'back    | app-back is up to date (inputs unchanged), no build\n' +
        'front   | app-front: the image built earlier from these same inputs (0123456789ab) is tagged again, no build\n' +
        'network app_default created\n' +
        'front   | app-front-1 recreated (configuration changed)\n' +
        'back    | app-back-1 is an orphan (service is no longer in the compose file): run with --remove-orphans to remove it\n',
    );
  });

  it('shows each service state once per container, exit codes included', () => {
    const state = (state: 'starting' | 'healthy' | 'exited', exitCode?: number): DevspaceEvent => ({ type: 'service-state', service: 'back', container: 'app-back-1', state, ...(exitCode !== undefined ? { exitCode } : {}) });
    expect(render([state('starting'), state('starting'), state('healthy'), state('healthy'), state('exited', 3)])).toBe(
      'back    | app-back-1 starting\nback    | app-back-1 healthy\nback    | app-back-1 exited with code 3\n',
    );
  });

  it('labels log lines by replica and hides our own LABEL build steps unless verbose', () => {
    const events: DevspaceEvent[] = [
      { type: 'log', service: 'front', container: 'my-app-front-2', stream: 'stdout', line: 'listening' },
      { type: 'build-step', service: 'front', step: 'Step 2/5 : RUN apt-get update' },
      { type: 'build-step', service: 'front', step: 'Step 5/5 : LABEL dev.devspace.project=my-app' },
      { type: 'build-output', service: 'front', line: 'Reading package lists...' },
    ];
    expect(render(events)).toBe('front-2 | listening\nfront   | Step 2/5 : RUN apt-get update\n');
    expect(render(events, { verbose: true })).toContain('front   | Step 5/5 : LABEL dev.devspace.project=my-app\nfront   | Reading package lists...\n');
  });

  it('colours only when asked', () => {
    expect(render([{ type: 'message', level: 'warn', text: 'careful' }], { color: true })).toBe('\x1b[33mwarning: careful\x1b[0m\n');
    expect(render([{ type: 'message', level: 'warn', text: 'careful' }])).toBe('warning: careful\n');
  });
});

describe('jsonRenderer', () => {
  it('writes one JSON object per event, with a time', () => {
    let out = '';
    jsonRenderer((t) => (out += t))({ type: 'log', service: 'a', container: 'p-a-1', stream: 'stderr', line: 'x' });
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(parsed).toMatchObject({ type: 'log', service: 'a', stream: 'stderr', line: 'x' });
    expect(typeof parsed['time']).toBe('string');
  });
});

describe('watch events', () => {
  it('says what each action did and how long it took', () => {
    expect(
      render([
        { type: 'watching', services: ['front', 'back'], paths: 3, poll: false },
        { type: 'watch', service: 'front', action: 'synced', durationMs: 42, paths: ['/p/a.js'], files: 3, deleted: 0 },
        { type: 'watch', service: 'front', action: 'synced', durationMs: 40, paths: ['/p/a.js'], files: 2, deleted: 1 },
        { type: 'watch', service: 'back', action: 'rebuilt', durationMs: 2100, paths: ['/p/main.go'] },
        { type: 'watch', service: 'back', action: 'unchanged', durationMs: 80, paths: ['/p/main.go'] },
        { type: 'watch', service: 'back', action: 'restarted', durationMs: 300, paths: [] },
        { type: 'watch', service: 'back', action: 'exec', durationMs: 120, paths: [], command: 'kill -HUP 1', exitCode: 1, output: ['no such process'] },
        { type: 'watch', service: '', action: 'reloaded', durationMs: 1200, paths: ['/p/compose.yaml'] },
        { type: 'watch-failed', service: 'front', action: 'sync', message: 'cannot sync into app-front-1: read-only file system', next: 'rebuilding instead' },
        { type: 'watch-failed', action: 'reload', message: 'compose.yaml:3:5: services.web: bad\n  hint: fix it', next: 'fix the file and save again' },
      ]),
    ).toBe(
      'watching 2 services (front, back; 3 paths); Ctrl-C to stop\n' +
        'front   | 3 files synced (42 ms)\n' +
        'front   | 2 files synced, 1 file deleted (40 ms)\n' +
        'back    | rebuilt and restarted (2.1 s)\n' +
        'back    | rebuild not needed (image inputs unchanged) (80 ms)\n' +
        'back    | restarted (300 ms)\n' +
        'back    | ran "kill -HUP 1" (exit code 1) (120 ms)\n    no such process\n' +
        'compose file changed: project reloaded (1.2 s)\n' +
        'front   | sync failed: cannot sync into app-front-1: read-only file system — rebuilding instead\n' +
        'reload failed: compose.yaml:3:5: services.web: bad\n      hint: fix it — fix the file and save again\n',
    );
  });

  it('lists the triggering paths in verbose mode', () => {
    expect(render([{ type: 'watch', service: 'front', action: 'synced', durationMs: 5, paths: ['/p/a.js', '/p/b.js'], files: 2, deleted: 0 }], { verbose: true })).toBe(
      'front   | 2 files synced (5 ms)\n    /p/a.js\n    /p/b.js\n',
    );
  });
});

describe('the recorded run (the same events as the JSON and terminal renderers get)', () => {
  const run = (options: { color: boolean; timestamps?: boolean }) => {
    let out = '';
    let ms = Date.UTC(2026, 11, 1, 11, 37, 30, 0);
    const emit = plainRenderer({ write: (t) => (out += t), verbose: false, services: ['front', 'back'], ...options, now: () => new Date((ms += 5)) });
    RECORDED.forEach(emit);
    return out;
  };

  it('prints service-prefixed lines without any escape sequence when colour is off', () => {
    const out = run({ color: false });
    expect(out).not.toContain('\x1b');
    expect(out).toContain('back    | voting-app-back-1 healthy\n');
    expect(out).toContain('front   | build failed at Step 3/6 : RUN pip install flask==99: The command returned a non-zero code: 1\n');
    expect(out).toContain('back-1  | Ready to accept connections tcp\n');
  });

  it('colours with SGR codes only: no cursor movement, no screen clearing', () => {
    const out = run({ color: true });
    expect(out).toContain('\x1b[32m');
    expect(out.match(/\x1b\[[0-9;]*[A-Za-z]/g)!.every((seq) => seq.endsWith('m'))).toBe(true);
  });

  it('starts every line with the time when asked (pipes, CI)', () => {
    const out = run({ color: false, timestamps: true });
    const lines = out.trimEnd().split('\n').filter((l) => !l.startsWith('    '));
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} /);
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5, 6))).toBe('03:04:05.006');
  });
});
