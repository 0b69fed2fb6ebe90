/**
 * Helpers for compose-loader tests: run loadProject on a fixture directory (fixtures/compose/<case>)
 * or on a throw-away tree, and compare the printed model with a hand-written expected.yaml.
 * Absolute paths under the fixture are written `${FIXTURE}` in expected files.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { printableModel } from '../src/cli/config-command.js';
import { loadProject, type LoadOptions } from '../src/compose/load-project.js';
import type { LoadedProject } from '../src/compose/model.js';
import type { Diagnostic } from '../src/errors.js';
import { UserError } from '../src/errors.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/compose/', import.meta.url));
export const HOME = '/home/tester';

export type FixtureOptions = Partial<LoadOptions> & { /** cwd relative to the fixture dir */ in?: string };

export function fixtureDir(name: string): string {
  return join(FIXTURES, name);
}

/** Loads the project of a directory with a clean, explicit environment. */
export function loadDir(dir: string, options: FixtureOptions = {}): LoadedProject {
  const { in: sub, ...rest } = options;
  return loadProject({ env: {}, home: HOME, ...rest, cwd: sub ? join(dir, sub) : dir });
}

export function loadFixture(name: string, options: FixtureOptions = {}): LoadedProject {
  return loadDir(fixtureDir(name), options);
}

/** Replaces `dir` in every string of `value` by `${FIXTURE}`. */
export function relativise(value: unknown, dir: string): unknown {
  const root = dir.replace(/\/+$/, '');
  if (typeof value === 'string') return value.split(root).join('${FIXTURE}');
  if (Array.isArray(value)) return value.map((v) => relativise(v, root));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativise(v, root)]));
  return value;
}

/** What `devspace config` would print for the fixture, paths relative to it. */
export function printFixture(name: string, options: FixtureOptions = {}): unknown {
  return printDir(fixtureDir(name), options);
}

export function printDir(dir: string, options: FixtureOptions = {}): unknown {
  return relativise(JSON.parse(JSON.stringify(printableModel(loadDir(dir, options)))), dir);
}

export function expected(name: string, file = 'expected.yaml'): unknown {
  return parse(readFileSync(join(fixtureDir(name), file), 'utf8'));
}

/** Writes `files` (path → content) into a fresh temporary directory and returns it. */
export function writeTree(files: Record<string, string>, prefix = 'compose-'): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Runs `fn`, expects a UserError and returns it (diagnostics and all). */
export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

/** The error message and every diagnostic message, one string to match against. */
export function errorText(error: UserError): string {
  return [error.message, ...error.nextSteps, ...error.diagnostics.map((d: Diagnostic) => `${d.path ?? ''}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`)].join('\n');
}
