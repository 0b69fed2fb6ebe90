/**
 * The log pane: a window of `rows` lines cut from the ring buffers (all services interleaved, or
 * one service), so a frame costs O(rows) however much scrollback there is. Follow mode is
 * scroll 0; scrolling back holds the view while new lines arrive below.
 */
import { Box, Text } from 'ink';
import { SERVICE_COLOURS } from './format.js';
import { clean, type LogEntry, type Model } from './model.js';

export interface LogWindow {
  entries: LogEntry[];
  /** The scroll offset actually used (clamped to what there is). */
  scroll: number;
  /** How far back the view can scroll; known when scrolled back (counting costs a pass under a search). */
  maxScroll?: number;
}

export function logWindow(model: Model, options: { focus?: string | undefined; search?: string | undefined; scroll: number; rows: number }): LogWindow {
  const buffer = options.focus ? (model.byName.get(options.focus)?.logs ?? model.logs) : model.logs;
  const needle = options.search?.toLowerCase();
  const keep = needle ? (e: LogEntry) => e.text.toLowerCase().includes(needle) : undefined;
  if (options.scroll === 0) return { entries: buffer.window(options.rows, 0, keep), scroll: 0 };
  const maxScroll = Math.max(0, buffer.countMatching(keep) - options.rows);
  const scroll = Math.min(options.scroll, maxScroll);
  return { entries: buffer.window(options.rows, scroll, keep), scroll, maxScroll };
}

const KIND_COLOUR: Partial<Record<LogEntry['kind'], string>> = { warn: 'yellow', error: 'red' };

/**
 * Cuts a line to `width` columns here, where plain ASCII makes that a slice, so that Ink neither
 * wraps nor truncates it (both cost per character, per frame, and Ink caches every wrapped text).
 */
export function fit(text: string, width: number): string {
  if (text.length <= width || width <= 0) return text;
  if (!/^[\x20-\x7e]*$/.test(text)) return text; // colours or wide characters: Ink measures those
  return `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Rows a warning or error may take when wrapped; longer ones end in "…". */
export const WRAP_ROWS = 6;

export interface LogRow {
  key: string;
  entry: LogEntry;
  text: string;
  /** A wrapped warning's or error's second and later rows: no prefix of their own. */
  continued: boolean;
}

/**
 * The window's entries as screen rows, the newest `rows` of them. Container lines are cut to the
 * width (a log storm must stay cheap); warnings and errors (a failed deploy and what to do about
 * it) are wrapped, since their end is what a person needs to read.
 */
export function logRows(entries: LogEntry[], textWidth: number, rows: number): LogRow[] {
  const out: LogRow[] = [];
  for (const entry of entries) {
    const important = (entry.kind === 'error' || entry.kind === 'warn') && textWidth > 10;
    // A row is one line: a message of several lines (a failed rebuild's output) takes several rows,
    // or Ink would draw its lines over the rows below.
    if (!entry.text.includes('\n') && !(important && entry.text.length > textWidth)) {
      out.push({ key: String(entry.seq), entry, text: fit(entry.text, textWidth), continued: false });
      continue;
    }
    const parts: string[] = [];
    const lines = entry.text.split('\n').map(clean);
    for (const line of lines) {
      if (!important) parts.push(fit(line, textWidth));
      else for (let at = 0; at === 0 || at < line.length; at += textWidth) parts.push(line.slice(at, at + textWidth));
    }
    const limit = important ? WRAP_ROWS : 3;
    if (parts.length > limit) {
      parts.length = limit;
      parts[limit - 1] = `${parts[limit - 1]!.slice(0, Math.max(0, textWidth - 1))}…`;
    }
    parts.forEach((text, i) => out.push({ key: `${entry.seq}.${i}`, entry, text, continued: i > 0 }));
  }
  return out.slice(-rows);
}

/** Text for a one-row place (header, pinned error, progress): its lines joined. */
export function oneLine(text: string): string {
  return text.includes('\n') ? text.split('\n').map((l) => clean(l).trim()).filter(Boolean).join(' ') : clean(text);
}

export function LogView({ window, width, rows, labelWidth, colourOf }: { window: LogWindow; width: number; rows: number; labelWidth: number; colourOf: (service: string) => string }) {
  // ASCII only in what every line carries ("|", not "│"): Ink's width measure has a fast path for it.
  const textWidth = width - labelWidth - 3;
  return (
    <Box flexDirection="column" height={rows} width={width}>
      {logRows(window.entries, textWidth, rows).map(({ key, entry: e, text, continued }) => (
        <Text key={key} wrap="truncate-end">
          {continued ? <Text>{`${' '.repeat(labelWidth)}   `}</Text> : e.service ? <Text color={colourOf(e.service)}>{`${e.label.padEnd(labelWidth)} | `}</Text> : <Text dimColor>{`${'devspace'.padEnd(labelWidth)} | `}</Text>}
          <Text color={KIND_COLOUR[e.kind]} dimColor={e.kind === 'info'}>{text}</Text>
        </Text>
      ))}
    </Box>
  );
}

export function serviceColours(services: string[]): (service: string) => string {
  const colours = new Map(services.map((s, i) => [s, SERVICE_COLOURS[i % SERVICE_COLOURS.length]!]));
  return (service) => {
    if (!colours.has(service)) colours.set(service, SERVICE_COLOURS[colours.size % SERVICE_COLOURS.length]!);
    return colours.get(service)!;
  };
}
