// What the benchmarks share: running a command with a deadline (its time, output and exit code),
// a free port on 127.0.0.1, and running the scenarios with cleanup and a report whatever happens.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A `run(cmd, args, options)` whose defaults are the bench's environment, directory and deadline. */
export function runner(defaults) {
  return function run(cmd, args, { env = defaults.env, cwd = defaults.cwd, timeoutMs = defaults.timeoutMs, allowFail = false } = {}) {
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => {
        out += `\n[bench: killed after ${timeoutMs / 1000}s]`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if ((code !== 0 || signal) && !allowFail) {
          const tail = out.trim().split('\n').slice(-25).join('\n');
          reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
        } else resolve({ ms, out, code });
      });
    });
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the scenarios one after the other, always cleans up, then prints the report (of what was
 * measured, even when a scenario failed). A failure is printed and sets exit code 1.
 */
export async function runScenarios(scenarios, cleanup, report) {
  let failure;
  try {
    for (const scenario of scenarios) await scenario();
  } catch (error) {
    failure = error;
  } finally {
    await cleanup();
  }
  report();
  if (failure) {
    process.stderr.write(`\nbench failed: ${failure.stack ?? failure.message}\n`);
    process.exitCode = 1;
  }
}
