/**
 * Starts the terminal UI: an Emit that folds events into the model (cheap, synchronous) and a
 * throttled redraw (at most `fps` frames a second, and one a second for ages and flashes), so a
 * log storm costs one frame per 33 ms however many lines arrive. Keys become commands that run
 * the actions injected by the command (`up`); their failures become messages, never crashes.
 * This module and its components import no engine, process or cluster client (a unit test checks).
 */
import { render, type Instance } from 'ink';
import type { DevspaceEvent, Emit } from '../../events.js';
import { App, type FrameSource } from './app.js';
import type { Command } from './keys.js';
import { applyEvent, createModel, setServiceInfo, type Model, type ServiceInfo } from './model.js';

export interface TuiActions {
  rebuild(service: string): Promise<void>;
  restart(service: string): Promise<void>;
  /** Turns watching off or on; resolves to whether it is on now. */
  toggleWatch(): Promise<boolean>;
  deploy(): Promise<void>;
  open(url: string): Promise<void>;
  /** Stops the services and ends the command, as Ctrl-C does in plain mode. */
  quit(): void;
}

export interface TuiOptions {
  title: string;
  services: ServiceInfo[];
  actions: TuiActions;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  now?: () => number;
  /** Frames per second at most (default 30). */
  fps?: number;
  /** Ink routes console output above the frame (a library's stray warning must not tear it); off in unit tests, whose console it cannot patch. */
  patchConsole?: boolean;
  /** Work time of each frame in ms (bench). */
  onFrame?: (ms: number) => void;
}

export interface Tui {
  emit: Emit;
  setServiceInfo(info: ServiceInfo): void;
  /** Draws the last frame and gives the terminal back. */
  stop(): Promise<void>;
  model: Model;
}

export function startTui(options: TuiOptions): Tui {
  const now = options.now ?? Date.now;
  const model = createModel(options.services, now());
  const controller = frameController(options.fps ?? 30, options.onFrame);
  const say = (level: 'info' | 'warn' | 'error', text: string) => emit({ type: 'message', level, text });
  // One run of each action at a time: a second `d` while a deploy runs would race the first.
  const busy = new Set<string>();
  const run = (what: string, action: () => Promise<unknown>) => {
    if (busy.has(what)) return say('warn', `${what} is already running`);
    busy.add(what);
    action()
      .catch((error: unknown) => {
        // The action's error as the command line would print it: the message, then what to do (one line each).
        const [first = '', ...rest] = (error instanceof Error ? error.message : String(error)).split('\n').filter((l) => l.trim() !== '');
        say('error', `${what}: ${first}`);
        for (const line of rest) say('error', `  ${line.trim()}`);
        // The header shows what failed, not its last hint.
        if (rest.length > 0) model.status = { text: `${what}: ${first}`, level: 'error', at: now() };
      })
      .finally(() => busy.delete(what));
  };
  const onCommand = (command: Command) => {
    switch (command.kind) {
      case 'quit':
        return options.actions.quit();
      case 'rebuild':
        return run(`rebuild ${command.service}`, () => (say('info', `rebuilding ${command.service}…`), options.actions.rebuild(command.service)));
      case 'restart':
        return run(`restart ${command.service}`, () => (say('info', `restarting ${command.service}…`), options.actions.restart(command.service)));
      case 'toggle-watch':
        return run('watch', async () => {
          const on = await options.actions.toggleWatch();
          model.watching = on;
          say('info', on ? 'watching again' : 'watch off: file changes are ignored until you press w');
        });
      case 'deploy':
        return run('deploy', () => (say('info', 'deploying…'), options.actions.deploy()));
      case 'open': {
        const url = model.byName.get(command.service)?.urls[0];
        if (!url) return say('warn', `${command.service} publishes no port to open`);
        return run(`open ${url}`, () => options.actions.open(url));
      }
    }
  };
  const instance: Instance = render(<App model={model} title={options.title} frames={controller} now={now} onCommand={onCommand} />, {
    ...(options.stdout ? { stdout: options.stdout } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    // We throttle; Ink's own limit only has to let our frames through.
    maxFps: Math.max(60, (options.fps ?? 30) * 2),
    incrementalRendering: true,
    onRender: () => controller.rendered(),
  });
  function emit(event: DevspaceEvent): void {
    applyEvent(model, event, now());
    // Lines (logs, build output) come in storms and wait for the budgeted frame; anything else
    // (a state, a step) is rare and may be short-lived, so it is drawn at the frame rate.
    controller.dirty(event.type !== 'log' && event.type !== 'build-output');
  }
  return {
    emit,
    model,
    setServiceInfo: (info) => {
      setServiceInfo(model, info, now());
      controller.dirty();
    },
    stop: async () => {
      controller.flush();
      controller.close();
      // Let Ink write the last frame (its own throttle may hold it) before giving the terminal back.
      await new Promise((resolve) => setTimeout(resolve, 50));
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
    },
  };
}

/**
 * Redraws at most `fps` times a second when something changed, and once a second regardless.
 * A frame's work is measured from the redraw request to the end of Ink's write (React renders in
 * a task of its own scheduler in between; a log batch handled in that gap is counted too, so the
 * figure errs high); when frames grow expensive (a log storm on a large
 * terminal), the interval grows so that drawing takes at most `budget` of the time (10 %: a log storm is
 * unreadable at any frame rate, and the CPU is better left to the services): the
 * screen lags a little, the machine does not.
 */
export function frameController(fps: number, onFrame?: (ms: number) => void, budget = 0.1): FrameSource & { dirty(urgent?: boolean): void; flush(): void; close(): void; rendered(): void } {
  const minInterval = 1000 / fps;
  const listeners = new Set<() => void>();
  let last = 0;
  let cost = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = 0;
  let closed = false;
  let pending: number | undefined;
  const frame = () => {
    timer = undefined;
    const start = performance.now();
    last = start;
    pending ??= start;
    for (const l of listeners) l();
  };
  // Also clears a frame already due, which would otherwise draw again right after.
  const flush = () => {
    if (timer) clearTimeout(timer);
    if (!closed) frame();
  };
  const tick = setInterval(flush, 1000);
  tick.unref();
  return {
    subscribe(redraw) {
      listeners.add(redraw);
      return () => void listeners.delete(redraw);
    },
    dirty(urgent = false) {
      if (closed) return;
      const due = last + (urgent ? minInterval : Math.max(minInterval, cost / budget));
      if (timer) {
        if (due >= timerDue) return;
        clearTimeout(timer);
      }
      timerDue = due;
      timer = setTimeout(frame, Math.max(0, due - performance.now()));
    },
    rendered() {
      if (pending === undefined) return;
      const ms = performance.now() - pending;
      pending = undefined;
      cost = cost === 0 ? ms : cost * 0.8 + ms * 0.2;
      onFrame?.(ms);
    },
    flush,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      clearInterval(tick);
    },
  };
}
