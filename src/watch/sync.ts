/**
 * The sync actions' side effects: copy changed files into every running replica of a service
 * (one tar through the engine's archive endpoint per container, as `docker cp` does) and delete
 * deleted ones (`rm -rf` inside the container, as Docker Compose does). A failure names the
 * container and the reason; the caller falls back to a rebuild.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { copyIntoContainer, execInContainer } from '../engine/container-files.js';
import { engineMessage } from '../engine/engine-error.js';
import type { SyncWork } from './dispatch.js';
import { fires, type Trigger } from './triggers.js';

export class SyncError extends Error {}

export interface SyncResult {
  copied: number;
  deleted: number;
}

/** Where a host path lands in the container. */
export function containerPath(trigger: Trigger, file: string): string {
  const rel = path.relative(trigger.path, file).split(path.sep).join('/');
  return path.posix.join(trigger.target ?? '/', rel);
}

export async function syncToContainers(docker: Docker, containers: { id: string; name: string }[], work: SyncWork): Promise<SyncResult> {
  const { trigger } = work;
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const deleted = [...work.deleted];
  let copied = 0;
  let entries = 0;
  for (const file of work.changed) {
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat) {
      deleted.push(file); // Gone again before we got to it.
      continue;
    }
    const name = containerPath(trigger, file).replace(/^\/+/, '');
    const header = { name, mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0 };
    if (stat.isFile()) {
      const content = await fs.readFile(file).catch(() => undefined);
      if (content === undefined) {
        deleted.push(file);
        continue;
      }
      tar.entry({ ...header, type: 'file', size: content.length }, content);
      copied++;
      entries++;
    } else if (stat.isDirectory()) {
      tar.entry({ ...header, type: 'directory' });
      entries++;
    } else if (stat.isSymbolicLink()) {
      tar.entry({ ...header, type: 'symlink', linkname: await fs.readlink(file) });
      copied++;
      entries++;
    }
  }
  tar.finalize();
  await ended;
  const body = Buffer.concat(chunks);
  const targets = deleted.map((f) => containerPath(trigger, f));
  await Promise.all(
    containers.map(async (c) => {
      try {
        if (entries > 0) await copyIntoContainer(docker, c.id, body);
        if (targets.length > 0) {
          const result = await execInContainer(docker, c.id, { command: ['rm', '-rf', '--', ...targets] });
          if (result.exitCode !== 0) throw new Error(`rm exited with code ${result.exitCode}${result.output.length > 0 ? `: ${result.output.slice(-3).join(' ')}` : ''}`);
        }
      } catch (error) {
        throw new SyncError(`cannot sync into ${c.name}: ${engineMessage(error)}`);
      }
    }),
  );
  return { copied, deleted: targets.length };
}

/** Every file and directory under a trigger's path that the trigger would sync (initial_sync). */
export async function listTree(trigger: Trigger): Promise<string[]> {
  const out: string[] = [];
  const stat = await fs.stat(trigger.path).catch(() => undefined);
  if (!stat) return out;
  if (!stat.isDirectory()) return fires(trigger, trigger.path) ? [trigger.path] : [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (!fires(trigger, full)) continue;
      out.push(full);
      if (entry.isDirectory()) await visit(full);
    }
  };
  await visit(trigger.path);
  return out;
}
