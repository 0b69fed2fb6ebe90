/** Small pure helpers the components share: colours of states, progress bars, ages, hyperlinks. */
import type { DisplayState, Progress } from './model.js';

/** Ink colour names: green is fine, yellow is on its way, red needs a look, grey is over. */
export function stateColour(state: DisplayState, exitCode?: number): string {
  switch (state) {
    case 'healthy':
    case 'running':
      return 'green';
    case 'created':
    case 'starting':
    case 'restarting':
    case 'waiting':
      return 'yellow';
    case 'building':
    case 'pulling':
    case 'pushing':
      return 'cyan';
    case 'syncing':
      return 'blue';
    case 'deploying':
      return 'magenta';
    case 'unhealthy':
    case 'build failed':
      return 'red';
    case 'exited':
      return exitCode === 0 ? 'gray' : 'red';
    case 'stopped':
    case 'removed':
      return 'gray';
  }
}

export function stateText(state: DisplayState, exitCode?: number): string {
  return state === 'exited' && exitCode !== undefined ? `exited (${exitCode})` : state;
}

/** Colours for service prefixes in the log, as in the plain renderer's palette. */
export const SERVICE_COLOURS = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'redBright', 'cyanBright', 'yellowBright', 'greenBright', 'magentaBright', 'blueBright'];

export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Done fraction and a short text of a build, pull or push: steps for builds, layers and bytes else. */
export function progressSummary(p: Progress): { fraction: number; text: string } {
  if (p.kind === 'build') {
    const step = p.step;
    if (!step) return { fraction: 0, text: 'starting' };
    return { fraction: step.total > 0 ? (step.index - 1) / step.total : 0, text: `step ${step.index}${step.total > 0 ? `/${step.total}` : ''} ${step.text}` };
  }
  let current = 0;
  let total = 0;
  let done = 0;
  for (const layer of p.layers.values()) {
    if (layer.total) {
      total += layer.total;
      current += Math.min(layer.current ?? 0, layer.total);
    }
    if (/complete|pushed|already exists|mounted/i.test(layer.status)) done++;
  }
  const layers = `${done}/${p.layers.size} layers`;
  return { fraction: total > 0 ? current / total : p.layers.size > 0 ? done / p.layers.size : 0, text: total > 0 ? `${layers} ${bytes(current)}/${bytes(total)}` : layers };
}

/** An OSC 8 hyperlink: terminals that know it make the text clickable; others show the text. */
export function hyperlink(url: string, text = url): string {
  return `\x1b]8;;${url}\x07${text}\x1b]8;;\x07`;
}
