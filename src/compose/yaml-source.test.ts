import { describe, expect, it } from 'vitest';
import { pathKey } from './path.js';
import { parseComposeYaml } from './yaml-source.js';

const FILE = '/p/compose.yaml';
const env: Record<string, string> = { A: 'a', N: '3' };
const parse = (text: string, lookup: ((name: string) => string | undefined) | false = (name) => env[name]) => parseComposeYaml(text, FILE, { lookup });
const pos = (line: number, column: number) => ({ file: FILE, line, column });

describe('parseComposeYaml: values', () => {
  it('keeps YAML scalars typed and interpolates strings only', () => {
    const { documents, diagnostics } = parse('a: 1\nb: true\nc: null\nd: "${A}"\ne: ${N}\nf: [x, $A]\n"${A}": key\n');
    expect(diagnostics).toEqual([]);
    expect(documents[0]!.value).toEqual({ a: 1, b: true, c: null, d: 'a', e: '3', f: ['x', 'a'], '${A}': 'key' });
  });

  it('interpolation can be turned off', () => {
    expect(parse('a: ${A}\n', false).documents[0]!.value).toEqual({ a: '${A}' });
  });

  it('collects unset variables', () => {
    expect([...parse('a: ${X}\nb: $Y-${A}\nc: ${Z:-d}\n').unset].sort()).toEqual(['X', 'Y']);
  });

  it('merge keys: explicit keys win, then earlier sources win over later ones', () => {
    const { documents, diagnostics } = parse('x: &x {a: 1, b: 1, c: 1}\ny: &y {b: 2, d: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n');
    expect(diagnostics).toEqual([]);
    expect((documents[0]!.value as Record<string, unknown>).z).toEqual({ c: 3, a: 1, b: 1, d: 2 });
  });

  it('a quoted "<<" is an ordinary key', () => {
    expect(parse('x: &x {a: 1}\nz:\n  "<<": *x\n').documents[0]!.value).toEqual({ x: { a: 1 }, z: { '<<': { a: 1 } } });
  });

  it('several documents', () => {
    expect(parse('a: 1\n---\nb: 2\n').documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('!reset leaves the node out and records it; !override is recorded', () => {
    const { documents } = parse('s:\n  a: !reset null\n  b: !override [1]\n  c: [1, !reset 2, 3]\n');
    const doc = documents[0]!;
    expect(doc.value).toEqual({ s: { b: [1], c: [1, 3] } });
    expect(doc.resets).toEqual(new Set([pathKey(['s', 'a']), pathKey(['s', 'c', 1])]));
    expect(doc.overrides).toEqual(new Set([pathKey(['s', 'b'])]));
  });
});

describe('parseComposeYaml: positions', () => {
  const text = 'services:\n  web:\n    image: x\n    ports:\n      - "80"\n      - 81\n    empty:\n';
  const doc = parse(text).documents[0]!;

  it('locate gives the node, locateKey the key, both fall back to the nearest ancestor', () => {
    expect(doc.locate(['services', 'web', 'image'])).toEqual(pos(3, 12));
    expect(doc.locateKey(['services', 'web', 'image'])).toEqual(pos(3, 5));
    expect(doc.locate(['services', 'web', 'ports', 1])).toEqual(pos(6, 9));
    expect(doc.locate(['services', 'web', 'ports', 7])).toEqual(pos(5, 7));
    expect(doc.locate(['services', 'web', 'nothing', 'deeper'])).toEqual(pos(3, 5));
    expect(doc.locateKey(['services', 'web', 'nothing'])).toEqual(pos(2, 3));
  });

  it('a key without a value is located on its line', () => {
    expect(doc.locate(['services', 'web', 'empty'])).toEqual(pos(7, 11));
  });

  it('locateExact gives nothing for a path that is not in the file', () => {
    expect(doc.locateExact(['services', 'web', 'image'])).toEqual(pos(3, 5));
    expect(doc.locateExact(['services', 'db'])).toBeUndefined();
  });

  it('nodes reached through an alias are located at the anchor', () => {
    const d = parse('x: &x\n  a: 1\ny: *x\n').documents[0]!;
    expect(d.locate(['y', 'a'])).toEqual(pos(2, 6));
  });
});

describe('parseComposeYaml: errors', () => {
  it('YAML errors stop parsing and carry positions', () => {
    const { documents, diagnostics } = parse('a: 1\na: 2\nb: [\n');
    expect(documents).toEqual([]);
    expect(diagnostics[0]).toEqual({ message: 'invalid YAML: Map keys must be unique', position: pos(2, 1) });
  });

  it('interpolation errors point at the "$", in plain, quoted and block scalars', () => {
    const { diagnostics } = parse('a: ${X:?no X}\nb: "..${X:?no X}"\nc: |\n  text ${X:?no X}\nd: \'${X:?no X}\'\n');
    expect(diagnostics.map((d) => [d.path, d.position])).toEqual([
      ['a', pos(1, 4)],
      ['b', pos(2, 7)],
      ['c', pos(3, 4)],
      ['d', pos(5, 5)],
    ]);
    expect(diagnostics[0]).toMatchObject({ message: 'no X', hint: 'Set X in the environment or in the .env file.' });
  });

  it('a bad substitution hints at $$', () => {
    expect(parse('a: ${A\n').diagnostics[0]!.hint).toBe('Write $$ for a literal dollar sign.');
  });

  it('undefined and recursive aliases', () => {
    expect(parse('a: *nope\n').diagnostics).toEqual([{ message: 'unresolvable or recursive alias *nope', path: 'a', position: pos(1, 4) }]);
    const recursive = parse('a: &a\n  b: *a\n');
    expect(recursive.diagnostics).toEqual([{ message: 'unresolvable or recursive alias *a', path: 'a.b.b', position: pos(2, 6) }]);
  });

  it('a merge key that is not a mapping', () => {
    expect(parse('a:\n  <<: [1]\n').diagnostics).toEqual([{ message: 'a merge key (<<) must refer to a mapping', path: 'a', position: pos(2, 8) }]);
  });

  it('complex and null keys', () => {
    expect(parse('? [a]\n: 1\n').diagnostics).toMatchObject([{ message: 'mapping keys must be plain strings', position: pos(1, 3) }]);
    expect(parse('~: 1\n').diagnostics).toMatchObject([{ message: 'mapping keys must be plain strings', position: pos(1, 1) }]);
  });

  it('__proto__ keys are rejected instead of replacing the prototype', () => {
    const { documents, diagnostics } = parse('a:\n  __proto__: {polluted: true}\n  b: 1\n');
    expect(diagnostics).toEqual([{ message: 'the key "__proto__" is not allowed', path: 'a', position: pos(2, 3) }]);
    const a = (documents[0]!.value as { a: Record<string, unknown> }).a;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(a).toEqual({ b: 1 });
  });
});
