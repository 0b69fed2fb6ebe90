/**
 * The panels of the screen above the logs: the service list, build/pull/push progress and the
 * dependency view. Each takes the model and a height budget and renders at most that many rows,
 * so the whole frame fits the terminal and Ink never has to clear the screen.
 */
import { Box, Text } from 'ink';
import { age, bar, hyperlink, progressSummary, stateColour, stateText } from './format.js';
import { oneLine } from './log-view.js';
import { displayState, type Model, type ServiceView } from './model.js';

function clusterText(s: ServiceView): { text: string; colour: string } | undefined {
  const c = s.cluster;
  if (!c) return undefined;
  if (c.state === 'ready') return { text: `cluster ready ${c.ready}/${c.desired}`, colour: 'green' };
  // Not ready: why, as the cluster says it (a pending pod, a back-off), in what is left of the row.
  if (c.state === 'progressing' || c.state === 'loading') return { text: `cluster not ready ${c.ready}/${c.desired}${c.message ? `: ${c.message}` : ''}`, colour: 'yellow' };
  return { text: `cluster ${c.state} ${c.ready}/${c.desired}${c.message ? `: ${c.message}` : ''}`, colour: 'red' };
}

export function ServiceList({ model, selected, focus, now, width, rows }: { model: Model; selected: number; focus?: string | undefined; now: number; width: number; rows: number }) {
  const nameWidth = Math.min(24, Math.max(7, ...model.services.map((s) => s.name.length)));
  // Keep the selected row in view when there are more services than rows.
  const first = Math.max(0, Math.min(selected - rows + 1, model.services.length - rows, selected));
  const start = Math.max(0, Math.min(first, selected));
  const visible = model.services.slice(start, start + rows);
  return (
    <Box flexDirection="column">
      {visible.map((s, i) => {
        const index = start + i;
        const state = displayState(s, now);
        const cluster = clusterText(s);
        const image = s.image.length > 32 ? `…${s.image.slice(-31)}` : s.image;
        return (
          <Box key={s.name} width={width}>
            <Text wrap="truncate-end">
              <Text color={index === selected ? 'cyanBright' : undefined} bold={index === selected}>{index === selected ? '▸ ' : '  '}</Text>
              <Text bold={focus === s.name} underline={focus === s.name}>{s.name.padEnd(nameWidth)}</Text>
              {'  '}
              <Text color={stateColour(state, s.exitCode)}>{'● ' + stateText(state, s.exitCode).padEnd(13)}</Text>
              <Text dimColor>{` ${image.padEnd(Math.min(32, Math.max(12, image.length)))} `}</Text>
              {s.urls.map((u) => (
                <Text key={u} color="blueBright" underline>{hyperlink(u)}{' '}</Text>
              ))}
              <Text dimColor>{age(now - s.changedAt)}</Text>
              {cluster ? <Text color={cluster.colour}>{`  ${oneLine(cluster.text)}`}</Text> : null}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

/** Running builds/pulls/pushes as bars, failures expanded with their step and output tail, finished ones on one line. */
export function ProgressPanel({ model, width, rows }: { model: Model; width: number; rows: number }) {
  const lines: { key: string; node: React.ReactNode }[] = [];
  const done: string[] = [];
  for (const s of model.services) {
    const p = s.progress;
    if (!p) continue;
    if (p.failed) {
      lines.push({ key: `${s.name}-f`, node: <Text color="red" wrap="truncate-end">{oneLine(`✗ ${s.name}: ${p.kind} failed${p.failed.step ? ` at ${p.failed.step}` : ''}: ${p.failed.message}`)}</Text> });
      for (const [i, line] of p.failed.tail.slice(-6).entries()) lines.push({ key: `${s.name}-t${i}`, node: <Text dimColor wrap="truncate-end">{`    ${oneLine(line)}`}</Text> });
    } else if (p.done) {
      done.push(`${s.name}: ${p.done}`);
    } else {
      const { fraction, text } = progressSummary(p);
      const barWidth = Math.max(10, Math.min(30, Math.floor(width / 5)));
      lines.push({
        key: `${s.name}-p`,
        node: (
          <Text wrap="truncate-end">
            <Text color="cyan">{`${p.kind === 'build' ? '⚒' : p.kind === 'pull' ? '↓' : '↑'} ${s.name} `}</Text>
            <Text color="cyan">{bar(fraction, barWidth)}</Text>
            {` ${oneLine(text)}`}
            {p.note ? <Text color="yellow">{`  ${p.note}`}</Text> : null}
          </Text>
        ),
      });
    }
  }
  if (done.length > 0) lines.push({ key: 'done', node: <Text color="green" wrap="truncate-end">{`✓ ${done.join(' · ')}`}</Text> });
  return (
    <Box flexDirection="column" width={width}>
      {lines.slice(0, rows).map((l) => (
        <Box key={l.key}>{l.node}</Box>
      ))}
    </Box>
  );
}

/** Each service with what it depends on, indented under it, in the colour of its state. */
function dependencyRows(model: Model): { depth: number; service: ServiceView; repeat: boolean }[] {
  const dependedOn = new Set(model.services.flatMap((s) => s.dependsOn));
  const roots = model.services.filter((s) => !dependedOn.has(s.name));
  const rows: { depth: number; service: ServiceView; repeat: boolean }[] = [];
  const seen = new Set<string>();
  const walk = (s: ServiceView, depth: number, path: Set<string>) => {
    const repeat = seen.has(s.name) || path.has(s.name);
    rows.push({ depth, service: s, repeat });
    if (repeat) return;
    seen.add(s.name);
    for (const dep of s.dependsOn) {
      const d = model.byName.get(dep);
      if (d) walk(d, depth + 1, new Set([...path, s.name]));
    }
  };
  for (const r of roots.length > 0 ? roots : model.services) walk(r, 0, new Set());
  return rows;
}

export function DependencyView({ model, now, width, rows }: { model: Model; now: number; width: number; rows: number }) {
  const all = dependencyRows(model);
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor>dependencies (depends_on)</Text>
      {all.slice(0, Math.max(0, rows - 1)).map((r, i) => {
        const state = displayState(r.service, now);
        return (
          <Text key={`${r.service.name}-${i}`} wrap="truncate-end">
            {`${'   '.repeat(r.depth)}${r.depth > 0 ? '└▶ ' : ''}`}
            <Text color={stateColour(state, r.service.exitCode)}>{r.service.name}</Text>
            <Text dimColor>{` ${stateText(state, r.service.exitCode)}${r.repeat ? ' (see above)' : ''}`}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
