/**
 * Where the file-hash cache of a project lives between runs: one JSON file per project directory
 * under $XDG_CACHE_HOME/devspace (default ~/.cache/devspace) — never in the user's project. A
 * missing, unreadable or corrupt cache is an empty one; a cache that cannot be written is skipped.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileHashCache } from './digest.js';

export function hashCachePath(projectDir: string, env: Readonly<Record<string, string | undefined>>, home: string): string {
  const base = env['XDG_CACHE_HOME'] || join(home, '.cache');
  const key = createHash('sha256').update(projectDir).digest('hex').slice(0, 16);
  return join(base, 'devspace', 'file-hashes', `${key}.json`);
}

export function loadHashCache(file: string): FileHashCache {
  try {
    return FileHashCache.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return new FileHashCache();
  }
}

/** Writes the cache unless this run hashed nothing new (an unchanged context costs no write). */
export function saveHashCache(cache: FileHashCache, file: string): void {
  if (!cache.changed) return;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(cache));
    renameSync(temp, file);
  } catch {
    // Only an accelerator: the next run hashes the files again.
  }
}
