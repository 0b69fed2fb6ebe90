/**
 * The content digest of a build: sha256 over every input that decides what image comes out —
 * the context's entries exactly as they would be sent (path, type, permission bits, content or
 * symlink target; the Dockerfile and an amended .dockerignore are entries too), the Dockerfile
 * path, resolved build args, target, platforms, labels, additional contexts, network, shm size,
 * extra hosts, and the digests of sibling services' images this build starts FROM.
 *
 * No mtimes, owners or absolute paths go in, so two clones of the same tree give the same
 * digest. Not included: the IDs of external base images (a newer `python:3` pulled since does
 * not change the digest; `--pull`/`--no-cache` force a build) — see builder.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { BuildContext, ContextEntry } from './context.js';

export interface DigestInputs {
  context: BuildContext;
  /** Build args after resolving `null` values from the environment (unset ones left out). */
  args: Record<string, string>;
  target?: string;
  platforms?: string[];
  labels?: Record<string, string>;
  additionalContexts?: Record<string, string>;
  network?: string;
  shmSize?: number;
  extraHosts?: string[];
  /** Build digests of the services whose images this Dockerfile FROMs, by service name. */
  baseDigests?: Record<string, string>;
}

/**
 * Content hashes of files keyed by a stat stamp (inode, size, mtime, ctime in ns resolution):
 * a write changes ctime even when it restores the mtime, so a hit means the same content.
 * Kept per process in watch mode, and saved between runs (hash-cache-file.ts) so that an
 * unchanged context costs a stat per file, not a read.
 */
export class FileHashCache {
  private readonly hashes = new Map<string, { stamp: string; hash: string }>();
  /** Files looked up or stored since creation: what is worth saving. */
  private readonly used = new Set<string>();
  /** Whether a hash was stored since creation: otherwise the saved file already says it all. */
  private stored = false;

  get(file: string, stamp: string): string | undefined {
    const hit = this.hashes.get(file);
    if (hit?.stamp !== stamp) return undefined;
    this.used.add(file);
    return hit.hash;
  }

  set(file: string, stamp: string, hash: string): void {
    this.hashes.set(file, { stamp, hash });
    this.used.add(file);
    this.stored = true;
  }

  /** True when a hash was computed since creation or load, i.e. saving would change something. */
  get changed(): boolean {
    return this.stored;
  }

  /** The entries this run used (files gone since are dropped). */
  toJSON(): Record<string, [string, string]> {
    const out: Record<string, [string, string]> = {};
    for (const file of this.used) {
      const e = this.hashes.get(file);
      if (e) out[file] = [e.stamp, e.hash];
    }
    return out;
  }

  static fromJSON(data: unknown): FileHashCache {
    const cache = new FileHashCache();
    if (data && typeof data === 'object') {
      for (const [file, entry] of Object.entries(data as Record<string, unknown>)) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') cache.hashes.set(file, { stamp: entry[0], hash: entry[1] });
      }
    }
    return cache;
  }
}

/** Scheme version: bump when what goes into the digest changes, so old labels stop matching. */
const SCHEME = 'devspace-build-digest/1';
const CONCURRENT_READS = 8;

/** `sha256:<hex>` over every build input. */
export async function buildDigest(inputs: DigestInputs, cache?: FileHashCache): Promise<string> {
  const contentHashes = await hashContents(inputs.context.entries, cache);
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify(digestHeader(inputs))}\n`);
  for (const [i, entry] of inputs.context.entries.entries()) {
    hash.update(entryLine(entry, contentHashes[i]));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The non-file inputs, canonical: keys sorted, context-relative paths (pure). */
export function digestHeader(inputs: DigestInputs): unknown {
  const sorted = (record: Record<string, string> | undefined) => Object.fromEntries(Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const additional = Object.fromEntries(
    Object.entries(sorted(inputs.additionalContexts)).map(([name, value]) => [
      name,
      // Local paths relative to the context, so the digest does not depend on the clone's place.
      path.isAbsolute(value) ? path.relative(inputs.context.directory, value).split(path.sep).join('/') : value,
    ]),
  );
  return {
    scheme: SCHEME,
    dockerfile: inputs.context.dockerfile,
    args: sorted(inputs.args),
    target: inputs.target ?? null,
    platforms: inputs.platforms ?? [],
    labels: sorted(inputs.labels),
    additionalContexts: additional,
    network: inputs.network ?? null,
    shmSize: inputs.shmSize ?? null,
    extraHosts: inputs.extraHosts ?? [],
    bases: sorted(inputs.baseDigests),
  };
}

function entryLine(entry: ContextEntry, contentHash: string | undefined): string {
  // JSON-encoded so that no path (newlines, NULs) can forge another entry's line.
  const last = entry.type === 'symlink' ? entry.linkname ?? '' : entry.type === 'file' ? contentHash ?? '' : '';
  return `${JSON.stringify([entry.type, entry.path, entry.mode.toString(8), last])}\n`;
}

async function hashContents(entries: ContextEntry[], cache: FileHashCache | undefined): Promise<(string | undefined)[]> {
  const result: (string | undefined)[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const entry = entries[i]!;
      if (entry.type !== 'file') continue;
      if (entry.content !== undefined) {
        result[i] = createHash('sha256').update(entry.content).digest('hex');
        continue;
      }
      const source = entry.source!;
      const cached = entry.stamp !== undefined ? cache?.get(source, entry.stamp) : undefined;
      const hash = cached ?? (await hashFile(source));
      if (cached === undefined && entry.stamp !== undefined) cache?.set(source, entry.stamp, hash);
      result[i] = hash;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_READS }, worker));
  return result;
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}
