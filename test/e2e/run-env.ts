// Helpers for tests that run `bin/devspace` against the real engine: throw-away projects in temp
// directories, a unique project name per test, and a look at what carries a project's labels.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { docker, removeImagesLabelled } from '../integration/docker-env.js';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'devspace');

/** A clean environment: nothing from the developer's shell leaks in (DOCKER_HOST kept for the engine). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: tmpdir(),
    NO_COLOR: '1',
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...extra,
  };
}

export function devspace(args: string[], cwd: string, extraEnv: Record<string, string> = {}, timeout = 240_000): ResultPromise<{ reject: false; timeout: number; cwd: string; extendEnv: false; env: Record<string, string> }> {
  return execa(bin, args, { cwd, env: cleanEnv(extraEnv), extendEnv: false, reject: false, timeout });
}

/** A project directory with the given files (paths relative to it). */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-e2e-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Gives each test its own project name; after the file's tests, whatever carries them is removed. */
export function projectNames(): (prefix: string) => string {
  const names: string[] = [];
  afterAll(async () => {
    for (const name of names) await forceCleanup(name);
  }, 120_000);
  return (prefix) => {
    const name = uniqueName(prefix);
    names.push(name);
    return name;
  };
}

const lines = (text: unknown) => String(text).split('\n').map((l) => l.trim()).filter(Boolean);

/** Everything on the engine that carries the project's label. */
export async function labelled(project: string): Promise<{ containers: string[]; networks: string[]; volumes: string[]; images: string[] }> {
  const filter = `label=dev.devspace.project=${project}`;
  const [containers, networks, volumes, images] = await Promise.all([
    docker(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    docker(['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    docker(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    docker(['images', '--filter', filter, '--format', '{{.Repository}}:{{.Tag}}']),
  ]);
  return { containers: lines(containers.stdout).sort(), networks: lines(networks.stdout), volumes: lines(volumes.stdout), images: lines(images.stdout) };
}

/** Container name → ID for the project's containers. */
export async function containerIds(project: string): Promise<Record<string, string>> {
  const r = await docker(['ps', '-a', '--filter', `label=dev.devspace.project=${project}`, '--format', '{{.Names}} {{.ID}}']);
  return Object.fromEntries(lines(r.stdout).map((l) => l.split(' ') as [string, string]));
}

/** Removes by label whatever a test left (the product's own `down` is what tests check; this is the safety net). */
export async function forceCleanup(project: string): Promise<void> {
  const found = await labelled(project);
  if (found.containers.length > 0) await docker(['rm', '-f', '-v', ...found.containers], { reject: false });
  for (const n of found.networks) await docker(['network', 'rm', n], { reject: false });
  for (const v of found.volumes) await docker(['volume', 'rm', '-f', v], { reject: false });
  await removeImagesLabelled(`dev.devspace.project=${project}`);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
