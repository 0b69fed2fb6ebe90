// `devspace doctor`: which Docker engine devspace would use and why, what it runs, and whether the
// compose project here loads. The report is sections of checks (✓/✗ with a fix under each ✗) so
// the registry and cluster checks of later issues slot in as more sections.
import { homedir } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { UserError } from '../errors.js';
import type { OpenedEngine } from '../engine/connect.js';
import type { EngineEndpoint } from '../engine/resolve.js';
import { where } from './format-error.js';
import type { GlobalOptions } from './global-options.js';
import { loadOptions } from './load-options.js';
import type { Io } from './main.js';

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface DoctorCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do, for a failed check. */
  fix: string[];
  /** A failed required check makes doctor exit 1 (after the whole report is printed). */
  required: boolean;
}

export interface DoctorSection {
  id: string;
  title: string;
  checks: DoctorCheck[];
}

export interface EngineSummary {
  source: EngineEndpoint['source'];
  sourceDetail: string;
  address: string;
  tls: boolean;
  server?: string;
  api?: string;
  apiUsed?: string;
  os?: string;
  arch?: string;
  storageDriver?: string;
}

export interface DoctorReport {
  ok: boolean;
  engine: EngineSummary | null;
  sections: DoctorSection[];
}

const check = (id: string, title: string, status: CheckStatus, detail: string, fix: string[] = [], required = false): DoctorCheck => ({ id, title, status, detail, fix, required });

function userProblem(error: unknown): { message: string; fix: string[] } {
  // Only user errors are findings; anything else is a bug and must surface as one.
  if (error instanceof UserError) return { message: error.message, fix: error.nextSteps };
  throw error;
}

async function engineSection(options: GlobalOptions, io: Io): Promise<{ section: DoctorSection; engine: EngineSummary | null }> {
  const { resolveEngine, describeSource } = await import('../engine/resolve.js');
  const { connectEndpoint } = await import('../engine/connect.js');
  const checks: DoctorCheck[] = [];
  const section = { id: 'engine', title: 'Docker engine', checks };
  const homeDir = io.env['HOME'] || io.env['USERPROFILE'] || homedir();

  let endpoint: EngineEndpoint;
  try {
    endpoint = resolveEngine({ host: options.host, env: io.env, homeDir });
  } catch (error) {
    const { message, fix } = userProblem(error);
    checks.push(check('engine.address', 'engine address', 'fail', message, fix, true));
    checks.push(check('engine.connect', 'engine answers', 'skip', 'not checked: no usable engine address'));
    return { section, engine: null };
  }
  const engine: EngineSummary = { source: endpoint.source, sourceDetail: endpoint.sourceDetail, address: endpoint.address, tls: endpoint.tls };
  const tls = endpoint.tls ? (endpoint.tlsVerify ? ', TLS' : ', TLS without verifying the server') : '';
  checks.push(check('engine.address', 'engine address', 'ok', `${endpoint.address}${tls} — ${describeSource(endpoint)}`));
  if (options.verbose && endpoint.searched) checks.push(check('engine.searched', 'sockets searched', 'ok', endpoint.searched.join(', ')));

  let opened: OpenedEngine;
  try {
    opened = await connectEndpoint(endpoint);
  } catch (error) {
    const { message, fix } = userProblem(error);
    checks.push(check('engine.connect', 'engine answers', 'fail', message, fix, true));
    checks.push(check('engine.storage', 'storage driver', 'skip', 'not checked: no engine answers'));
    return { section, engine };
  }
  const { version } = opened;
  Object.assign(engine, { server: version.server, api: version.api, apiUsed: version.apiUsed, os: version.os, arch: version.arch });
  checks.push(check('engine.connect', 'engine answers', 'ok', `Docker Engine ${version.server}, API ${version.api} (devspace uses ${version.apiUsed}), ${version.os}/${version.arch}`));

  try {
    const info = (await opened.docker.info()) as { Driver?: string; OperatingSystem?: string; CgroupVersion?: string };
    engine.storageDriver = info.Driver ?? 'unknown';
    const on = info.OperatingSystem ? ` on ${info.OperatingSystem}` : '';
    checks.push(check('engine.storage', 'storage driver', 'ok', `${engine.storageDriver}${on}${info.CgroupVersion ? `, cgroup v${info.CgroupVersion}` : ''}`));
  } catch (error) {
    checks.push(check('engine.storage', 'storage driver', 'fail', `the engine answered the ping but not /info: ${(error as Error).message}`, ['Check the engine\'s log; it may be starting up or unhealthy.']));
  }
  return { section, engine };
}

/** Whether the compose project in the cwd loads. Informational: a broken file does not fail doctor. */
async function composeSection(options: GlobalOptions, io: Io): Promise<DoctorSection> {
  const { loadProject } = await import('../compose/load-project.js');
  const checks: DoctorCheck[] = [];
  try {
    const loaded = loadProject(loadOptions(options, io));
    const { project } = loaded;
    const count = Object.keys(project.services).length;
    const files = project.compose_files.map((f) => shortPath(f, io.cwd)).join(', ');
    const warnings = loaded.warnings.length > 0 ? `; ${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'} (see \`devspace config -q\`)` : '';
    checks.push(check('compose.project', 'compose project', 'ok', `${project.name}: ${count} service${count === 1 ? '' : 's'} from ${files}${warnings}`));
  } catch (error) {
    const { message, fix } = userProblem(error);
    const diagnostics = error instanceof UserError ? error.diagnostics : [];
    // The first few problems are enough to recognise it; `devspace config` prints them all.
    const lines = diagnostics.slice(0, 3).map((d) => `${where(d, io.cwd)}${d.message}`);
    if (diagnostics.length > 3) lines.push(`… and ${diagnostics.length - 3} more`);
    const detail = [message, ...lines].join('\n');
    checks.push(check('compose.project', 'compose project', 'fail', detail, [...fix, ...(diagnostics.length > 0 ? ['Run `devspace config` to see every problem.'] : [])]));
  }
  return { id: 'compose', title: 'Compose project', checks };
}

/** A path relative to cwd when it lies below it, else as is (like error positions). */
function shortPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };

/** The report as text: a heading per section, one line per check, indented fix lines under a ✗. */
export function formatDoctorReport(report: DoctorReport): string {
  // A fixed minimum keeps the column where it is whichever sections a report has.
  const width = Math.max(16, ...report.sections.flatMap((s) => s.checks.map((c) => c.title.length)));
  const out: string[] = [];
  for (const section of report.sections) {
    if (out.length > 0) out.push('');
    out.push(section.title);
    for (const c of section.checks) {
      const [first, ...rest] = c.detail.split('\n');
      out.push(`  ${MARK[c.status]} ${c.title.padEnd(width)}  ${first}`);
      for (const line of rest) out.push(`  ${' '.repeat(width + 4)}${line}`);
      if (c.status === 'fail') for (const step of c.fix) out.push(`      → ${step}`);
    }
  }
  return out.join('\n') + '\n';
}

export async function runDoctor(options: GlobalOptions, io: Io): Promise<void> {
  const { section: engine, engine: summary } = await engineSection(options, io);
  const sections = [engine, await composeSection(options, io)];
  const failed = sections.flatMap((s) => s.checks).filter((c) => c.status === 'fail' && c.required);
  const report: DoctorReport = { ok: failed.length === 0, engine: summary, sections };
  io.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctorReport(report));
  const first = failed[0];
  if (first) {
    // The fix is already in the report on stdout; repeat it only where the report is JSON.
    throw new UserError(first.detail.split('\n')[0]!, options.json ? first.fix : []);
  }
}
