import { describe, expect, it } from 'vitest';
import type { DevspaceEvent } from '../../events.js';
import { ALL_SCROLLBACK, applyEvent, clean, createModel, displayState, FLASH_MS, SERVICE_SCROLLBACK } from './model.js';
import { RingBuffer } from './ring-buffer.js';

function fold(events: DevspaceEvent[], start = 0) {
  const model = createModel([{ name: 'front', dependsOn: ['back'] }, { name: 'back' }], start);
  let now = start;
  for (const e of events) applyEvent(model, e, (now += 10));
  return { model, now, front: model.byName.get('front')!, back: model.byName.get('back')! };
}

const state = (service: string, container: string, s: 'created' | 'starting' | 'running' | 'healthy' | 'unhealthy' | 'exited' | 'restarting' | 'removed', exitCode?: number, detail?: string): DevspaceEvent => ({
  type: 'service-state',
  service,
  container,
  state: s,
  ...(exitCode !== undefined ? { exitCode } : {}),
  ...(detail ? { detail } : {}),
});

describe('the screen model', () => {
  it('goes waiting → building → starting → healthy, with the image and the time of the last change', () => {
    const { model, front } = fold([]);
    expect(displayState(front, 0)).toBe('waiting');
    applyEvent(model, { type: 'build-start', service: 'front', image: 'app-front' }, 100);
    expect(displayState(front, 100)).toBe('building');
    applyEvent(model, { type: 'build-step', service: 'front', step: 'Step 2/5 : RUN make' }, 150);
    expect(front.progress?.step).toEqual({ index: 2, total: 5, text: 'RUN make' });
    applyEvent(model, { type: 'build-done', service: 'front', image: 'app-front', imageId: 'sha256:x', digest: 'sha256:x', durationMs: 2500 }, 200);
    expect(front.progress?.done).toBe('built app-front in 2.5 s');
    expect(front.image).toBe('app-front');
    applyEvent(model, state('front', 'app-front-1', 'starting'), 300);
    expect(displayState(front, 300)).toBe('starting');
    applyEvent(model, { type: 'log', service: 'front', container: 'app-front-1', stream: 'stdout', line: 'GET /healthz' }, 350);
    expect(front.changedAt).toBe(300); // a log line is not a change of state
    applyEvent(model, state('front', 'app-front-1', 'healthy'), 400);
    expect(displayState(front, 400)).toBe('healthy');
    expect(front.changedAt).toBe(400);
  });

  it('shows the worst replica, exit codes, and pins the last error', () => {
    const { front, model } = fold([state('front', 'app-front-1', 'healthy'), state('front', 'app-front-2', 'unhealthy', undefined, 'curl: connection refused')]);
    expect(displayState(front, 1000)).toBe('unhealthy');
    expect(front.lastError?.text).toBe('app-front-2 unhealthy: curl: connection refused');
    applyEvent(model, state('front', 'app-front-2', 'removed'), 1000);
    expect(displayState(front, 1000)).toBe('healthy');
    applyEvent(model, state('front', 'app-front-1', 'exited', 3), 1100);
    expect(displayState(front, 1100)).toBe('exited');
    expect(front.exitCode).toBe(3);
    applyEvent(model, { type: 'log', service: 'front', container: 'app-front-1', stream: 'stderr', line: 'Traceback (most recent call last):' }, 1200);
    expect(front.lastError?.text).toBe('Traceback (most recent call last):');
  });

  it('keeps a failed build with its step and output tail', () => {
    const { front } = fold([
      { type: 'build-start', service: 'front', image: 'app-front' },
      { type: 'build-output', service: 'front', line: 'compiling' },
      { type: 'build-failed', service: 'front', step: 'Step 3/5 : RUN make', message: 'exit code 2', tail: [] },
    ]);
    expect(displayState(front, 1e6)).toBe('build failed');
    expect(front.progress?.failed).toEqual({ step: 'Step 3/5 : RUN make', message: 'exit code 2', tail: ['compiling'] });
    expect(front.lastError?.text).toBe('build failed at Step 3/5 : RUN make: exit code 2');
  });

  it('counts pushed bytes per layer and notes retries', () => {
    const { back } = fold([
      { type: 'push-start', service: 'back', image: 'reg/back:1' },
      { type: 'push-progress', service: 'back', layer: 'a', status: 'Pushing', current: 50, total: 100 },
      { type: 'push-progress', service: 'back', layer: 'b', status: 'Pushed' },
      { type: 'push-retry', service: 'back', image: 'reg/back:1', attempt: 1, delayMs: 2000, message: '503' },
    ]);
    expect(displayState(back, 1e6)).toBe('pushing');
    expect([...back.progress!.layers]).toEqual([['a', { status: 'Pushing', current: 50, total: 100 }], ['b', { status: 'Pushed' }]]);
    expect(back.progress?.note).toBe('retry 2 in 2.0 s: 503');
  });

  it('shows syncing for a moment after a sync, and the cluster rollout', () => {
    const { front, model, now } = fold([{ type: 'watching', services: ['front'], paths: 2, poll: false }, state('front', 'app-front-1', 'healthy'), { type: 'watch', service: 'front', action: 'synced', durationMs: 40, paths: ['/a'], files: 1 }]);
    expect(model.watching).toBe(true);
    expect(displayState(front, now)).toBe('syncing');
    expect(displayState(front, now + FLASH_MS + 1)).toBe('healthy');
    applyEvent(model, { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'progressing', desired: 2, updated: 1, ready: 1, available: 1, message: '1 of 2 ready' }, now);
    expect(displayState(front, now + FLASH_MS + 1)).toBe('deploying');
    expect(front.cluster).toMatchObject({ state: 'progressing', ready: 1, desired: 2 });
    applyEvent(model, { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'failed', desired: 2, updated: 1, ready: 1, available: 1, message: 'back-off', reason: 'CrashLoopBackOff', logs: ['panic: boom'] }, now);
    expect(front.lastError?.text).toBe('rollout failed: CrashLoopBackOff: back-off');
    expect(front.logs.at(front.logs.length - 1)?.text).toBe('panic: boom');
  });

  it('keeps the scrollback bounded, per service and in all', () => {
    const { model, front } = fold([]);
    for (let i = 0; i < ALL_SCROLLBACK + 500; i++) applyEvent(model, { type: 'log', service: i % 2 ? 'front' : 'back', container: 'x', stream: 'stdout', line: `l${i}` }, i);
    expect(model.logs.length).toBe(ALL_SCROLLBACK);
    expect(front.logs.length).toBe(SERVICE_SCROLLBACK);
    expect(model.logs.at(model.logs.length - 1)?.text).toBe(`l${ALL_SCROLLBACK + 499}`);
  });

  it('strips what would move the cursor from container output, keeps colours', () => {
    expect(clean('a\tb\r')).toBe('a    b');
    expect(clean('\x1b[2J\x1b[Hhi \x1b[31mred\x1b[0m\x1b]0;title\x07')).toBe('hi \x1b[31mred\x1b[0m');
  });
  it('logs each rollout report with its reason, keeps a build that runs meanwhile, and says "up to date" once', () => {
    const { model, front } = fold([
      { type: 'container', service: 'front', name: 'app-front-1', action: 'keep', cause: 'up to date' },
      { type: 'build-start', service: 'front', image: 'app-front' },
      { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'progressing', desired: 1, updated: 1, ready: 0, available: 0, message: 'pod front-1 is Pending', reason: 'Unschedulable' },
      { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'ready', desired: 1, updated: 1, ready: 1, available: 1, message: 'rolled out' },
    ]);
    const texts = Array.from({ length: model.logs.length }, (_, i) => model.logs.at(i)!.text);
    expect(texts).toEqual(['app-front-1 is up to date', 'deployment/front rolling out (0/1 ready, 1 updated, 0 available): Unschedulable: pod front-1 is Pending', 'deployment/front ready (1/1 ready, 1 updated, 1 available): rolled out']);
    expect(displayState(front, 1_000)).toBe('building');
    expect(front.cluster).toMatchObject({ state: 'ready', ready: 1, desired: 1 });
  });
});

describe('RingBuffer', () => {
  it('windows from the end, skipping and filtering', () => {
    const r = new RingBuffer<number>(5);
    for (let i = 0; i < 8; i++) r.push(i);
    expect([0, 1, 2, 3, 4].map((i) => r.at(i))).toEqual([3, 4, 5, 6, 7]);
    expect(r.window(2, 0)).toEqual([6, 7]);
    expect(r.window(2, 1)).toEqual([5, 6]);
    expect(r.window(10, 0, (n) => n % 2 === 1)).toEqual([3, 5, 7]);
    expect(r.countMatching((n) => n > 4)).toBe(3);
  });

});
