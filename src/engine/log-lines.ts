/**
 * Container logs come multiplexed (8-byte frame headers: stream, 0, 0, 0, length) unless the
 * container has a TTY. This turns either form into whole lines per stream. Written here rather
 * than using docker-modem's demuxStream because that one writes to two Writables and does not
 * split lines, and the renderers need lines with their stream.
 */
export type LogStream = 'stdout' | 'stderr';

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Emits a last line that had no newline. */
  end(): void;
}

export function splitLogLines(tty: boolean, onLine: (stream: LogStream, line: string) => void): LineSplitter {
  let frames: Buffer = Buffer.alloc(0);
  const partial: Record<LogStream, string> = { stdout: '', stderr: '' };
  const text = (stream: LogStream, data: string) => {
    const parts = (partial[stream] + data).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) onLine(stream, line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  return {
    push(chunk) {
      if (tty) return text('stdout', chunk.toString('utf8'));
      frames = frames.length === 0 ? chunk : Buffer.concat([frames, chunk]);
      while (frames.length >= 8) {
        const length = frames.readUInt32BE(4);
        if (frames.length < 8 + length) break;
        const stream: LogStream = frames[0] === 2 ? 'stderr' : 'stdout';
        text(stream, frames.subarray(8, 8 + length).toString('utf8'));
        frames = frames.subarray(8 + length);
      }
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') onLine(stream, partial[stream]);
        partial[stream] = '';
      }
    },
  };
}

/** All lines of a finished (non-follow) logs response. */
export function logLines(tty: boolean, data: Buffer): { stream: LogStream; line: string }[] {
  const out: { stream: LogStream; line: string }[] = [];
  const splitter = splitLogLines(tty, (stream, line) => out.push({ stream, line }));
  splitter.push(data);
  splitter.end();
  return out;
}
