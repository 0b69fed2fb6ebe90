/** `devspace ps`: the project's containers, found by label, as a table or JSON. */
import { observeProject, urlsOf } from '../run/snapshot.js';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions, projectNameFromOptions } from './session.js';

export interface PsOptions extends GlobalOptions {
  all?: boolean;
  services?: boolean;
}

export async function runPs(names: string[], opts: PsOptions, io: Io): Promise<void> {
  const { name } = projectNameFromOptions(opts, io);
  const { docker } = await openEngineFromOptions(opts, io);
  const snapshot = await observeProject(docker, name);
  const rows = snapshot.containers
    .filter((c) => (opts.all || c.state === 'running' || c.state === 'restarting') && (names.length === 0 || names.includes(c.service)))
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
  if (opts.json) {
    const out = rows.map((c) => ({ name: c.name, service: c.service, replica: c.number, state: c.state, status: c.status, ports: c.ports, urls: urlsOf(c), id: c.id }));
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  const table = [['NAME', 'SERVICE', 'STATUS', 'PORTS'], ...rows.map((c) => [c.name, c.service, c.status, portsText(c.ports)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  io.stdout(table.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n') + '\n');
}

function portsText(ports: { ip?: string; privatePort: number; publicPort?: number; type: string }[]): string {
  const seen = new Set<string>();
  for (const p of [...ports].sort((a, b) => a.privatePort - b.privatePort)) {
    seen.add(p.publicPort ? `${p.ip && p.ip !== '::' ? p.ip : p.ip === '::' ? '[::]' : '0.0.0.0'}:${p.publicPort}->${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`);
  }
  return [...seen].join(', ');
}
