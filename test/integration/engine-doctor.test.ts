// runDoctor with a captured Io: the report against the real engine, and the failure report (exit
// code 1, fix lines, no stack) when no engine answers at the address given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type DoctorReport } from '../../src/cli/doctor-command.js';
import { formatError } from '../../src/cli/format-error.js';
import type { GlobalOptions } from '../../src/cli/global-options.js';
import type { Io } from '../../src/cli/main.js';
import { dockerEngineOrSkip } from './docker-env.js';

const engine = await dockerEngineOrSkip('devspace doctor tests');
const example = join(import.meta.dirname, '..', '..', 'fixtures', 'voting-app');

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'devspace-doctor-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function options(extra: Partial<GlobalOptions> = {}): GlobalOptions {
  return { file: [], profile: [], envFile: [], json: false, verbose: false, ...extra };
}

async function doctor(extra: Partial<GlobalOptions> = {}, cwd = example) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { HOME: home, PATH: process.env['PATH'] }, cwd };
  const error = await runDoctor(options(extra), io).then(() => undefined, (e: unknown) => e);
  return { stdout, stderr, error, printed: error === undefined ? undefined : formatError(error, cwd) };
}

describe.skipIf(!engine)('devspace doctor (real engine)', () => {
  it('reports the engine, why it won, versions, storage driver and the example project', async () => {
    const { stdout, error } = await doctor();
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^Docker engine\n/);
    expect(stdout).toMatch(/✓ engine address {2,}unix:\/\/\/var\/run\/docker\.sock — found \/var\/run\/docker\.sock \(no -H, DOCKER_HOST or docker context set\)/);
    expect(stdout).toMatch(/✓ engine answers {2,}Docker Engine \S+, API 1\.\d+ \(devspace uses 1\.\d+\), linux\/\w+/);
    expect(stdout).toMatch(/✓ storage driver {2,}\w+/);
    expect(stdout).toMatch(/\nCompose project\n {2}✓ compose project {2,}\S+: \d+ services from compose\.ya?ml/);
    expect(stdout).not.toContain('✗');
  });

  it('prints one JSON object with --json', async () => {
    const { stdout, error } = await doctor({ json: true, host: 'unix:///var/run/docker.sock' });
    expect(error).toBeUndefined();
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.engine).toMatchObject({ source: 'flag', address: 'unix:///var/run/docker.sock', tls: false, os: 'linux' });
    expect(report.engine?.storageDriver).toBeTruthy();
    expect(report.sections.map((s) => s.id)).toEqual(['engine', 'compose']);
    expect(report.sections[0]!.checks.map((c) => [c.id, c.status])).toEqual([
      ['engine.address', 'ok'],
      ['engine.connect', 'ok'],
      ['engine.storage', 'ok'],
    ]);
  });

  it('reports a broken compose file without failing', async () => {
    const dir = mkdtempSync(join(home, 'broken-'));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n    ports: [nope]\n');
    const { stdout, error } = await doctor({}, dir);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/✗ compose project {2,}\S/);
    expect(stdout).toContain('compose.yaml:4');
    expect(stdout).toContain('→ Run `devspace config` to see every problem.');
  });
});

describe('devspace doctor without an engine', () => {
  it('prints the report with the fix, then fails with exit code 1 and no stack', async () => {
    const { stdout, printed } = await doctor({ host: 'unix:///tmp/nope.sock' });
    expect(stdout).toMatch(/✓ engine address {2,}unix:\/\/\/tmp\/nope\.sock — from -H\/--host\n/);
    expect(stdout).toMatch(/✗ engine answers {2,}no Docker engine at unix:\/\/\/tmp\/nope\.sock \(from -H\/--host\): \/tmp\/nope\.sock does not exist\n/);
    expect(stdout).toContain('      → Start Docker:');
    expect(stdout).toMatch(/– storage driver {2,}not checked: no engine answers/);
    // The project is still checked.
    expect(stdout).toMatch(/✓ compose project/);
    expect(printed).toEqual({ text: 'error: no Docker engine at unix:///tmp/nope.sock (from -H/--host): /tmp/nope.sock does not exist\n', exitCode: 1 });
  });

  it('puts the failure and its fix in the JSON too', async () => {
    const { stdout, printed } = await doctor({ host: 'unix:///tmp/nope.sock', json: true });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    const connect = report.sections[0]!.checks.find((c) => c.id === 'engine.connect')!;
    expect(connect).toMatchObject({ status: 'fail', required: true });
    expect(connect.fix[0]).toContain('Start Docker');
    expect(printed?.exitCode).toBe(1);
    expect(printed?.text).toContain('→ Start Docker');
  });

  it('reports a bad address as a failed check naming its source', async () => {
    const { stdout, printed } = await doctor({ host: 'foo' });
    expect(stdout).toMatch(/✗ engine address {2,}-H foo: not a Docker address; expected unix:\/\/\/path/);
    expect(printed?.exitCode).toBe(1);
  });
});
