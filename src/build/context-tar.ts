/**
 * The build context as a tar stream, made from the entry list of context.ts. Metadata is
 * normalised so the same tree gives the same bytes on any machine: owner 0:0 without names
 * (what the docker CLI sends too), a fixed mtime (the classic builder's cache ignores mtimes,
 * and a fixed one keeps layers reproducible), the entries' own permission bits.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { UserError } from '../errors.js';
import type { BuildContext, ContextEntry } from './context.js';

/** 2000-01-01T00:00:00Z: a fixed mtime (0 would read as "unset" to some tools). */
export const CONTEXT_MTIME = new Date(Date.UTC(2000, 0, 1));

/** Streams the context's entries as an uncompressed tar, one file open at a time. */
export function packContext(context: BuildContext): Readable {
  const pack = tar.pack();
  // tar-stream fails the whole pack with a bare "Size mismatch"; the reason a user can act on is kept here.
  let failure: Error | undefined;
  void (async () => {
    try {
      for (const entry of context.entries) await addEntry(pack, entry, (e) => (failure ??= e));
      pack.finalize();
    } catch (error) {
      pack.destroy(failure ?? (error as Error));
    }
  })();
  async function* chunks() {
    try {
      for await (const chunk of pack) yield chunk as Buffer;
    } catch (error) {
      throw failure ?? error;
    }
  }
  // tar-stream makes streamx streams; a real Node stream is what dockerode and callers expect.
  return Readable.from(chunks(), { objectMode: false });
}

async function addEntry(pack: tar.Pack, entry: ContextEntry, fail: (error: Error) => void): Promise<void> {
  const header: Partial<tar.Header> & { name: string } = { name: entry.path, mode: entry.mode, uid: 0, gid: 0, uname: '', gname: '', mtime: CONTEXT_MTIME };
  if (entry.type === 'directory') {
    await new Promise<void>((resolve, reject) => pack.entry({ ...header, type: 'directory' }, (e) => (e ? reject(e) : resolve())));
  } else if (entry.type === 'symlink') {
    await new Promise<void>((resolve, reject) => pack.entry({ ...header, type: 'symlink', linkname: entry.linkname ?? '' }, (e) => (e ? reject(e) : resolve())));
  } else if (entry.content !== undefined) {
    await new Promise<void>((resolve, reject) => pack.entry({ ...header, type: 'file', size: entry.content!.length }, entry.content!, (e) => (e ? reject(e) : resolve())));
  } else {
    // The size is the one seen when listing; a file that changes size meanwhile fails the tar
    // (tar-stream checks), which fails the build instead of sending a torn file.
    await new Promise<void>((resolve, reject) => {
      const changed = () => {
        const error = new UserError(`${entry.path} changed while the build context was being sent`, ['Build again once it has stopped changing, or add it to .dockerignore (a log file, say).']);
        fail(error);
        return error;
      };
      const sink = pack.entry({ ...header, type: 'file', size: entry.size }, (e) => (e ? reject(changed()) : resolve()));
      const source = createReadStream(entry.source!);
      // Without a listener, a size mismatch would be an uncaught 'error' and crash the process.
      sink.once('error', () => {
        source.destroy();
        reject(changed());
      });
      source.once('error', (e) => {
        sink.destroy(e);
        reject(e);
      });
      // tar-stream's entries are streamx writables: plain pipe() is what its docs use.
      source.pipe(sink);
    });
  }
}
