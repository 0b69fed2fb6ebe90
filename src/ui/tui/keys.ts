/**
 * Key handling of the terminal UI as a pure function: the view state and a key in, the next view
 * state and at most one command out (rebuild, restart, … run by functions injected from
 * `up`). Kept apart from the components so that it is tested without a terminal.
 */

export interface ViewState {
  /** Index of the selected service in the list. */
  selected: number;
  /** The service whose logs alone are shown, or undefined for all services interleaved. */
  focus?: string;
  /** Lines scrolled back from the newest; 0 = follow mode (the view sticks to new lines). */
  scroll: number;
  /** The search being typed (`/`), or the search applied to the logs. */
  search: { text: string; typing: boolean } | undefined;
  help: boolean;
  /** Shown with the dependency view instead of the progress panel. */
  graph: boolean;
}

export type Command = { kind: 'rebuild' | 'restart' | 'open'; service: string } | { kind: 'toggle-watch' | 'deploy' | 'quit' };

/** What Ink's useInput reports, reduced to what the keys here need. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  home?: boolean;
  end?: boolean;
}

export const initialView: ViewState = { selected: 0, scroll: 0, search: undefined, help: false, graph: false };

/**
 * `maxScroll`: how far back the log view can scroll, when the view knows (it is scrolled back);
 * paging starts from the offset shown, so a PgUp past the oldest line or after `g` is not a dead key.
 */
export function handleKey(view: ViewState, key: KeyPress, context: { services: string[]; page: number; maxScroll?: number | undefined }): { view: ViewState; command?: Command } {
  const { services, page, maxScroll } = context;
  if (key.ctrl && key.input === 'c') return { view, command: { kind: 'quit' } };
  if (view.search?.typing) {
    if (key.return) return { view: { ...view, search: view.search.text ? { text: view.search.text, typing: false } : undefined, scroll: 0 } };
    if (key.escape) return { view: { ...view, search: undefined } };
    if (key.backspace || key.delete) return { view: { ...view, search: { text: view.search.text.slice(0, -1), typing: true } } };
    if (key.input && !key.ctrl) return { view: { ...view, search: { text: view.search.text + key.input, typing: true }, scroll: 0 } };
    return { view };
  }
  if (view.help) return { view: { ...view, help: false } };
  const current = services[Math.min(view.selected, services.length - 1)];
  const move = (delta: number) => ({ view: { ...view, selected: Math.max(0, Math.min(services.length - 1, view.selected + delta)) } });
  if (key.upArrow || key.input === 'k') return move(-1);
  if (key.downArrow || key.input === 'j') return move(1);
  const shown = maxScroll === undefined ? view.scroll : Math.min(view.scroll, maxScroll);
  if (key.pageUp) return { view: { ...view, scroll: maxScroll === undefined ? shown + page : Math.min(shown + page, maxScroll) } };
  if (key.pageDown) return { view: { ...view, scroll: Math.max(0, shown - page) } };
  if (key.home || key.input === 'g') return { view: { ...view, scroll: Number.MAX_SAFE_INTEGER } };
  if (key.end || key.input === 'G' || key.input === 'f') return { view: { ...view, scroll: 0 } };
  if (key.return) {
    // Enter on the focused service goes back to all services.
    return { view: { ...view, focus: current === undefined || view.focus === current ? undefined : current, scroll: 0 } };
  }
  if (key.escape) return { view: { ...view, focus: undefined, search: undefined, scroll: 0 } };
  switch (key.input) {
    case '/':
      return { view: { ...view, search: { text: '', typing: true } } };
    case 'n':
      return { view: { ...view, search: undefined } };
    case '?':
      return { view: { ...view, help: true } };
    case 'v':
      return { view: { ...view, graph: !view.graph } };
    case 'a':
      return { view: { ...view, focus: undefined, scroll: 0 } };
    case 'q':
      return { view, command: { kind: 'quit' } };
    case 'w':
      return { view, command: { kind: 'toggle-watch' } };
    case 'd':
      return { view, command: { kind: 'deploy' } };
    case 'r':
    case 's':
    case 'o':
      return current === undefined ? { view } : { view, command: { kind: key.input === 'r' ? 'rebuild' : key.input === 's' ? 'restart' : 'open', service: current } };
  }
  return { view };
}

/** The footer's key list, in the order a person needs them. */
export const FOOTER_KEYS: [string, string][] = [
  ['↑↓/jk', 'select'],
  ['⏎', 'focus'],
  ['r', 'rebuild'],
  ['s', 'restart'],
  ['w', 'watch'],
  ['d', 'deploy'],
  ['o', 'open'],
  ['v', 'deps'],
  ['q', 'quit'],
  ['?', 'help'],
  ['/', 'search'],
  ['PgUp/PgDn', 'scroll'],
];

export const HELP_LINES: [string, string][] = [
  ['↑ ↓  j k', 'select a service'],
  ['Enter', 'show only the selected service\'s logs (again: all services)'],
  ['a / Esc', 'all services\' logs'],
  ['PgUp PgDn', 'scroll the logs back and forth; g oldest, G or f follow new lines'],
  ['/', 'search the logs (Enter applies, Esc cancels, n clears)'],
  ['r', 'rebuild the selected service\'s image and recreate its containers'],
  ['s', 'restart the selected service\'s containers'],
  ['w', 'turn file watching off or on'],
  ['d', 'deploy the project to the configured Kubernetes cluster'],
  ['o', 'open the selected service\'s URL in the browser'],
  ['v', 'dependency view instead of build progress'],
  ['q  Ctrl-C', 'stop the services and quit (Ctrl-C twice forces)'],
];
