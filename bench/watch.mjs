#!/usr/bin/env node
// Benchmarks of issue 4 ("Hot reload on file save"), all in one run against the same engine. Each
// figure is printed with its median and spread (min, p10, p90, max) over many repetitions, and
// with its ratio against a baseline measured in the same run, devspace and baseline samples
// alternating (devspace first on even repetitions, the baseline first on odd ones):
//
//   1. sync    — a save under a `develop.watch` sync rule (fixtures/bench/watch/sync: busybox httpd
//                serving /www, published on 127.0.0.1) until the new content is served over HTTP,
//                with `devspace up` attached (it watches by default). Baseline, the floor: write a
//                file and `docker cp` it into the same container, until it is served.
//                Targets: devspace median < 150 ms; ratio <= 2.0.
//   2. rebuild — a save under a `rebuild` rule (fixtures/bench/watch/rebuild: the page is COPY'd into
//                the image) until the new content is served. Baseline: a plain script doing
//                `docker build` (classic builder) + `docker rm -f` + `docker run -d` of the same
//                context. Target: ratio <= 1.10.
//   3. tree    — `devspace watch` on a project whose build context is a generated tree of
//                BENCH_TREE_DIRS x BENCH_TREE_FILES small files (default 500 x 100 = 50,000;
//                no develop section: the default rule watches the build context), brought up
//                with `up -d` first: time from spawn to the `watching ` line, and VmRSS/VmHWM
//                (/proc/<pid>/status) once ready and again one second later. Baseline: a bare
//                chokidar watcher (the library devspace depends on) on the same tree in a fresh
//                Node.js process, until 'ready'. Targets: RSS < 150 MB (judged on the peak, VmHWM).
//
// Latency samples: t0 is taken just before the file is written; the page is then polled every ~2 ms
// (a new TCP connection each time) until its body equals the unique value written, bounded by
// BENCH_SAMPLE_TIMEOUT_S. The polling runs in both devspace's and the baseline's
// samples, so its CPU cost is the same on both sides. A sample that times out is counted as a miss
// and left out of the figures (printed). devspace's own "N file synced (X ms)" / "rebuilt and
// restarted (X s)" lines are collected and printed beside the measured figures. Each latency figure
// starts with one warm-up save, made at once after `watching ` is printed and the page answers; it is
// not counted, but whether it was seen at all is printed (a save right after that line must not be lost).
// Requests overlap (a GET starts every ~2 ms, at most 16 in flight, each abandoned after 300 ms):
// for about a second after a container (re)starts, connections to its published port hang on this
// engine (seen with plain `docker run` too), and one hung request must not hide the next ones.
//
// Environment: BENCH_RUNS (repetitions of every figure; default 20 for sync, 5 for rebuild and tree),
// BENCH_SYNC_RUNS / BENCH_REBUILD_RUNS / BENCH_TREE_RUNS (per figure), BENCH_ONLY (comma list of
// sync,rebuild,tree), BENCH_TREE_DIRS (500), BENCH_TREE_FILES (100), BENCH_SAMPLE_TIMEOUT_S (30; 120 at
// least for a rebuild), BENCH_FIRST_SAVE_TIMEOUT_S (15, the warm-up save),
// BENCH_CMD_TIMEOUT_S (per command, default 600), BENCH_BASELINE_ONLY=1 (measure only the baselines;
// also chosen automatically while `devspace watch` answers "not implemented").
// Needs root for the first run (docker-engine.sh installs docker.io) and a built devspace
// (npm run build). Publishes only on 127.0.0.1. Everything it creates is named devspace-bench-<pid>-*
// and removed at the end, also on failure and on Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runner, runScenarios } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'devspace');
const fixtures = join(root, 'fixtures', 'bench', 'watch');
const runsOf = (name, fallback) => Number(process.env[`BENCH_${name}_RUNS`] ?? process.env.BENCH_RUNS ?? fallback);
const syncRuns = runsOf('SYNC', 20);
const rebuildRuns = runsOf('REBUILD', 5);
const treeRuns = runsOf('TREE', 5);
const treeDirs = Number(process.env.BENCH_TREE_DIRS ?? 500);
const treeFiles = Number(process.env.BENCH_TREE_FILES ?? 100);
const only = new Set((process.env.BENCH_ONLY ?? 'sync,rebuild,tree').split(',').map((s) => s.trim()));
const sampleTimeoutMs = Number(process.env.BENCH_SAMPLE_TIMEOUT_S ?? 30) * 1000;
const cmdTimeoutMs = Number(process.env.BENCH_CMD_TIMEOUT_S ?? 600) * 1000;
// Plain output starts each line with the time (HH:MM:SS.mmm) when stdout is not a terminal.
const WATCHING = /^(?:[\d:.]+ )?watching /;
const readyTimeoutMs = 300_000; // `up` (build + start) or `watch` until "watching "

