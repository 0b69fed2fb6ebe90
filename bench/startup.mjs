#!/usr/bin/env node
// Start-up and `config` benchmark (issue "Foundation and the compose model").
// Measures, in one run and against the same baseline: bare `node -e 0`, `devspace --version`,
// `devspace config` on the example app, and `devspace config` on generated 30/100/300-service
// files (to check that loading scales linearly). Prints medians and ratios. `devspace config`
// without the start-up code cache (what the first run after a build costs) is shown for reference.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'devspace');
const runs = Number(process.env.BENCH_RUNS ?? 21);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Runs every case `runs` times, alternating between them (a round runs each case once, in a
 * rotating order), so that a machine whose load drifts during the benchmark shifts every case
 * alike and the ratios stay comparable. Prints each median; returns them in order.
 */
function timeAlternating(cases) {
  for (const { args, cwd, env } of cases) execFileSync(process.execPath, args, { cwd, env, stdio: 'ignore' }); // warm the file cache
  const samples = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < cases.length; j++) {
      const k = (i + j) % cases.length;
      const { args, cwd, env } = cases[k];
      const start = process.hrtime.bigint();
      execFileSync(process.execPath, args, { cwd, env, stdio: 'ignore' });
      samples[k].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return cases.map(({ label }, k) => {
    const m = median(samples[k]);
    const spread = Math.max(...samples[k]) - Math.min(...samples[k]);
    console.log(`${label.padEnd(34)} median ${m.toFixed(1).padStart(7)} ms  (min ${Math.min(...samples[k]).toFixed(1)}, spread ${spread.toFixed(1)})`);
    return m;
  });
}

function generated(count) {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-bench-'));
  const services = [];
  for (let i = 0; i < count; i++) {
    services.push(`  svc${i}:
    image: busybox:latest
    command: ["sh", "-c", "echo ${i} && sleep 3600"]
    environment:
      INDEX: "${i}"
      PEER: svc${(i + 1) % count}
    ports:
      - "127.0.0.1:${10000 + i}:80"
    volumes:
      - data${i % 10}:/data
      - ./src:/src:ro
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 64m }
${i > 0 ? `    depends_on:\n      svc${i - 1}:\n        condition: service_started\n` : ''}`);
  }
  const volumes = Array.from({ length: 10 }, (_, i) => `  data${i}:`).join('\n');
  writeFileSync(join(dir, 'compose.yaml'), `name: bench\nservices:\n${services.join('')}volumes:\n${volumes}\n`);
  return dir;
}

console.log(`devspace start-up benchmark — node ${process.version}, ${runs} runs each, alternating\n`);
const example = join(root, 'fixtures', 'voting-app');
const counts = [30, 100, 300];
const dirs = counts.map(generated);
const [node, version, config, uncached, ...sized] = timeAlternating([
  { label: 'node -e 0 (baseline)', args: ['-e', '0'], cwd: root },
  { label: 'devspace --version', args: [bin, '--version'], cwd: root },
  { label: 'devspace config (voting-app)', args: [bin, 'config'], cwd: example },
  { label: '  … without the code cache', args: [bin, 'config'], cwd: example, env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } },
  ...counts.map((n, i) => ({ label: `devspace config (${n} services)`, args: [bin, 'config'], cwd: dirs[i] })),
]);
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
const sizes = Object.fromEntries(counts.map((n, i) => [n, sized[i]]));
const perService = (n) => (sizes[n] - config) / n;
console.log(`
ratio --version / node:           ${(version / node).toFixed(2)}x   (target <= 1.2x)
ratio config / node:              ${(config / node).toFixed(2)}x   (target <= 1.5x; ${(uncached / node).toFixed(2)}x without the code cache)
per-service cost 30 / 100 / 300:  ${perService(30).toFixed(2)} / ${perService(100).toFixed(2)} / ${perService(300).toFixed(2)} ms   (linear when about equal)`);
