/**
 * The whole screen: header, service list, progress (or dependency view), the pinned error, the
 * logs and the key footer, sized to the terminal so the frame never scrolls. Redrawn when the
 * controller says a frame is due (throttled in start-tui.tsx), on keys and on resize.
 */
import { Box, Text, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { FOOTER_KEYS, HELP_LINES, handleKey, initialView, type Command, type ViewState } from './keys.js';
import { LogView, logWindow, oneLine, serviceColours } from './log-view.js';
import { displayState, type Model } from './model.js';
import { DependencyView, ProgressPanel, ServiceList } from './panels.js';

export interface FrameSource {
  /** Registers the redraw callback; returns the unsubscribe. */
  subscribe(redraw: () => void): () => void;
}

export interface AppProps {
  model: Model;
  title: string;
  frames: FrameSource;
  now: () => number;
  onCommand: (command: Command) => void;
  /** Fixed size (tests); else the terminal's, following resizes. */
  size?: { columns: number; rows: number };
}

function useTerminalSize(fixed?: { columns: number; rows: number }): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 100, rows: stdout.rows || 30 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout, fixed]);
  return size;
}

export function App({ model, title, frames, now: clock, onCommand, size: fixed }: AppProps) {
  const [, setFrame] = useState(0);
  const [view, setView] = useState<ViewState>(initialView);
  // Keys can arrive faster than React re-renders (a paste, tmux send-keys): each builds on the last.
  const viewRef = useRef(view);
  const { columns, rows } = useTerminalSize(fixed);
  useEffect(() => frames.subscribe(() => setFrame((n) => n + 1)), [frames]);
  const colourOf = useMemo(() => serviceColours(model.services.map((s) => s.name)), [model]);
  const now = clock();
  const names = model.services.map((s) => s.name);
  const selected = Math.min(view.selected, Math.max(0, names.length - 1));
  const selectedName = names[selected];

  // Height budget: everything but the logs gets a bounded share; the logs take the rest.
  // One column spare: a line that fills the last column leaves some terminals in a pending wrap,
  // and the next line would start one row down, pushing the frame off the screen.
  const width = Math.max(20, columns - 1);
  const listRows = Math.min(model.services.length, Math.max(1, Math.floor((rows - 4) / 3)));
  const progressRows = Math.min(8, Math.max(0, Math.floor((rows - 4) / 5)));
  const shown = view.focus ?? selectedName;
  const pinned = shown ? model.byName.get(shown)?.lastError : undefined;
  const logRows = Math.max(1, rows - 1 /* header */ - listRows - 1 /* rule */ - progressRows - (pinned ? 1 : 0) - 1 /* log title */ - 1 /* footer */ - 1 /* spare: the cursor line */);
  const window = logWindow(model, { focus: view.focus, search: view.search?.text, scroll: view.scroll, rows: logRows });
  const labelWidth = Math.min(20, Math.max(8, ...names.map((n) => n.length + 2)));

  // What a key needs from this frame, read through a ref so that the input handler stays one
  // function (Ink re-attaches the stdin listener whenever the handler changes).
  const keyContext = useRef({ services: names, page: 1, maxScroll: window.maxScroll, onCommand });
  keyContext.current = { services: names, page: Math.max(1, logRows - 1), maxScroll: window.maxScroll, onCommand };
  const onInput = useCallback((input: string, key: Key) => {
    const { onCommand: command, ...context } = keyContext.current;
    const next = handleKey(viewRef.current, { input, upArrow: key.upArrow, downArrow: key.downArrow, pageUp: key.pageUp, pageDown: key.pageDown, return: key.return, escape: key.escape, backspace: key.backspace, delete: key.delete, ctrl: key.ctrl, home: key.home, end: key.end }, context);
    viewRef.current = next.view;
    setView(next.view);
    if (next.command) command(next.command);
  }, []);
  useInput(onInput);

  const stateCounts = new Map<string, number>();
  for (const s of model.services) {
    const st = displayState(s, now);
    stateCounts.set(st, (stateCounts.get(st) ?? 0) + 1);
  }
  const status = model.status;

  if (view.help) {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold>{`${title} — keys`}</Text>
        {HELP_LINES.map(([k, what]) => (
          <Text key={k} wrap="truncate-end">
            <Text color="cyan">{k.padEnd(12)}</Text>
            {what}
          </Text>
        ))}
        <Text dimColor>press any key to go back</Text>
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{title}</Text>
        <Text dimColor>{`  ${[...stateCounts].map(([s, n]) => `${n} ${s}`).join(', ')}  `}</Text>
        <Text color={model.watching ? 'green' : 'gray'}>{model.watching ? 'watch on' : 'watch off'}</Text>
        {status ? <Text color={status.level === 'error' ? 'red' : status.level === 'warn' ? 'yellow' : undefined} dimColor={status.level === 'info'}>{`  ${oneLine(status.text)}`}</Text> : null}
      </Text>
      <ServiceList model={model} selected={selected} focus={view.focus} now={now} width={width} rows={listRows} />
      <Text dimColor>{'─'.repeat(width)}</Text>
      <Box height={progressRows} flexDirection="column">
        {view.graph ? <DependencyView model={model} now={now} width={width} rows={progressRows} /> : <ProgressPanel model={model} width={width} rows={progressRows} />}
      </Box>
      {pinned ? (
        <Text color="red" wrap="truncate-end">{`⚠ ${shown}: ${oneLine(pinned.text)}`}</Text>
      ) : null}
      <Text wrap="truncate-end" dimColor>
        {`logs: ${view.focus ?? 'all services'}${view.search && !view.search.typing ? `  search "${view.search.text}"` : ''}${window.scroll > 0 ? `  scrolled back ${window.scroll} lines (G: follow)` : '  following'}`}
      </Text>
      <LogView window={window} width={width} rows={logRows} labelWidth={labelWidth} colourOf={colourOf} />
      {view.search?.typing ? (
        <Text wrap="truncate-end">
          <Text color="cyan">/</Text>
          {view.search.text}
          <Text inverse> </Text>
          <Text dimColor>{'  Enter: apply  Esc: cancel'}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          {FOOTER_KEYS.map(([k, what]) => (
            <Text key={k}>
              <Text color="cyan">{k}</Text>
              <Text dimColor>{` ${what}  `}</Text>
            </Text>
          ))}
        </Text>
      )}
    </Box>
  );
}
