import { describe, expect, it } from 'vitest';
import type { DevspaceEvent } from '../events.js';
import { jsonRenderer, plainRenderer } from './plain.js';

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
        { type: 'resource', kind: 'network', name: 'app_default', action: 'created' },
        { type: 'container', service: 'front', name: 'app-front-1', action: 'recreate', cause: 'configuration changed' },
        { type: 'container', service: 'back', name: 'app-back-1', action: 'orphan', cause: 'service is no longer in the compose file' },
      ]),
    ).toBe(
      'back    | app-back is up to date (inputs unchanged), no build\n' +
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