const id = `${process.pid}`;
const prefix = `devspace-bench-${id}`;
const projects = { sync: `${prefix}-sync`, rebuild: `${prefix}-rebuild`, tree: `${prefix}-tree` };
const baseline = { image: `${prefix}-rebuild-baseline:latest`, container: `${prefix}-rebuild-baseline` };
const runLabel = `devspace-bench-run=${id}`;
// Images the rebuild baseline built (each save leaves the previous one dangling). Not labelled: with
// the classic builder every --label is one more build step (~65 ms here), which devspace would not
// get to see in the baseline; they are found by ID instead.
const baselineImageIds = new Set();
const baseEnv = { ...process.env, DOCKER_BUILDKIT: '0', NO_COLOR: '1' };
delete baseEnv.COMPOSE_PROJECT_NAME;
delete baseEnv.COMPOSE_FILE;
delete baseEnv.FORCE_COLOR;

const results = [];
const tempDirs = [];
const sessions = new Set(); // long-running devspace processes (up attached, watch)
const projectDirs = new Map(); // project -> { dir, env }
let baselineOnly = process.env.BENCH_BASELINE_ONLY === '1';

// --- small helpers -------------------------------------------------------------------------------

function log(text) {
  process.stdout.write(`${text}\n`);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const median = (v) => quantile(v, 0.5);

function spread(values, unit = 'ms', digits = 0) {
  if (values.length === 0) return 'no samples';
  const f = (x) => x.toFixed(digits);
  return `median ${f(median(values))} ${unit}  (min ${f(Math.min(...values))}, p10 ${f(quantile(values, 0.1))}, p90 ${f(quantile(values, 0.9))}, max ${f(Math.max(...values))}; n=${values.length})`;
}

const fmtSamples = (samples) => samples.map((s) => s.toFixed(0)).join(', ');

function tempDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `devspace-bench-watch-${name}-`));
  tempDirs.push(dir);
  return dir;
}

/** Runs a command to completion (bounded), returns { ms, out, code }; throws with the output tail on failure. */
const run = runner({ env: baseEnv, cwd: root, timeoutMs: cmdTimeoutMs });

const docker = (args, opts) => run('docker', args, opts);

/** `bin/devspace -p <project> ...` in the project's temp dir, with its environment (BENCH_PORT). */
function devspace(project, args, opts = {}) {
  const p = projectDirs.get(project);
  return run(process.execPath, [bin, '-p', project, ...args], { cwd: p.dir, env: p.env, ...opts });
}

/** One GET on 127.0.0.1 with a new connection; resolves { status, body } or null on any error. */
function get(port, path, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * Starts a GET every ~2 ms (at most 16 in flight, each abandoned after 300 ms) until a body equals
 * `value`; returns ms since t0, or null after the timeout. Requests overlap on purpose: a connection
 * made while a new container's network comes up can lose its SYN and hang until TCP retries it after
 * 1 s; one hung request must not hide the answers of the ones after it.
 */
function pollUntil(port, path, value, t0, timeoutMs = sampleTimeoutMs) {
  return new Promise((resolve) => {
    let done = false;
    let inflight = 0;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      resolve(v);
    };
    const tick = () => {
      if (done) return;
      if (now() > t0 + timeoutMs) return finish(null);
      if (inflight >= 16) return;
      inflight++;
      void get(port, path, 300).then((r) => {
        inflight--;
        if (r && r.status === 200 && r.body.trim() === value) finish(now() - t0);
      });
    };
    const timer = setInterval(tick, 2);
    tick();
  });
}

async function waitHttp(port, path, timeoutMs = 60_000) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const r = await get(port, path);
    if (r && r.status === 200) return;
    await sleep(50);
  }
  throw new Error(`http://127.0.0.1:${port}${path} did not answer 200 within ${timeoutMs / 1000}s`);
}

const unique = (tag, i) => `${tag}-${id}-${i}-${randomBytes(6).toString('hex')}`;

// --- long-running devspace processes -------------------------------------------------------------

