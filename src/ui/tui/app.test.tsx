import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { DevspaceEvent } from '../../events.js';
import { App } from './app.js';
import type { Command } from './keys.js';
import { applyEvent, createModel, setServiceInfo } from './model.js';
import { RECORDED } from '../recorded-events.js';
import { frameController } from './start-tui.js';

// What `devspace up` of the example app emits (recorded from a run, log lines shortened).
const UP: DevspaceEvent[] = [
  { type: 'build-start', service: 'back', image: 'voting-app-back' },
  { type: 'build-step', service: 'back', step: 'Step 1/4 : FROM redis:7-alpine' },
  { type: 'build-step', service: 'back', step: 'Step 2/4 : COPY redis.conf /etc/redis.conf' },
  { type: 'build-start', service: 'front', image: 'voting-app-front' },
  { type: 'build-done', service: 'back', image: 'voting-app-back', imageId: 'sha256:b', digest: 'sha256:b', durationMs: 1200 },
  { type: 'build-step', service: 'front', step: 'Step 3/6 : RUN pip install flask redis' },
  { type: 'resource', kind: 'network', name: 'voting-app_default', action: 'created' },
  { type: 'container', service: 'back', name: 'voting-app-back-1', action: 'create', cause: 'new service' },
  { type: 'service-state', service: 'back', container: 'voting-app-back-1', state: 'starting' },
  { type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: 'Ready to accept connections tcp' },
  { type: 'service-state', service: 'back', container: 'voting-app-back-1', state: 'healthy' },
];

const tick = () => new Promise((r) => setTimeout(r, 20));

function setup(events: DevspaceEvent[], size = { columns: 100, rows: 24 }) {
  let now = 1_000_000;
  const model = createModel([{ name: 'front', dependsOn: ['back'] }, { name: 'back' }], now);
  events.forEach((e) => applyEvent(model, e, (now += 100)));
  const frames = frameController(1000);
  const commands: Command[] = [];
  const ui = render(<App model={model} title="voting-app" frames={frames} now={() => now} onCommand={(c) => commands.push(c)} size={size} />);
  const feed = async (more: DevspaceEvent[]) => {
    more.forEach((e) => applyEvent(model, e, (now += 100)));
    frames.flush();
    await tick();
  };
  return { ui, model, commands, feed, frames, advance: (ms: number) => (now += ms) };
}

