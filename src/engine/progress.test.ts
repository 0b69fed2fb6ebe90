import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { followProgress, ProgressParser, ProgressStreamError, type ProgressMessage } from './progress.js';

function collect(stream: NodeJS.ReadableStream): { messages: ProgressMessage[]; done: Promise<void> } {
  const messages: ProgressMessage[] = [];
  return { messages, done: followProgress(stream, (m) => messages.push(m)) };
}

describe('ProgressParser', () => {
  it('joins lines split across chunks, including a UTF-8 character split in two', () => {
    const parser = new ProgressParser();
    const text = Buffer.from('{"stream":"héllo"}\n{"status":"ok"}\n');
    const split = text.indexOf(Buffer.from('é')) + 1; // in the middle of the two-byte é
    expect(parser.push(text.subarray(0, split))).toEqual([]);
    expect(parser.push(text.subarray(split))).toEqual([{ stream: 'héllo' }, { status: 'ok' }]);
    expect(parser.end()).toEqual([]);
  });

  it('handles CRLF, blank lines, a last line without newline and non-JSON text', () => {
    const parser = new ProgressParser();
    expect(parser.push('{"a":1}\r\n\r\n\nplain text\n{"b"')).toEqual([{ a: 1 }, { stream: 'plain text\n' }]);
    expect(parser.push(':2}')).toEqual([]);
    expect(parser.end()).toEqual([{ b: 2 }]);
  });
});

describe('followProgress', () => {
  it('hands every message over in order and resolves on a clean end', async () => {
    const { messages, done } = collect(Readable.from(['{"stream":"Step 1/2 : FROM x\\n"}\n{"stre', 'am":"ok"}\n{"aux":{"ID":"sha256:abc"}}']));
    await done;
    expect(messages).toEqual([{ stream: 'Step 1/2 : FROM x\n' }, { stream: 'ok' }, { aux: { ID: 'sha256:abc' } }]);
  });

  it('rejects on errorDetail even though the stream ends normally, after delivering everything', async () => {
    const { messages, done } = collect(
      Readable.from([
        '{"stream":"Step 2/2 : RUN false\\n"}\n',
        '{"errorDetail":{"code":1,"message":"The command \'/bin/sh -c false\' returned a non-zero code: 1"},"error":"The command \'/bin/sh -c false\' returned a non-zero code: 1"}\n',
        '{"stream":"after\\n"}\n',
      ]),
    );
    const error = await done.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProgressStreamError);
    expect((error as ProgressStreamError).message).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
    expect((error as ProgressStreamError).code).toBe(1);
    expect(messages).toHaveLength(3);
  });

  it('rejects on a bare `error` field (pull: manifest unknown)', async () => {
    const { done } = collect(Readable.from(['{"status":"Pulling from library/x"}\n{"error":"manifest for x:nope not found"}\n']));
    await expect(done).rejects.toThrow('manifest for x:nope not found');
  });

  it('rejects when the stream fails', async () => {
    const stream = new PassThrough();
    const { done } = collect(stream);
    stream.write('{"status":"Downloading"}\n');
    stream.destroy(new Error('socket hang up'));
    await expect(done).rejects.toThrow('engine stream failed: socket hang up');
  });

  it('rejects when the stream closes without ending', async () => {
    const stream = new PassThrough();
    const { done } = collect(stream);
    stream.write('{"status":"Downloading"}\n');
    stream.destroy();
    await expect(done).rejects.toThrow('closed before it ended');
  });

  it('turns a throwing callback into a rejection instead of an uncaught exception', async () => {
    const done = followProgress(Readable.from(['{"a":1}\n']), () => {
      throw new Error('renderer bug');
    });
    await expect(done).rejects.toThrow('renderer bug');
  });
});