/** Starts `bin/devspace -p <project> <args>` in the project's dir in the background, output piped. */
function startSession(project, args) {
  const p = projectDirs.get(project);
  const t0 = now();
  const child = spawn(process.execPath, [bin, '-p', project, ...args], { cwd: p.dir, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return adopt(child, t0, ['devspace', ...args]);
}

/**
 * Follows a background process: every output line is kept with its arrival time, waitFor(regex)
 * resolves on the first matching line at or after a mark, stopSession() ends it.
 */
function adopt(child, t0, args) {
  const session = { child, t0, lines: [], waiters: new Set(), exited: null, args };
  sessions.add(session);
  for (const [stream, name] of [
    [child.stdout, 'out'],
    [child.stderr, 'err'],
  ]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const t = now();
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop();
      for (const text of parts) {
        const line = { t, text, stream: name };
        session.lines.push(line);
        for (const w of [...session.waiters]) w(line);
      }
    });
  }
  session.done = new Promise((resolve) => {
    child.on('error', (error) => {
      session.exited = { error: error.message };
      for (const w of [...session.waiters]) w(null);
      resolve();
    });
    child.on('close', (code, signal) => {
      session.exited = { code, signal };
      for (const w of [...session.waiters]) w(null);
      resolve();
    });
  });
  const gone = (re) => new Error(`${args.join(' ')} exited (${JSON.stringify(session.exited)}) before printing ${re}:\n${tail(session)}`);
  /** The first line matching `re` (on stdout unless `anyStream`) at or after index `from`; null on timeout. */
  session.waitFor = (re, { from = 0, timeoutMs = 30_000, anyStream = false } = {}) =>
    new Promise((resolve, reject) => {
      const ok = (line) => (anyStream || line.stream === 'out') && re.test(line.text);
      for (let i = from; i < session.lines.length; i++) if (ok(session.lines[i])) return resolve(session.lines[i]);
      if (session.exited) return reject(gone(re));
      const timer = setTimeout(() => {
        session.waiters.delete(waiter);
        resolve(null);
      }, timeoutMs);
      const waiter = (line) => {
        if (line !== null && !ok(line)) return;
        clearTimeout(timer);
        session.waiters.delete(waiter);
        if (line === null) reject(gone(re));
        else resolve(line);
      };
      session.waiters.add(waiter);
    });
  return session;
}

function tail(session, n = 20) {
  return session.lines.slice(-n).map((l) => `    ${l.stream === 'err' ? '!' : '|'} ${l.text}`).join('\n');
}

