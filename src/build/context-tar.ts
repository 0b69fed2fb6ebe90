/**
 * The build context as a tar stream, made from the entry list of context.ts. Metadata is
 * normalised so the same tree gives the same bytes on any machine: owner 0:0 without names
 * (what the docker CLI sends too), a fixed mtime (the classic builder's cache ignores mtimes,
 * and a fixed one keeps layers reproducible), the entries' own permission bits.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { BuildContext, ContextEntry } from './context.js';

/** 2000-01-01T00:00:00Z: a fixed mtime (0 would read as "unset" to some tools). */
export const CONTEXT_MTIME = new Date(Date.UTC(2000, 0, 1));

/** Streams the context's entries as an uncompressed tar, one file open at a time. */
export function packContext(context: BuildContext): Readable {
  const pack = tar.pack();
  void (async () => {
    try {
      for (const entry of context.entries) await addEntry(pack, entry);
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  // tar-stream makes streamx streams; a real Node stream is what dockerode and callers expect.
  return Readable.from(pack, { objectMode: false });
}

async function addEntry(pack: tar.Pack, entry: ContextEntry): Promise<void> {
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
      const sink = pack.entry({ ...header, type: 'file', size: entry.size }, (e) => (e ? reject(e) : resolve()));
      const source = createReadStream(entry.source!);
      source.once('error', (e) => {
        sink.destroy(e);
        reject(e);
      });
      // tar-stream's entries are streamx writables: plain pipe() is what its docs use.
      source.pipe(sink);
    });
  }
}
