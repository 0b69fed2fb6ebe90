import { describe, expect, it } from 'vitest';
import { logLines, splitLogLines } from './log-lines.js';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe('splitLogLines', () => {
  it('demultiplexes frames into lines per stream', () => {
    expect(logLines(false, Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\n')]))).toEqual([
      { stream: 'stdout', line: 'one' },
      { stream: 'stderr', line: 'err' },
      { stream: 'stdout', line: 'two' },
    ]);
  });

  it('handles frames split across chunks and a last line without newline', () => {
    const data = Buffer.concat([frame(1, 'hello\r\n'), frame(2, 'tail')]);
    const lines: string[] = [];
    const splitter = splitLogLines(false, (stream, line) => lines.push(`${stream}:${line}`));
    for (let i = 0; i < data.length; i += 3) splitter.push(data.subarray(i, i + 3));
    splitter.end();
    expect(lines).toEqual(['stdout:hello', 'stderr:tail']);
  });

  it('reads a TTY container raw, as stdout', () => {
    expect(logLines(true, Buffer.from('a\nb'))).toEqual([
      { stream: 'stdout', line: 'a' },
      { stream: 'stdout', line: 'b' },
    ]);
  });
});
