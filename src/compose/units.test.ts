import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseBytes, parseDuration, splitShellWords } from './units.js';

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['0', 0], ['0s', 0], ['500ms', 500], ['1s', 1000], ['1.5s', 1500], ['.5s', 500], ['1m30s', 90_000], ['2h', 7_200_000],
    ['1h2m3s4ms', 3_723_004], ['10us', 0.01], ['10µs', 0.01], ['1000ns', 0.001], [' 5s ', 5000], ['5m5s', 305_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', '1m30', 's', '1x', '1.5.5s', '5 s', 'ten', '-1s', '1d'])('%j is invalid', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([[0, '0s'], [500, '500ms'], [0.5, '0.5ms'], [1000, '1s'], [1500, '1.5s'], [90_000, '1m30s'], [3_600_000, '1h0m0s'], [3_723_004, '1h2m3.004s']])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips whole milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 3_600_000 }), (ms) => parseDuration(formatDuration(ms)) === ms));
  });
});

describe('parseBytes', () => {
  it.each<[string | number, number]>([
    [0, 0], [1024, 1024], [1.9, 1], ['100', 100], ['100b', 100], ['1k', 1024], ['1kb', 1024], ['1K', 1024], ['512m', 512 * 1024 ** 2],
    ['512MB', 512 * 1024 ** 2], ['1g', 1024 ** 3], ['1.5gb', 1.5 * 1024 ** 3], ['2t', 2 * 1024 ** 4], [' 10m ', 10 * 1024 ** 2], ['10 m', 10 * 1024 ** 2],
  ])('%j → %d', (value, bytes) => {
    expect(parseBytes(value)).toBe(bytes);
  });

  it.each<string | number>(['', 'm', 'lots', '1x', '1mib', '-1', '1e3', -1, Infinity, NaN])('%j is invalid', (value) => {
    expect(parseBytes(value)).toBeUndefined();
  });
});

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['a\tb\nc', ['a', 'b', 'c']],
    [`'a b' "c d"`, ['a b', 'c d']],
    [`'a'"b"c`, ['abc']],
    [`''`, ['']],
    [`a '' b`, ['a', '', 'b']],
    [`"a \\" b"`, ['a " b']],
    [`"a \\$x \\\\ \\n"`, ['a $x \\ \\n']],
    [`'a \\ b'`, ['a \\ b']],
    ['a\\ b', ['a b']],
    ['$HOME ${X}', ['$HOME', '${X}']],
    ['a;b|c&&d', ['a;b|c&&d']],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it.each(['"a', "'a", `"a'`, `a "b\\"`])('%j: unterminated', (text) => {
    expect(splitShellWords(text)).toBeUndefined();
  });

  it('words without special characters join back to the input', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9_./=:-]{1,8}$/);
    fc.assert(fc.property(fc.array(word, { maxLength: 6 }), (words) => {
      expect(splitShellWords(words.join(' '))).toEqual(words);
    }));
  });

  it('single-quoting any word without a quote keeps it whole', () => {
    fc.assert(fc.property(fc.array(fc.string().filter((s) => !s.includes("'")), { maxLength: 5 }), (words) => {
      expect(splitShellWords(words.map((w) => `'${w}'`).join(' '))).toEqual(words);
    }));
  });
});
