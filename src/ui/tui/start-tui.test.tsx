import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startTui, type TuiActions } from './start-tui.js';

// Ink draws into a stream that says it is a 100x30 terminal; keys are written to a fake stdin.
function terminal() {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 30 }) as unknown as NodeJS.WriteStream;
  (stdout as unknown as PassThrough).resume();
  const stdin = Object.assign(new Readable({ read() {} }), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin, setEncoding: () => stdin });
  return { stdout, stdin: stdin as unknown as NodeJS.ReadStream & Readable };
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function start(actions: Partial<TuiActions>) {
  const { stdout, stdin } = terminal();
  const noop = async () => undefined;
  const tui = startTui({ title: 'test', services: [{ name: 'front', urls: [] }], actions: { rebuild: noop, restart: noop, toggleWatch: async () => true, deploy: noop, open: noop, quit: () => undefined, ...actions }, stdout, stdin, patchConsole: false });
  const lines = () => Array.from({ length: tui.model.logs.length }, (_, i) => tui.model.logs.at(i)!).map((e) => `${e.kind} ${e.text}`);
  return { tui, lines, press: async (key: string) => (stdin.push(key), tick()) };
}

describe('the terminal UI runs its keys\' actions', () => {
  it('one deploy at a time: d while a deploy runs says so instead of starting another', async () => {
    let release!: () => void;
    let runs = 0;
    const { tui, lines, press } = start({ deploy: () => (runs++, new Promise<void>((r) => (release = r))) });
    await press('d');
    await press('d');
    expect(runs).toBe(1);
    expect(lines()).toContain('warn deploy is already running');
    release();
    await tick();
    await press('d');
    expect(runs).toBe(2);
    release();
    await tui.stop();
  });

  it('shows a failed action\'s message and each next step as lines of their own', async () => {
    const { tui, lines, press } = start({ deploy: async () => Promise.reject(new Error('no registry to push front to\n  → Pass one: devspace deploy --registry ghcr.io/my-org\n  → or set x-devspace.registry')) });
    await press('d');
    await tick();
    expect(lines().slice(-4)).toEqual(['info deploying…', 'error deploy: no registry to push front to', 'error   → Pass one: devspace deploy --registry ghcr.io/my-org', 'error   → or set x-devspace.registry']);
    expect(tui.model.status).toMatchObject({ level: 'error', text: 'deploy: no registry to push front to' });
    await tui.stop();
  });

  it('o on a service without a published port says so', async () => {
    const { tui, lines, press } = start({});
    await press('o');
    expect(lines()).toContain('warn front publishes no port to open');
    await tui.stop();
  });
});