describe('the terminal UI', () => {
  it('shows each service with its state, image, and build progress; done builds collapse to one line', async () => {
    const { ui, frames } = setup(UP);
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/▸ front\s+● building\s+voting-app-front/);
    expect(frame).toMatch(/ {2}back\s+● healthy\s+voting-app-back/);
    expect(frame).toMatch(/⚒ front [█░]+ step 3\/6 RUN pip install flask redis/);
    expect(frame).toContain('✓ back: built voting-app-back in 1.2 s');
    expect(frame).toMatch(/back\s+\| Ready to accept connections tcp/);
    expect(frame).toMatch(/devspace\s+\| network voting-app_default created/);
    expect(frame).toContain('↑↓/jk select');
    expect(frame).toContain('q quit');
    ui.unmount();
    frames.close();
  });

  it('expands a failed build with its step and output tail, and pins the error', async () => {
    const { ui, feed, frames } = setup(UP, { columns: 140, rows: 24 });
    await feed([
      { type: 'build-output', service: 'front', line: 'ERROR: No matching distribution found for flask==99' },
      { type: 'build-failed', service: 'front', step: 'Step 3/6 : RUN pip install flask==99', message: 'The command returned a non-zero code: 1', tail: ['Collecting flask==99', 'ERROR: No matching distribution found for flask==99'] },
    ]);
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/front\s+● build failed/);
    expect(frame).toContain('✗ front: build failed at Step 3/6 : RUN pip install flask==99: The command returned a non-zero code: 1');
    expect(frame).toContain('    ERROR: No matching distribution found for flask==99');
    expect(frame).toContain('⚠ front: build failed at Step 3/6');
    ui.unmount();
    frames.close();
  });

  it('shows published ports as clickable links to 127.0.0.1', async () => {
    const { ui, model, feed, frames } = setup(UP);
    setServiceInfo(model, { name: 'front', urls: ['http://127.0.0.1:8080'] }, 0);
    await feed([]);
    expect(ui.lastFrame()).toContain('\x1b]8;;http://127.0.0.1:8080\x07http://127.0.0.1:8080\x1b]8;;\x07');
    ui.unmount();
    frames.close();
  });

  it('focuses one service\'s logs with Enter and goes back to all with Enter again', async () => {
    const { ui, feed, frames } = setup(UP);
    await feed([{ type: 'log', service: 'front', container: 'voting-app-front-1', stream: 'stdout', line: 'Running on http://0.0.0.0:80' }]);
    expect(ui.lastFrame()).toMatch(/logs: all services/);
    ui.stdin.write('j'); // select back
    await tick();
    ui.stdin.write('\r');
    await tick();
    let frame = ui.lastFrame()!;
    expect(frame).toContain('logs: back');
    expect(frame).toContain('Ready to accept connections');
    expect(frame).not.toContain('Running on http://0.0.0.0:80');
    ui.stdin.write('\r');
    await tick();
    frame = ui.lastFrame()!;
    expect(frame).toContain('logs: all services');
    expect(frame).toContain('Running on http://0.0.0.0:80');
    ui.unmount();
    frames.close();
  });

  it('turns r, s, w, d, o and q into commands for the selected service', async () => {
    const { ui, commands, frames } = setup(UP);
    for (const key of ['r', 'j', 's', 'w', 'd', 'o', 'q']) {
      ui.stdin.write(key);
      await tick();
    }
    expect(commands).toEqual([
      { kind: 'rebuild', service: 'front' },
      { kind: 'restart', service: 'back' },
      { kind: 'toggle-watch' },
      { kind: 'deploy' },
      { kind: 'open', service: 'back' },
      { kind: 'quit' },
    ]);
    ui.unmount();
    frames.close();
  });

  it('searches the logs with / and scrolls back with PgUp, holding the view while lines arrive', async () => {
    const lines: DevspaceEvent[] = Array.from({ length: 100 }, (_, i) => ({ type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: `line ${i}${i % 10 === 0 ? ' tens' : ''}` }));
    const { ui, feed, frames } = setup([...UP, ...lines]);
    expect(ui.lastFrame()).toContain('line 99');
    ui.stdin.write('\x1b[5~'); // PgUp
    await tick();
    let frame = ui.lastFrame()!;
    expect(frame).not.toContain('line 99');
    expect(frame).toMatch(/scrolled back \d+ lines/);
    await feed([{ type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: 'line 100' }]);
    expect(ui.lastFrame()).not.toContain('line 100');
    ui.stdin.write('G');
    await tick();
    expect(ui.lastFrame()).toContain('line 100');
    for (const key of ['/', 't', 'e', 'n', 's']) {
      ui.stdin.write(key);
      await tick();
    }
    expect(ui.lastFrame()).toContain('/tens');
    ui.stdin.write('\r');
    await tick();
    frame = ui.lastFrame()!;
    expect(frame).toContain('search "tens"');
    expect(frame).toContain('line 90 tens');
    expect(frame).not.toContain('line 99');
    ui.unmount();
    frames.close();
  });

  it('shows the dependency view with v and help with ?', async () => {
    const { ui, frames } = setup(UP, { columns: 100, rows: 40 });
    ui.stdin.write('v');
    await tick();
    expect(ui.lastFrame()).toMatch(/dependencies \(depends_on\)\n\s*front building\n\s*└▶ back healthy/);
    ui.stdin.write('?');
    await tick();
    expect(ui.lastFrame()).toContain('rebuild the selected service');
    ui.stdin.write('x');
    await tick();
    expect(ui.lastFrame()).toContain('logs: all services');
    ui.unmount();
    frames.close();
  });

  it('fits the frame to the terminal: never more rows than it has, long lines cut', async () => {
    const long: DevspaceEvent = { type: 'log', service: 'front', container: 'voting-app-front-1', stream: 'stdout', line: 'x'.repeat(500) };
    for (const size of [{ columns: 60, rows: 12 }, { columns: 120, rows: 50 }]) {
      const { ui, frames } = setup([...UP, long], size);
      const rows = ui.lastFrame()!.split('\n');
      expect(rows.length).toBeLessThan(size.rows);
      expect(Math.max(...rows.map((r) => r.replace(/\x1b\][^\x07]*\x07|\x1b\[[0-9;]*m/g, '').length))).toBeLessThanOrEqual(size.columns);
      ui.unmount();
      frames.close();
    }
  });
  it('shows a deploy to the cluster: deploying, objects applied, not ready with the reason, then ready', async () => {
    const { ui, feed, frames } = setup(UP, { columns: 160, rows: 30 });
    await feed([
      { type: 'service-state', service: 'front', container: 'voting-app-front-1', state: 'healthy' },
      { type: 'message', level: 'info', text: 'deploying…' },
      { type: 'push-start', service: 'front', image: '127.0.0.1:5000/voting-app/front:5e6f7a8b' },
      { type: 'push-progress', service: 'front', layer: 'c0ffee00beef', status: 'Pushing', current: 1048576, total: 2097152 },
    ]);
    let frame = ui.lastFrame()!;
    expect(frame).toMatch(/front\s+● pushing/);
    expect(frame).toMatch(/↑ front [█░]+ 0\/1 layers 1\.0 MB\/2\.0 MB/);
    await feed([
      { type: 'push-done', service: 'front', image: '127.0.0.1:5000/voting-app/front:5e6f7a8b', digest: 'sha256:77aa', skipped: false, durationMs: 900 },
      { type: 'k8s-object', kind: 'Namespace', name: 'voting-app', action: 'created' },
      { type: 'k8s-object', kind: 'Deployment', name: 'back', namespace: 'voting-app', action: 'created' },
      { type: 'rollout', service: 'back', workload: 'deployment/back', state: 'ready', desired: 1, updated: 1, ready: 1, available: 1, message: 'rolled out' },
      { type: 'k8s-object', kind: 'Deployment', name: 'front', namespace: 'voting-app', action: 'configured' },
      { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'progressing', desired: 2, updated: 1, ready: 0, available: 0, message: 'pod front-7d9 is Pending: 0/2 nodes are available', reason: 'Unschedulable' },
    ]);
    frame = ui.lastFrame()!;
    expect(frame).toMatch(/▸ front\s+● deploying .*cluster not ready 0\/2: Unschedulable: pod front-7d9 is Pending/);
    expect(frame).toMatch(/back\s+● healthy .*cluster ready 1\/1/);
    expect(frame).toContain('✓ front: pushed 127.0.0.1:5000/voting-app/front:5e6f7a8b in 0.9 s');
    expect(frame).toMatch(/devspace\s+\| Deployment\/front in voting-app configured/);
    expect(frame).toMatch(/front\s+\| deployment\/front rolling out \(0\/2 ready, 1 updated, 0 available\): Unschedulable: pod front-7d9 is Pending/);
    await feed([{ type: 'rollout', service: 'front', workload: 'deployment/front', state: 'ready', desired: 2, updated: 2, ready: 2, available: 2, message: 'rolled out' }]);
    frame = ui.lastFrame()!;
    expect(frame).toMatch(/▸ front\s+● healthy .*cluster ready 2\/2/);
    expect(frame).not.toContain('⚠ front');
    ui.unmount();
    frames.close();
  });

  it('shows a failed rollout in red with the reason pinned and the pod\'s last lines in the log', async () => {
    const { ui, feed, frames } = setup(UP, { columns: 160, rows: 30 });
    await feed([
      { type: 'rollout', service: 'front', workload: 'deployment/front', state: 'failed', desired: 2, updated: 2, ready: 0, available: 0, message: 'container front is waiting: back-off restarting failed container', reason: 'CrashLoopBackOff', pod: 'front-7d9', logs: ['Traceback (most recent call last):', 'ModuleNotFoundError: No module named flask'] },
    ]);
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/front\s+● building .*cluster failed 0\/2: CrashLoopBackOff: container front is waiting/);
    expect(frame).toContain('⚠ front: rollout failed: CrashLoopBackOff: container front is waiting: back-off restarting failed container');
    expect(frame).toMatch(/front\s+\| ModuleNotFoundError: No module named flask/);
    ui.unmount();
    frames.close();
  });

  it('wraps warnings and errors (a failed deploy and what to do) instead of cutting them', async () => {
    const { ui, feed, frames } = setup(UP, { columns: 80, rows: 24 });
    const text = 'deploy: no registry to push front to for context "devspace-test": it is not a kind cluster and advertises no local registry';
    await feed([{ type: 'message', level: 'error', text }, { type: 'message', level: 'error', text: '  → Pass one: devspace deploy --registry ghcr.io/my-org' }]);
    const rows = ui.lastFrame()!.split('\n');
    const at = rows.findIndex((r) => r.includes('deploy: no registry'));
    expect(at).toBeGreaterThan(0);
    const joined = rows.slice(at, at + 3).map((r) => r.replace(/^devspace\s+\| |^\s+/, '')).join('');
    expect(joined).toContain('advertises no local registry');
    expect(rows.some((r) => r.includes('→ Pass one: devspace deploy --registry ghcr.io/my-org'))).toBe(true);
    ui.unmount();
    frames.close();
  });

  it('renders the whole recorded run (build, start, watch, push, deploy) without losing a service', async () => {
    const { ui, frames } = setup(RECORDED, { columns: 160, rows: 40 });
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/front\s+● build failed .*cluster ready 2\/2/);
    expect(frame).toMatch(/back\s+● healthy/);
    expect(frame).toMatch(/cache\s+● waiting/);
    // The push after the failed build took the progress row; the failure stays pinned.
    expect(frame).toContain('⚠ front: build failed at Step 3/6');
    expect(frame).toMatch(/front\s+\| build failed at Step 3\/6 : RUN pip install flask==99/);
    expect(frame).toMatch(/front\s+\| loaded voting-app-front:sha-5e6f7a8b into kind-control-plane in 2\.3 s/);
    expect(frame).toMatch(/front\s+\| deployment\/front ready \(2\/2 ready/);
    ui.unmount();
    frames.close();
  });

  it('gives each line of a multi-line failure a row of its own, so nothing is drawn over the rows below', async () => {
    const { ui, feed, frames } = setup(UP, { columns: 100, rows: 30 });
    const lines: DevspaceEvent[] = Array.from({ length: 30 }, (_, i) => ({ type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: `line ${i} of the back end` }));
    await feed([
      ...lines,
      { type: 'watch-failed', service: 'front', action: 'rebuild', message: 'building service "front" failed at Step 8/10\n  command: build front (exit code 3)\n  last output:\n    about to fail', next: 'fix the Dockerfile' },
      { type: 'log', service: 'back', container: 'voting-app-back-1', stream: 'stdout', line: 'after the failure' },
    ]);
    const rows = ui.lastFrame()!.split('\n');
    expect(rows.length).toBeLessThan(30);
    expect(rows.at(-1)).toContain('q quit');
    const at = rows.findIndex((r) => /^front\s+\| rebuild failed: building service "front" failed at Step 8\/10$/.test(r));
    expect(at).toBeGreaterThan(0);
    expect(rows[at + 1]).toMatch(/^\s+command: build front \(exit code 3\)$/);
    expect(rows[at + 2]).toMatch(/^\s+last output:$/);
    expect(rows[at + 3]).toMatch(/^\s+about to fail — fix the Dockerfile$/);
    expect(rows.find((r) => r.includes('after the failure'))).toMatch(/^back\s+\| after the failure$/);
    // The header and the pinned error are one row each.
    expect(rows[0]).toContain('rebuild failed: building service "front" failed at St');
    expect(rows.filter((r) => r.startsWith('⚠ front:'))).toHaveLength(1);
    ui.unmount();
    frames.close();
  });
});
