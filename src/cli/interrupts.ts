import { setMaxListeners } from 'node:events';
/**
 * Ctrl-C for long-running commands: the first interrupt asks for a graceful stop (an
 * AbortSignal the stages watch), the second forces. Handlers are removed when the command ends,
 * so nothing lingers in tests that run commands in-process.
 */
export interface Interrupts {
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Called on the second interrupt. */
  onForce(handler: () => void): void;
  dispose(): void;
}

export function watchInterrupts(onFirst: () => void = () => {}): Interrupts {
  const controller = new AbortController();
  // Every concurrent wait listens to it (a rollout per service, a log stream per container):
  // 50 services are 50 listeners, not a leak, and Node's warning at 11 would reach the user.
  setMaxListeners(0, controller.signal);
  let force: (() => void) | undefined;
  const handler = () => {
    if (!controller.signal.aborted) {
      onFirst();
      controller.abort(new InterruptedError());
    } else force?.();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    onForce: (h) => (force = h),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Resolves once the signal aborts (the first Ctrl-C of a command that runs until then). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('interrupted');
  }
}