/** Ctrl-C as a user would (SIGINT), then SIGKILL if it does not exit in time. Returns how it ended. */
async function stopSession(session, graceMs = 20_000) {
  if (!session.exited) {
    session.child.kill('SIGINT');
    const timedOut = await Promise.race([session.done.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      log(`  note: devspace ${session.args.join(' ')} did not exit within ${graceMs / 1000}s of SIGINT; killing it`);
      session.child.kill('SIGKILL');
      await Promise.race([session.done, sleep(5000)]);
    }
  }
  sessions.delete(session);
  return session.exited;
}

/** Reads VmRSS and VmHWM (MB) of a process, and how many inotify watches it holds. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  let watches = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target === 'anon_inode:inotify') watches += (readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
    }
  } catch {
    watches = NaN;
  }
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, watches };
}

function record(figure, dsValue, baseValue, { ratioTarget, absTarget, unit = 'ms', note = '' } = {}) {
  const ratio = dsValue / baseValue;
  const checks = [];
  if (absTarget !== undefined) checks.push({ text: `< ${absTarget} ${unit}`, pass: dsValue < absTarget });
  if (ratioTarget !== undefined) checks.push({ text: `<= ${ratioTarget}x`, pass: ratio <= ratioTarget });
  results.push({ figure, dsValue, baseValue, ratio, checks, unit, note });
  const verdict = checks.map((c) => `${c.text} ${c.pass ? 'PASS' : 'MISS'}`).join(', ');
  log(`  => ${figure}: devspace ${dsValue.toFixed(0)} ${unit}, baseline ${baseValue.toFixed(0)} ${unit}, ratio ${ratio.toFixed(2)}x  [${verdict}]${note ? `  (${note})` : ''}`);
}

/** Runs `runs` repetitions of two samplers, alternating which goes first. Each returns a number or null (miss). */
async function alternate(runs, devspaceSample, baselineSample) {
  const ds = [];
  const base = [];
  const misses = { ds: 0, base: 0 };
  for (let i = 0; i < runs; i++) {
    const pair = [
      async () => {
        if (!devspaceSample) return;
        const v = await devspaceSample(i);
        if (v === null) misses.ds++;
        else ds.push(v);
      },
      async () => {
        const v = await baselineSample(i);
        if (v === null) misses.base++;
        else base.push(v);
      },
    ];
    if (i % 2) pair.reverse();
    for (const step of pair) await step();
  }
  return { ds, base, misses };
}

/** Copies a fixture to a fresh temp dir and registers it as the project's directory. */
async function prepareProject(name, fixture) {
  const dir = tempDir(name);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  const port = await freePort();
  projectDirs.set(projects[name], { dir, env: { ...baseEnv, BENCH_PORT: String(port) }, port });
  return { dir, port };
}

/**
 * The warm-up save of figures 1 and 2 is made at once after the `watching ` line (and the page
 * answering): a user who saves right after that line expects it to be seen. Its result is printed,
 * never counted; a lost save costs BENCH_FIRST_SAVE_TIMEOUT_S, then the bench goes on.
 */
const firstSaveTimeoutMs = Number(process.env.BENCH_FIRST_SAVE_TIMEOUT_S ?? 15) * 1000;
const firstSaves = [];
function firstSave(ms) {
  firstSaves.push(ms);
  log(ms === null ? `  first save right after "watching ": NOT SEEN within ${firstSaveTimeoutMs / 1000} s (lost)` : `  first save right after "watching ": served after ${ms.toFixed(0)} ms (warm-up, not counted)`);
}

/** `devspace up` attached, in the background, until it prints `watching ` (bounded). */
async function upAttached(project) {
  const session = startSession(project, ['up']);
  const line = await session.waitFor(WATCHING, { timeoutMs: readyTimeoutMs });
  if (!line) throw new Error(`devspace up printed no "watching " line within ${readyTimeoutMs / 1000}s:\n${tail(session)}`);
  log(`  devspace up: "${line.text.trim()}" after ${(line.t - session.t0).toFixed(0)} ms`);
  return session;
}

/** The numbers devspace printed itself after index `from`, e.g. "web | 1 file synced (12 ms)". */
function selfReported(session, re, from = 0) {
  const out = [];
  for (const l of session.lines.slice(from)) {
    const m = l.text.match(re);
    if (m) out.push(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  }
  return out;
}

// --- 1. sync -------------------------------------------------------------------------------------

async function benchSync() {
  log(`\n[1] sync latency: save www/probe.txt -> served by httpd in the container, ${syncRuns} runs each (+1 warm-up)`);
  log('  baseline: write a file outside the project + `docker cp` it to the same container /www/probe2.txt -> served');
  const project = projects.sync;
  const { dir, port } = await prepareProject('sync', 'sync');
  const cpDir = tempDir('cp');
  let session;
  if (baselineOnly) {
    await devspace(project, ['up', '-d']);
  } else {
    session = await upAttached(project);
  }
  await waitHttp(port, '/index.html');
  const { out: cid } = await docker(['ps', '-q', '--no-trunc', '--filter', `label=dev.devspace.project=${project}`, '--filter', 'label=dev.devspace.service=web']);
  const container = cid.trim().split('\n')[0];
  if (!container) throw new Error(`no running container of ${project} web`);
  const probe = join(dir, 'www', 'probe.txt');
  const cpFile = join(cpDir, 'probe2.txt');
  const syncedRe = /^(?:[\d:.]+ )?web(?:[-_]\d+)?\s*\|\s*\d+ files? synced \((\d+(?:\.\d+)?) ?(ms|s)\)/;
  const saidAt = []; // ms from the save to devspace's "synced" line

  const devspaceSample = baselineOnly
    ? undefined
    : async (i) => {
        const value = unique('ds', i);
        const mark = session.lines.length;
        const t0 = now();
        writeFileSync(probe, value);
        const ms = await pollUntil(port, '/probe.txt', value, t0, i < 0 ? firstSaveTimeoutMs : sampleTimeoutMs);
        // Let the watcher finish reporting this save before the next sample starts.
        const said = await session.waitFor(syncedRe, { from: mark, timeoutMs: ms === null ? 100 : 3000 });
        if (said && i >= 0) saidAt.push(said.t - t0);
        if (ms === null && i >= 0) log(`  devspace sample ${i + 1}: MISS (not served within ${sampleTimeoutMs / 1000}s)`);
        await sleep(100);
        return ms;
      };
  const baselineSample = async (i) => {
    const value = unique('cp', i);
    const t0 = now();
    writeFileSync(cpFile, value);
    const cp = docker(['cp', cpFile, `${container}:/www/probe2.txt`], { timeoutMs: sampleTimeoutMs });
    const ms = await pollUntil(port, '/probe2.txt', value, t0);
    await cp;
    if (ms === null) log(`  docker cp sample ${i + 1}: MISS`);
    await sleep(100);
    return ms;
  };
  // Warm-up (not counted): the first save creates probe.txt, the first cp creates probe2.txt.
  if (devspaceSample) firstSave(await devspaceSample(-1));
  await baselineSample(-1);
  const mark = session?.lines.length ?? 0;
  const { ds, base, misses } = await alternate(syncRuns, devspaceSample, baselineSample);
  log(`  docker cp  samples ms: ${fmtSamples(base)}`);
  log(`  docker cp  ${spread(base)}${misses.base ? `, ${misses.base} MISSED` : ''}`);
  if (!baselineOnly) {
    log(`  devspace   samples ms: ${fmtSamples(ds)}`);
    log(`  devspace   ${spread(ds)}${misses.ds ? `, ${misses.ds} MISSED` : ''}`);
    const own = selfReported(session, syncedRe, mark);
    log(`  devspace's own "synced (X ms)" lines: ${own.length} for ${syncRuns} saves; ${spread(own)}`);
    log(`  save -> that line on devspace's stdout: ${spread(saidAt)}`);
    const exited = session.exited;
    await stopSession(session);
    if (exited) log(`  WARNING: devspace up had exited during the samples: ${JSON.stringify(exited)}`);
    if (ds.length === 0) throw new Error(`sync: every devspace sample missed:\n${tail(session)}`);
    record('sync latency (median)', median(ds), median(base), { absTarget: 150, ratioTarget: 2.0, note: misses.ds ? `${misses.ds} misses` : '' });
  }
}

// --- 2. rebuild ----------------------------------------------------------------------------------

async function benchRebuild() {
  log(`\n[2] rebuild latency: save site/index.html -> rebuilt image answers, ${rebuildRuns} runs each (+1 warm-up)`);
  log(`  baseline: DOCKER_BUILDKIT=0 docker build -t ${baseline.image} . && docker rm -f ${baseline.container} && docker run -d --name ${baseline.container} -p 127.0.0.1:<port>:8080 ${baseline.image}`);
  const project = projects.rebuild;
  const { port } = await prepareProject('rebuild', 'rebuild');
  const projectDir = projectDirs.get(project).dir;
  const baseDir = tempDir('rebuild-baseline');
  cpSync(join(fixtures, 'rebuild'), baseDir, { recursive: true });
  rmSync(join(baseDir, 'compose.yaml'));
  const basePort = await freePort();
  let session;
  if (!baselineOnly) {
    session = await upAttached(project);
    await waitHttp(port, '/index.html');
  }
  const rebuiltRe = /^(?:[\d:.]+ )?site(?:[-_]\d+)?\s*\|\s*rebuilt and restarted \((\d+(?:\.\d+)?) ?(ms|s)\)/;
  const stepTimes = { build: [], rm: [], run: [], served: [] };
  const phases = { first: [], said: [] }; // ms from the save to devspace's first output line / its "rebuilt" line
  const baselineScript = async () => {
    const opts = { cwd: baseDir, timeoutMs: 300_000 };
    const b = await docker(['build', '-t', baseline.image, '.'], opts);
    const r = await docker(['rm', '-f', baseline.container], { ...opts, allowFail: true });
    const s = await docker(['run', '-d', '--label', runLabel, '--name', baseline.container, '-p', `127.0.0.1:${basePort}:8080`, baseline.image], opts);
    return [b.ms, r.ms, s.ms];
  };
  const devspaceSample = baselineOnly
    ? undefined
    : async (i) => {
        const value = unique('ds', i);
        const mark = session.lines.length;
        const t0 = now();
        writeFileSync(join(projectDir, 'site', 'index.html'), `${value}\n`);
        const ms = await pollUntil(port, '/index.html', value, t0, i < 0 ? firstSaveTimeoutMs : Math.max(sampleTimeoutMs, 120_000));
        const said = await session.waitFor(rebuiltRe, { from: mark, timeoutMs: ms === null ? 100 : 10_000 });
        const first = session.lines[mark];
        if (i >= 0 && first) phases.first.push(first.t - t0);
        if (i >= 0 && said) phases.said.push(said.t - t0);
        if (!said && ms !== null) log(`  note: devspace sample ${i + 1} served the new page but printed no "rebuilt and restarted" line within 10 s`);
        if (ms === null && i >= 0) log(`  devspace sample ${i + 1}: MISS:\n${tail(session, 10)}`);
        await sleep(300);
        return ms;
      };
  const baselineSample = async (i) => {
    const value = unique('base', i);
    const t0 = now();
    writeFileSync(join(baseDir, 'site', 'index.html'), `${value}\n`);
    const polling = pollUntil(basePort, '/index.html', value, t0, Math.max(sampleTimeoutMs, 120_000));
    const steps = await baselineScript();
    const scriptDone = now();
    const ms = await polling;
    const { out: imageId } = await docker(['image', 'inspect', '-f', '{{.Id}}', baseline.image], { allowFail: true });
    if (imageId.trim()) baselineImageIds.add(imageId.trim());
    if (i >= 0) steps.forEach((v, k) => stepTimes[['build', 'rm', 'run'][k]].push(v));
    if (i >= 0 && ms !== null) stepTimes.served.push(t0 + ms - scriptDone);
    if (ms === null) log(`  baseline sample ${i + 1}: MISS`);
    await sleep(300);
    return ms;
  };
  if (devspaceSample) firstSave(await devspaceSample(-1));
  await baselineSample(-1);
  const mark = session?.lines.length ?? 0;
  const { ds, base, misses } = await alternate(rebuildRuns, devspaceSample, baselineSample);
  log(`  baseline   samples ms: ${fmtSamples(base)}`);
  log(`  baseline   ${spread(base)}${misses.base ? `, ${misses.base} MISSED` : ''}`);
  log(`    of which docker build ${spread(stepTimes.build)}; rm -f median ${median(stepTimes.rm).toFixed(0)} ms; run -d median ${median(stepTimes.run).toFixed(0)} ms; run -d returned -> served median ${median(stepTimes.served).toFixed(0)} ms`);
  if (!baselineOnly) {
    log(`  devspace   samples ms: ${fmtSamples(ds)}`);
    log(`  devspace   ${spread(ds)}${misses.ds ? `, ${misses.ds} MISSED` : ''}`);
    const own = selfReported(session, rebuiltRe, mark);
    log(`  devspace's own "rebuilt and restarted (X s)" lines: ${own.length} for ${rebuildRuns} saves; ${spread(own)}`);
    log(`  save -> devspace's first output line: ${spread(phases.first)}; save -> its "rebuilt" line: ${spread(phases.said)}`);
    log(`  last rebuild's output:\n${tail(session, 12)}`);
    const { out: imgs } = await docker(['images', '-a', '-q', '--filter', `label=dev.devspace.project=${project}`], { allowFail: true });
    const { out: dangling } = await docker(['images', '-q', '--filter', 'dangling=true', '--filter', `label=dev.devspace.project=${project}`], { allowFail: true });
    log(`  images labelled with the project after ${rebuildRuns + 1} rebuilds: ${new Set(imgs.split('\n').filter(Boolean)).size} (dangling: ${new Set(dangling.split('\n').filter(Boolean)).size})`);
    const exited = session.exited;
    await stopSession(session);
    if (exited) log(`  WARNING: devspace up had exited during the samples: ${JSON.stringify(exited)}`);
    if (ds.length === 0) throw new Error(`rebuild: every devspace sample missed:\n${tail(session)}`);
    record('rebuild latency (median)', median(ds), median(base), { ratioTarget: 1.1, note: misses.ds ? `${misses.ds} misses` : '' });
  }
}

// --- 3. big tree ---------------------------------------------------------------------------------

function generateTree(dir) {
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox:latest\nCMD ["sleep", "3600"]\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    `# Generated by bench/watch.mjs: a build context of ${treeDirs} x ${treeFiles} files, no develop section (the default rule watches the context).\nservices:\n  big:\n    build: .\n    stop_signal: SIGKILL\n    stop_grace_period: 1s\n`,
  );
  const content = 'x'.repeat(64);
  for (let d = 0; d < treeDirs; d++) {
    const sub = join(dir, 'src', `d${String(d).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < treeFiles; f++) writeFileSync(join(sub, `f${String(f).padStart(4, '0')}.txt`), `${d}/${f} ${content}\n`);
  }
}

/**
 * Starts a process, waits for a line matching /^watching /m on stdout, then reads its memory at
 * once and one second later, and stops it. Returns { readyMs, rss, hwm, rss1s, hwm1s } or throws.
 */
async function watchReady(session, label) {
  const line = await session.waitFor(WATCHING, { timeoutMs: readyTimeoutMs });
  if (!line) throw new Error(`${label} printed no "watching " line within ${readyTimeoutMs / 1000}s:\n${tail(session)}`);
  const readyMs = line.t - session.t0;
  const first = memoryOf(session.child.pid);
  await sleep(1000);
  const later = session.exited ? { rss: NaN, hwm: NaN } : memoryOf(session.child.pid);
  if (session.exited) log(`  WARNING: ${label} exited within a second of "watching": ${JSON.stringify(session.exited)}\n${tail(session)}`);
  await stopSession(session);
  return { readyMs, rss: first.rss, hwm: first.hwm, watches: first.watches, rss1s: later.rss, hwm1s: later.hwm, line: line.text };
}

async function benchTree() {
  const total = treeDirs * treeFiles;
  log(`\n[3] watcher start-up and memory on a ${total.toLocaleString('en')}-file build context (${treeDirs} dirs x ${treeFiles} files, generated), ${treeRuns} runs each`);
  log('  devspace watch (after up -d) from spawn to "watching ", VmRSS/VmHWM at that moment and 1 s later');
  log('  baseline: a bare chokidar watcher (node_modules/chokidar, ignoreInitial) on the same tree in a fresh node process, until "ready"');
  const project = projects.tree;
  const dir = tempDir('tree');
  const port = await freePort();
  projectDirs.set(project, { dir, env: { ...baseEnv, BENCH_PORT: String(port) }, port });
  const t = now();
  generateTree(dir);
  log(`  generated in ${((now() - t) / 1000).toFixed(1)} s`);
  const up = await devspace(project, ['up', '-d'], { timeoutMs: cmdTimeoutMs });
  log(`  devspace up -d (builds the ${total.toLocaleString('en')}-file context): ${(up.ms / 1000).toFixed(1)} s`);

  let chokidarUrl;
  try {
    chokidarUrl = import.meta.resolve('chokidar');
  } catch {
    log('  note: chokidar is not installed in node_modules; no baseline for this figure');
  }
  const baselineScript = `const { watch } = await import(${JSON.stringify(chokidarUrl)});
const w = watch(process.argv[1], { ignoreInitial: true, persistent: true });
w.on('error', (e) => { console.error(e); process.exit(1); });
w.on('ready', () => console.log('watching ' + process.argv[1]));
process.on('SIGINT', () => w.close().then(() => process.exit(0)));`;
  const startBaseline = () => {
    const t0 = now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', baselineScript, dir], { cwd: root, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    return adopt(child, t0, ['chokidar baseline']);
  };
  const dsRuns = [];
  const baseRuns = [];
  // For reference (no ratio): what watching only the directories costs — inotify reports changes to
  // the files of a watched directory, so one watch per directory is enough to see every save.
  const dirScript = `const { readdirSync, watch } = require('node:fs');
const { join } = require('node:path');
let n = 0;
const visit = (dir) => { watch(dir, () => {}); n++; for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(join(dir, e.name)); };
visit(process.argv[1]);
console.log('watching ' + n + ' directories');`;
  const dirRuns = [];
  const { ds, base } = await alternate(
    treeRuns,
    baselineOnly
      ? undefined
      : async () => {
          const r = await watchReady(startSession(project, ['watch']), 'devspace watch');
          dsRuns.push(r);
          return r.readyMs;
        },
    async () => {
      if (!chokidarUrl) return null;
      const r = await watchReady(startBaseline(), 'chokidar baseline');
      baseRuns.push(r);
      const t0 = now();
      dirRuns.push(await watchReady(adopt(spawn(process.execPath, ['-e', dirScript, dir], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] }), t0, ['directory watcher']), 'directory watcher'));
      return r.readyMs;
    },
  );
  const mem = (rs, k) => rs.map((r) => r[k]);
  // For scale: an idle Node.js process that loads nothing.
  const idle = await watchReady(adopt(spawn(process.execPath, ['-e', "console.log('watching nothing'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'pipe'] }), now(), ['idle node']), 'idle node');
  log(`  (an idle node process: VmRSS ${idle.rss.toFixed(0)} MB, VmHWM ${idle.hwm.toFixed(0)} MB)`);
  if (dirRuns.length) {
    log(`  reference: fs.watch on each directory only ("${dirRuns[0].line}"): ready after ${spread(mem(dirRuns, 'readyMs'))}; VmRSS ${spread(mem(dirRuns, 'rss'), 'MB')}; inotify watches ${median(mem(dirRuns, 'watches'))}`);
  }
  if (baseRuns.length) {
    log(`  chokidar   ready after: ${spread(base)}`);
    log(`  chokidar   VmRSS at ready ${spread(mem(baseRuns, 'rss'), 'MB')}; VmHWM ${spread(mem(baseRuns, 'hwm'), 'MB')}; inotify watches ${median(mem(baseRuns, 'watches'))}`);
  }
  if (!baselineOnly) {
    log(`  devspace   "${dsRuns[0]?.line}"`);
    log(`  devspace   ready after: ${spread(ds)}`);
    log(`  devspace   VmRSS at ready ${spread(mem(dsRuns, 'rss'), 'MB')}; VmHWM ${spread(mem(dsRuns, 'hwm'), 'MB')}; inotify watches ${median(mem(dsRuns, 'watches'))}`);
    log(`  devspace   1 s later: VmRSS ${spread(mem(dsRuns, 'rss1s'), 'MB')}; VmHWM ${spread(mem(dsRuns, 'hwm1s'), 'MB')}`);
    const peak = Math.max(...mem(dsRuns, 'hwm1s').filter(Number.isFinite), ...mem(dsRuns, 'hwm'));
    const baseRss = baseRuns.length ? median(mem(baseRuns, 'hwm')) : NaN;
    record(`watch RSS, ${total / 1000}k files (peak VmHWM)`, peak, baseRss, { absTarget: 150, unit: 'MB' });
    record(`watch RSS, ${total / 1000}k files (median VmRSS)`, median(mem(dsRuns, 'rss')), baseRuns.length ? median(mem(baseRuns, 'rss')) : NaN, { absTarget: 150, unit: 'MB' });
    record(`watch start-up, ${total / 1000}k files`, median(ds), base.length ? median(base) : NaN, { note: 'no target; baseline = bare chokidar' });
  }
}

// --- set-up, clean-up, main ----------------------------------------------------------------------

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    log('\ncleaning up');
    for (const s of [...sessions]) await stopSession(s, 15_000);
    for (const [project] of projectDirs) {
      const r = await devspace(project, ['down', '-v', '--rmi', 'local'], { allowFail: true, timeoutMs: 120_000 });
      if (r.code !== 0) log(`  WARNING: devspace down of ${project} failed (exit ${r.code}):\n${r.out.trim().split('\n').slice(-5).join('\n')}`);
    }
    await docker(['rm', '-f', baseline.container], { allowFail: true });
    await docker(['rmi', '-f', baseline.image, ...baselineImageIds], { allowFail: true });
    const left = [];
    for (const project of Object.values(projects)) {
      for (const kind of [['ps', '-aq'], ['network', 'ls', '-q'], ['volume', 'ls', '-q'], ['images', '-aq']]) {
        const { out } = await docker([...kind, '--filter', `label=dev.devspace.project=${project}`], { allowFail: true });
        if (out.trim()) left.push(`${project} (${kind[0]}: ${out.trim().split('\n').length})`);
      }
    }
    const { out: named } = await docker(['ps', '-aq', '--filter', `name=${prefix}`], { allowFail: true });
    const { out: stillThere } = await docker(['image', 'inspect', '-f', '{{.Id}}', ...baselineImageIds, baseline.image], { allowFail: true });
    if (named.trim()) left.push(`containers named ${prefix}*`);
    if (/^sha256:/m.test(stillThere)) left.push('rebuild baseline images');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    log(left.length ? `  WARNING: leftovers: ${left.join(', ')}` : '  nothing left behind');
  })();
  return cleaning;
}

async function watchImplemented() {
  const r = await run(process.execPath, [bin, 'watch', '--help'], { allowFail: true, timeoutMs: 30_000 });
  return r.code === 0;
}

function setup() {
  if (!existsSync(join(root, 'dist', 'devspace.cjs'))) throw new Error('devspace is not built: run `npm run build` first');
  for (const script of ['docker-engine.sh start', 'base-images.sh']) {
    const [file, ...args] = script.split(' ');
    execFileSync('bash', [join(root, 'scripts', file), ...args], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
  }
}

async function main() {
  setup();
  const engine = execFileSync('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'], { encoding: 'utf8' }).trim();
  const version = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim();
  log(`devspace watch benchmarks — devspace ${version}, node ${process.version}, engine ${engine}`);
  let head = 'unknown';
  try {
    head = execFileSync('git', ['-C', root, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim().slice(0, 100);
  } catch {
    // Not a git checkout.
  }
  log(`dist/devspace.cjs built ${statSync(join(root, 'dist', 'devspace.cjs')).mtime.toISOString()}; HEAD ${head}`);
  if (!baselineOnly && !(await watchImplemented())) {
    baselineOnly = true;
    log('NOTE: `devspace watch --help` does not succeed (not implemented yet): measuring the baselines only');
  }
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`\n${signal}: cleaning up (again to leave things behind)`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const scenarios = { sync: benchSync, rebuild: benchRebuild, tree: benchTree };
  await runScenarios(Object.entries(scenarios).filter(([name]) => only.has(name)).map(([, fn]) => fn), cleanup, () => {
    if (results.length) {
      log('\nfigure                                      devspace      baseline    ratio   targets');
      for (const r of results) {
        const checks = r.checks.map((c) => `${c.text} ${c.pass ? 'PASS' : 'MISS'}`).join(', ') || '-';
        const base = Number.isFinite(r.baseValue) ? `${r.baseValue.toFixed(0)} ${r.unit}` : 'n/a';
        const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a';
        log(`${r.figure.padEnd(40)}${`${r.dsValue.toFixed(0)} ${r.unit}`.padStart(12)}${base.padStart(14)}${ratio.padStart(9)}   ${checks}${r.note ? `  (${r.note})` : ''}`);
      }
      log('baselines: `docker cp` into the same container (sync); docker build + rm -f + run -d, classic builder (rebuild); bare chokidar (tree)');
    }
    if (firstSaves.length) log(`first saves made right after the "watching " line: ${firstSaves.filter((v) => v === null).length} of ${firstSaves.length} lost`);
  });
}

await main();
