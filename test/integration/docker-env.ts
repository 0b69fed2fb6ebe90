// Shared helpers for tests that need a Docker engine.
//
// `await dockerEngineOrSkip('what needs it')` at the top of a test file answers whether an engine
// answers. Without one it throws when CI is set (the suite must not pass silently in CI), and
// otherwise prints why and returns false so the file can `describe.skipIf(!engine)`.
// Start an engine with `scripts/docker-engine.sh start`, base images with `scripts/base-images.sh`.
import { execa, type Options, type Result } from 'execa';

/** The docker CLI to run (DEVSPACE_DOCKER_BIN overrides `docker` on PATH). */
export const DOCKER_BIN = process.env['DEVSPACE_DOCKER_BIN'] ?? 'docker';

/** Runs the docker CLI; rejects with its output when it exits non-zero. */
export async function docker(args: readonly string[], options: Options = {}): Promise<Result> {
  return execa(DOCKER_BIN, args, { timeout: 60_000, ...options });
}

export type EngineProbe = { ok: true; version: string } | { ok: false; reason: string };

let probe: Promise<EngineProbe> | undefined;

/** Whether a Docker engine answers (memoised per test file). */
export function probeDockerEngine(): Promise<EngineProbe> {
  probe ??= (async (): Promise<EngineProbe> => {
    try {
      const r = await execa(DOCKER_BIN, ['version', '--format', '{{.Server.Version}}'], {
        timeout: 15_000,
        reject: false,
      });
      const version = String(r.stdout).trim();
      if (r.exitCode === 0 && version !== '') return { ok: true, version };
      const detail = String(r.stderr).trim().split('\n').pop() ?? '';
      return {
        ok: false,
        reason: `no Docker engine answers (${process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock'}): ${detail || `exit ${r.exitCode}`}`,
      };
    } catch (error) {
      return { ok: false, reason: `cannot run ${DOCKER_BIN}: ${(error as Error).message}` };
    }
  })();
  return probe;
}

/**
 * True when an engine answers. Otherwise: throws if process.env.CI is set, else prints the reason
 * and returns false (use with `describe.skipIf(!engine)`).
 */
export async function dockerEngineOrSkip(what: string): Promise<boolean> {
  const result = await probeDockerEngine();
  if (result.ok) return true;
  const hint = 'start one with scripts/docker-engine.sh start';
  if (isCI()) {
    throw new Error(`${what}: ${result.reason}; CI is set, so this fails instead of skipping (${hint})`);
  }
  console.warn(`skipping ${what}: ${result.reason} (${hint})`);
  return false;
}

/** CI is set to anything but '', '0' or 'false'. */
export function isCI(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The image's labels, or undefined when the engine does not have the image. */
export async function imageLabels(image: string): Promise<Record<string, string> | undefined> {
  const r = await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', image], { reject: false });
  if (r.exitCode !== 0) return undefined;
  const parsed: unknown = JSON.parse(String(r.stdout).trim() || 'null');
  return (parsed ?? {}) as Record<string, string>;
}

/**
 * Removes every image carrying `label` (`key=value`), dangling ones too. Leaves first, round by
 * round: `rmi -f` cannot remove an image that another one is built FROM, so removing a FROM chain
 * in one command leaves its base behind.
 */
export async function removeImagesLabelled(label: string): Promise<void> {
  for (let round = 0; round < 8; round++) {
    const listed = await docker(['image', 'ls', '-a', '-q', '--filter', `label=${label}`], { reject: false });
    const ids = [...new Set(String(listed.stdout).split('\n').filter(Boolean))];
    if (ids.length === 0) return;
    for (const id of ids) await docker(['image', 'rm', '-f', id], { reject: false });
  }
}
