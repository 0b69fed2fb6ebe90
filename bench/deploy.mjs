#!/usr/bin/env node
// Deploy benchmark of issue 7 ("Promote to Kubernetes", section Performance), against the test
// cluster (test/cluster/cluster.sh: a real API server, controller manager and scheduler; kwok plays
// the nodes and makes pods Ready at once, so what is measured is the client's and the control
// plane's work, not image pulls; its controller manager runs at 200 requests/s rather than
// kubeadm's 20, at which the deployment controller makes both tools wait ~11 s for 50 Deployments
// and the ratio measures its rate limiter: 0.90x on 2026-12-02 — docs/testing.md):
//
//   1. deploy  — `devspace deploy` of a generated 50-service project (image: only, so no engine and
//                no registry: kwok never pulls `registry.invalid/...`) into a fresh namespace, until
//                it returns (it waits for every rollout itself), vs the same rendered manifests
//                (`devspace render -n <ns>`, not timed) applied by `kubectl apply -f` and then
//                `kubectl rollout status deployment/<name>` for each Deployment, one after the
//                other, as a user would script it, into another fresh namespace. Samples alternate
//                who goes first; both namespaces are deleted (and gone) before the next sample.
//                Target: devspace <= 0.5x.
//   2. no-change redeploy — `devspace deploy` again with nothing changed (it applies, finds every
//                object unchanged and every rollout done) vs `kubectl apply -f` of the same file
//                again. Target: devspace under 2 s; the ratio is printed.
//
// The project: 50 services, each with a port (→ Service), environment (→ ConfigMap) and a
// healthcheck (→ probes); every fifth with 3 replicas; services 0–19 form five depends_on chains
// of four (→ devspace applies each link once the one before is ready, the requests of those chains
// first; the baseline applies everything at once, as kubectl knows no order).
//
// Environment: BENCH_RUNS (deploy samples each, default 3), BENCH_NOOP_RUNS (default 5),
// BENCH_SERVICES (default 50), BENCH_CMD_TIMEOUT_S (per command, default 300). Needs a built devspace
// (npm run build); starts the test cluster if it is not running. Cleans up its namespaces even on
// failure or Ctrl-C. Exit code 1 when a target is missed or the bench fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runner, runScenarios } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'devspace');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const noopRuns = Number(process.env.BENCH_NOOP_RUNS ?? 5);
const count = Number(process.env.BENCH_SERVICES ?? 50);
const cmdTimeoutMs = Number(process.env.BENCH_CMD_TIMEOUT_S ?? 300) * 1000;
const CONTEXT = 'devspace-test';

