/**
 * What was pushed, for deploy to pin images by digest: `.devspace/images.json` in the project,
 * in a directory that ignores itself for git (`.devspace/.gitignore` holds `*`), so the user's
 * own .gitignore is never touched.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PushResult } from './push.js';

export interface PushedImage {
  image: string;
  digest: string;
  pinned: string;
  pushedAt: string;
}

export interface PushState {
  services: Record<string, PushedImage>;
}

export const stateFile = (projectDir: string) => path.join(projectDir, '.devspace', 'images.json');

export function readPushState(projectDir: string): PushState {
  try {
    return JSON.parse(readFileSync(stateFile(projectDir), 'utf8')) as PushState;
  } catch {
    return { services: {} };
  }
}

export function recordPushes(projectDir: string, results: PushResult[], now: Date): string {
  const file = stateFile(projectDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(path.join(path.dirname(file), '.gitignore'), '# devspace state: not for version control\n*\n');
  const state = readPushState(projectDir);
  for (const r of results) state.services[r.service] = { image: r.image, digest: r.digest, pinned: r.pinned, pushedAt: now.toISOString() };
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
  return file;
}
