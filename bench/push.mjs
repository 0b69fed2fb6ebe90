#!/usr/bin/env node
// Push benchmark of issue 5 ("Tag and push images to a registry", section Performance): a second
// `devspace push` of the unchanged example app (fixtures/voting-app, two built images) against
// `docker push` of the same two tags (run side by side, as devspace pushes in parallel), in the
// same run, against the same local registry (test/registry/registry.sh, plain HTTP on 127.0.0.1).
// Samples alternate between the two. Target: devspace <= 0.5x of docker push.
//
// Two scenarios, both printed:
//   loopback — the registry itself: a round trip costs ~0.1 ms, so docker push of what the
//              registry has costs little more than starting the docker CLI (~35 ms), below what
//              Node.js needs to start; the figure is kept to show devspace's fixed cost.
//   remote   — the TLS test registry behind bench/latency-proxy.mjs, which adds BENCH_RTT_MS
//              (default 40 ms, a registry in another region or a cloud registry from a laptop)
//              per round trip, both tools going through it: what a user's unchanged push to a
//              real (HTTPS) registry costs. The test CA is put in /etc/docker/certs.d/<proxy>/
//              for the run (devspace reads it there, as the engine does) and removed afterwards.
//
// Environment: BENCH_RUNS (default 7), BENCH_RTT_MS (default 40). Needs a running engine (scripts/docker-engine.sh start), the
// base images (scripts/base-images.sh) and a built devspace (npm run build). Cleans up its tags.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'devspace');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const envFile = execFileSync('bash', [join(root, 'test/registry/registry.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const registryEnv = readFileSync(envFile, 'utf8');
const plainRegistry = /DEVSPACE_TEST_REGISTRY_PLAIN=(.*)/.exec(registryEnv)[1].trim();
const tlsRegistry = /DEVSPACE_TEST_REGISTRY_TLS=(.*)/.exec(registryEnv)[1].trim();
const tlsCa = /DEVSPACE_TEST_REGISTRY_TLS_CA=(.*)/.exec(registryEnv)[1].trim();
const rtt = Number(process.env.BENCH_RTT_MS ?? 40);

const dir = mkdtempSync(join(tmpdir(), 'devspace-bench-push-'));
cpSync(join(root, 'fixtures/voting-app'), dir, { recursive: true });
const name = `devspace-bench-push-${process.pid}`;
const env = { ...process.env, NO_COLOR: '1', FRONT_PORT: '0' };

function timed(file, args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd: dir, env, encoding: 'utf8', timeout: 600_000, ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Both pushes at once, like devspace's parallel push; timed until both have ended. */
function dockerPushBoth(images) {
  const started = process.hrtime.bigint();
  const script = images.map((i) => `docker push -q ${i} >/dev/null & `).join('') + 'wait';
  const r = spawnSync('sh', ['-c', `set -e; ${script}`], { env, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`docker push failed:\n${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;

const images = new Set();
let proxy;
let certsDir;
const results = [];

/** First push (not measured), then `runs` alternating samples of both tools against `registry`. */
function scenario(label, registry) {
  console.log(`push bench (${label}): voting-app (front, back) to ${registry}; first push (not measured)…`);
  timed(bin, ['-p', name, 'push', '--registry', registry]);
  const recorded = JSON.parse(readFileSync(join(dir, '.devspace/images.json'), 'utf8')).services;
  const pushed = Object.values(recorded).map((s) => s.image);
  for (const image of pushed) images.add(image);
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['devspace', 'docker'] : ['docker', 'devspace'];
    for (const who of order) {
      if (who === 'devspace') {
        const r = timed(bin, ['-p', name, 'push', '--registry', registry]);
        if (!/already in the registry/.test(r.stdout)) throw new Error(`the second push was not skipped:\n${r.stdout}`);
        ours.push(r.ms);
      } else theirs.push(dockerPushBoth(pushed));
    }
  }
  const ratio = median(ours) / median(theirs);
  console.log(`unchanged push (${label}), ${runs} runs each (alternating):`);
  console.log(`  devspace push        median ${median(ours).toFixed(0)} ms (${spread(ours)})`);
  console.log(`  docker push (both)   median ${median(theirs).toFixed(0)} ms (${spread(theirs)})`);
  console.log(`  ratio devspace/docker push = ${ratio.toFixed(2)}x (target <= 0.5x) ${ratio <= 0.5 ? 'OK' : 'MISSED'}`);
  results.push({ label, ours: median(ours), theirs: median(theirs), ratio });
}

try {
  scenario('loopback', plainRegistry);
  proxy = spawn(process.execPath, [join(root, 'bench/latency-proxy.mjs'), tlsRegistry, String(rtt / 2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    proxy.stdout.once('data', (d) => resolve(String(d).trim()));
    proxy.once('exit', (code) => reject(new Error(`latency proxy exited (${code})`)));
  });
  certsDir = `/etc/docker/certs.d/127.0.0.1:${port}`;
  mkdirSync(certsDir, { recursive: true });
  copyFileSync(tlsCa, join(certsDir, 'ca.crt'));
  scenario(`remote (HTTPS), ${rtt} ms round trip`, `127.0.0.1:${port}`);
  console.log('\nscenario                          devspace     docker push   ratio   target');
  for (const r of results) console.log(`${r.label.padEnd(32)} ${`${r.ours.toFixed(0)} ms`.padStart(9)} ${`${r.theirs.toFixed(0)} ms`.padStart(13)}   ${r.ratio.toFixed(2)}x   <= 0.5x ${r.ratio <= 0.5 ? 'OK' : 'MISSED'}`);
} finally {
  proxy?.kill();
  if (certsDir) rmSync(certsDir, { recursive: true, force: true });
  if (images.size > 0) spawnSync('docker', ['rmi', ...images], { stdio: 'ignore' });
  spawnSync(bin, ['-p', name, 'down', '--rmi', 'local'], { cwd: dir, env, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