const log = (text) => process.stdout.write(`${text}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');

if (!existsSync(join(root, 'dist', 'devspace.cjs'))) throw new Error('devspace is not built: run `npm run build` first');
const cluster = (args) => execFileSync('bash', [join(root, 'test/cluster/cluster.sh'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const kubeconfig = cluster(['start']);
const kubectlBin = cluster(['kubectl-path']);
const dir = mkdtempSync(join(tmpdir(), 'devspace-bench-deploy-'));
const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
delete env.COMPOSE_FILE;
delete env.COMPOSE_PROJECT_NAME;
const run = runner({ env, cwd: dir, timeoutMs: cmdTimeoutMs });
const kubectl = (args, opts) => run(kubectlBin, ['--context', CONTEXT, ...args], opts);
const devspace = (args, opts) => run(process.execPath, [bin, ...args], opts);

/** Every namespace this run may have created: deleted at the end whatever happened. */
const namespaces = new Set();
const prefix = `bench-deploy-${process.pid}`;

function composeFile() {
  const name = (i) => `svc-${String(i).padStart(2, '0')}`;
  const lines = ['name: bench-deploy', 'services:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  ${name(i)}:`,
      `    image: registry.invalid/bench/${name(i)}:1`,
      '    ports: ["8080"]',
      '    environment:',
      `      SERVICE_NAME: ${name(i)}`,
      '      LOG_LEVEL: info',
      `      PEER_URL: http://${name((i + 1) % count)}:8080`,
      '    healthcheck:',
      '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/health"]',
      '      interval: 10s',
      '      timeout: 2s',
      '      retries: 3',
    );
    if (i % 5 === 0) lines.push('    deploy:', '      replicas: 3');
    if (i < 20 && i % 4 !== 0) lines.push('    depends_on:', `      - ${name(i - 1)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The manifests a user would apply by hand: devspace's own rendering, into `ns` (stdout only; notes go to stderr). */
function renderInto(ns) {
  const yaml = execFileSync(process.execPath, [bin, 'render', '-n', ns], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: cmdTimeoutMs });
  const file = join(dir, `${ns}.yaml`);
  writeFileSync(file, yaml);
  const deployments = parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o?.kind === 'Deployment').map((o) => o.metadata.name);
  return { file, deployments };
}

async function baseline(ns) {
  const { file, deployments } = renderInto(ns);
  if (deployments.length !== count) throw new Error(`expected ${count} Deployments in the rendered manifests, found ${deployments.length}`);
  namespaces.add(ns);
  const start = process.hrtime.bigint();
  const applied = await kubectl(['apply', '-f', file]);
  for (const d of deployments) await kubectl(['rollout', 'status', `deployment/${d}`, '-n', ns, '--timeout=300s']);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, applyMs: applied.ms, file };
}

async function ours(ns) {
  namespaces.add(ns);
  const r = await devspace(['deploy', '--context', CONTEXT, '-n', ns]);
  return r;
}

/** What a user checks afterwards: every Deployment of the namespace has all its replicas available. */
async function checkAvailable(ns) {
  const { out } = await kubectl(['get', 'deployments', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.status.availableReplicas}{"\\n"}{end}']);
  const rows = out.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
  const short = rows.filter(([, want, have]) => want !== have);
  if (rows.length !== count || short.length > 0) throw new Error(`${ns}: ${rows.length} Deployments, not available: ${short.map((r) => r.join(' ')).join('; ') || '(none)'}`);
}

async function deleteNamespaces(names) {
  if (names.length === 0) return;
  await kubectl(['delete', 'namespace', ...names, '--ignore-not-found', '--wait=true', '--timeout=180s'], { allowFail: true, timeoutMs: 200_000 });
  for (const n of names) namespaces.delete(n);
}

const results = [];
function record(scenario, dsMs, baseMs, target, pass, note = '') {
  results.push({ scenario, dsMs, baseMs, ratio: dsMs / baseMs, target, pass, note });
}

async function benchDeploy() {
  log(`\n[1] deploy of ${count} services (${Math.floor(count / 5)} with 3 replicas, 5 depends_on chains of 4) and wait for rollout, ${runs} samples each, alternating`);
  log('  baseline: kubectl apply -f <rendered> && for d in <deployments>; do kubectl rollout status deployment/$d; done (sequential)');
  const dsSamples = [];
  const kcSamples = [];
  const kcApply = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const dsNs = `${prefix}-${i}-ds`;
    const kcNs = `${prefix}-${i}-kc`;
    const steps = [
      async () => {
        const r = await ours(dsNs);
        await checkAvailable(dsNs);
        dsSamples.push(r.ms);
        log(`  sample ${i + 1} devspace deploy:           ${r.ms.toFixed(0)} ms`);
      },
      async () => {
        const r = await baseline(kcNs);
        await checkAvailable(kcNs);
        kcSamples.push(r.ms);
        kcApply.push(r.applyMs);
        log(`  sample ${i + 1} kubectl apply + rollout:   ${r.ms.toFixed(0)} ms (apply ${r.applyMs.toFixed(0)} ms)`);
      },
    ];
    if (i % 2) steps.reverse();
    for (const step of steps) await step();
    if (i < runs - 1) await deleteNamespaces([dsNs, kcNs]);
    else last = { dsNs, kcNs };
  }
  log(`  devspace samples ms: ${fmt(dsSamples)}`);
  log(`  baseline samples ms: ${fmt(kcSamples)} (of which kubectl apply: ${fmt(kcApply)})`);
  const ratio = median(dsSamples) / median(kcSamples);
  record(`deploy ${count} services + rollout`, median(dsSamples), median(kcSamples), '<= 0.5x', ratio <= 0.5);
  return last;
}

async function benchNoChange({ dsNs, kcNs }) {
  log(`\n[2] no-change redeploy into the same namespaces, ${noopRuns} samples each, alternating`);
  const file = join(dir, `${kcNs}.yaml`);
  const dsSamples = [];
  const kcSamples = [];
  let said = '';
  for (let i = 0; i < noopRuns; i++) {
    const steps = [
      async () => {
        const r = await ours(dsNs);
        said = r.out.trim().split('\n').find((l) => /deployed .* in /.test(l)) ?? '';
        if (/\d+ (created|configured)/.test(said)) throw new Error(`the no-change redeploy changed something: ${said}`);
        dsSamples.push(r.ms);
      },
      async () => {
        const r = await kubectl(['apply', '-f', file]);
        kcSamples.push(r.ms);
      },
    ];
    if (i % 2) steps.reverse();
    for (const step of steps) await step();
  }
  log(`  devspace deploy samples ms: ${fmt(dsSamples)}`);
  log(`  kubectl apply   samples ms: ${fmt(kcSamples)}`);
  log(`  devspace said: ${said.replace(/^\S+ /, '')}`);
  const ds = median(dsSamples);
  record('no-change redeploy', ds, median(kcSamples), '< 2 s', ds < 2000, `${(ds / median(kcSamples)).toFixed(2)}x of kubectl apply`);
}

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    log('\ncleaning up');
    await deleteNamespaces([...namespaces]);
    const { out } = await kubectl(['get', 'namespaces', '-o', 'name'], { allowFail: true });
    const left = out.split('\n').filter((l) => l.includes(prefix));
    log(left.length ? `  WARNING: left behind: ${left.join(', ')}` : '  nothing left behind');
    rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main() {
  writeFileSync(join(dir, 'compose.yaml'), composeFile());
  const { out: server } = await kubectl(['version', '-o', 'json']);
  const version = JSON.parse(server).serverVersion?.gitVersion ?? '?';
  log(`devspace deploy benchmark — node ${process.version}, API server ${version} (kwok nodes; controller manager at 200 requests/s, docs/testing.md), context ${CONTEXT}, project in ${dir}`);
  process.on('SIGINT', () => {
    log('\ninterrupted: cleaning up');
    cleanup().finally(() => process.exit(130));
  });
  await runScenarios([async () => benchNoChange(await benchDeploy())], cleanup, () => {
    if (!results.length) return;
    log('\nscenario                            devspace ms   baseline ms   ratio   target    result');
    for (const r of results) {
      log(`${r.scenario.padEnd(36)}${r.dsMs.toFixed(0).padStart(11)}${r.baseMs.toFixed(0).padStart(14)}${`${r.ratio.toFixed(2)}x`.padStart(8)}   ${r.target.padEnd(8)}  ${r.pass ? 'PASS' : 'MISSED'}${r.note ? `  (${r.note})` : ''}`);
    }
    log('baselines: deploy — kubectl apply -f + sequential kubectl rollout status per Deployment; no-change — kubectl apply -f');
  });
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

await main();
