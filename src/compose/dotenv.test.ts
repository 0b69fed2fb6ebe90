import { describe, expect, it } from 'vitest';
import { UserError, type Diagnostic } from '../errors.js';
import { parseDotenv, type DotenvOptions, type EnvEntry } from './dotenv.js';
import type { Lookup } from './interpolate.js';

const FILE = '/project/.env';
const none: Lookup = () => undefined;

function parse(text: string, options: Partial<DotenvOptions> = {}): EnvEntry[] {
  return parseDotenv(text, { file: FILE, lookup: none, ...options });
}

/** The entries as a plain key → value record (the last one wins). */
function vars(text: string, options: Partial<DotenvOptions> = {}): Record<string, string | undefined> {
  return Object.fromEntries(parse(text, options).map((e) => [e.key, e.value]));
}

function diagnostics(text: string, options: Partial<DotenvOptions> = {}): Diagnostic[] {
  try {
    parse(text, options);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    expect(error.message).toBe(`invalid env file ${FILE}`);
    expect(error.nextSteps).toEqual(['Fix the line, or quote the value.']);
    return error.diagnostics;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

/** `[line, column, message]` of each diagnostic. */
function errorsAt(text: string, options: Partial<DotenvOptions> = {}): [number, number, string][] {
  return diagnostics(text, options).map((d) => {
    expect(d.position?.file).toBe(FILE);
    return [d.position?.line ?? 0, d.position?.column ?? 0, d.message];
  });
}

describe('parseDotenv: lines', () => {
  it('parses one VAR=VAL per line with positions', () => {
    expect(parse('A=1\nB=2\n')).toEqual([
      { key: 'A', value: '1', line: 1, column: 1 },
      { key: 'B', value: '2', line: 2, column: 1 },
    ]);
  });

  it('returns nothing for an empty file, blank lines and comments', () => {
    expect(parse('')).toEqual([]);
    expect(parse('\n\n  \t\n# comment\n   # indented comment\n#A=1')).toEqual([]);
  });

  it('skips blank and comment lines between entries and keeps line numbers', () => {
    expect(parse('# header\n\nA=1\n   \n  # note\n  B=2')).toEqual([
      { key: 'A', value: '1', line: 3, column: 1 },
      { key: 'B', value: '2', line: 6, column: 3 },
    ]);
  });

  it('trims whitespace around the key and around "="', () => {
    expect(vars('  A  =  1  \n\tB\t=\t2\t')).toEqual({ A: '1', B: '2' });
  });

  it('ignores a leading "export "', () => {
    expect(parse('export A=1\nexport\t\tB=2\n  export C')).toEqual([
      { key: 'A', value: '1', line: 1, column: 8 },
      { key: 'B', value: '2', line: 2, column: 9 },
      { key: 'C', value: undefined, line: 3, column: 10 },
    ]);
  });

  it('still accepts a variable named export', () => {
    expect(vars('export=1')).toEqual({ export: '1' });
    expect(vars('export =2')).toEqual({ export: '2' });
    expect(vars('export')).toEqual({ export: undefined });
    expect(vars('exported=3')).toEqual({ exported: '3' });
  });

  it('gives "" for VAR= and undefined for a bare VAR', () => {
    expect(parse('A=\nB\nC=  \nD # comment')).toEqual([
      { key: 'A', value: '', line: 1, column: 1 },
      { key: 'B', value: undefined, line: 2, column: 1 },
      { key: 'C', value: '', line: 3, column: 1 },
      { key: 'D', value: undefined, line: 4, column: 1 },
    ]);
  });

  it('accepts dots, dashes and digits in keys', () => {
    expect(vars('a.b-c_9=1\n_X=2\nlower=3')).toEqual({ 'a.b-c_9': '1', _X: '2', lower: '3' });
  });

  it('keeps every occurrence of a repeated key, in order', () => {
    expect(parse('A=1\nA=2').map((e) => e.value)).toEqual(['1', '2']);
  });

  it('splits at the first "=" only', () => {
    expect(vars('A=b=c==')).toEqual({ A: 'b=c==' });
  });
});

describe('parseDotenv: line endings and encoding', () => {
  it('accepts CRLF line endings', () => {
    expect(parse('A=1\r\nB="x y"\r\n# c\r\nC=\'z\'\r\nD\r\n')).toEqual([
      { key: 'A', value: '1', line: 1, column: 1 },
      { key: 'B', value: 'x y', line: 2, column: 1 },
      { key: 'C', value: 'z', line: 4, column: 1 },
      { key: 'D', value: undefined, line: 5, column: 1 },
    ]);
  });

  it('turns CRLF inside a multi-line double-quoted value into LF', () => {
    expect(vars('A="one\r\ntwo"\r\n')).toEqual({ A: 'one\ntwo' });
  });

  it('reads the last line without a trailing newline', () => {
    expect(vars('A=1\nB=last')).toEqual({ A: '1', B: 'last' });
    expect(vars('A=1\r\nB=last\r')).toEqual({ A: '1', B: 'last' });
    expect(vars('A="q"')).toEqual({ A: 'q' });
    expect(vars("A='q'")).toEqual({ A: 'q' });
    expect(vars('A')).toEqual({ A: undefined });
  });

  it('ignores a byte order mark at the start', () => {
    expect(parse('\uFEFFA=1\nB=2')).toEqual([
      { key: 'A', value: '1', line: 1, column: 1 },
      { key: 'B', value: '2', line: 2, column: 1 },
    ]);
    expect(errorsAt('\uFEFF1A=1')).toEqual([[1, 1, 'invalid variable name "1A"']]);
  });
});

describe('parseDotenv: unquoted values', () => {
  it('needs whitespace before "#" for an inline comment', () => {
    expect(vars('A=b #c\nB=b#c\nC=b\t# tab\nD= #only comment\nE=#not comment\nF=a # b # c')).toEqual({
      A: 'b',
      B: 'b#c',
      C: 'b',
      D: '',
      E: '#not comment',
      F: 'a',
    });
  });

  it('keeps inner whitespace, quotes and backslashes literally', () => {
    expect(vars('A=a  b\nB=it\'s "x"\nC=a\\nb\nD=x"y"')).toEqual({
      A: 'a  b',
      B: 'it\'s "x"',
      C: 'a\\nb',
      D: 'x"y"',
    });
  });

  it('interpolates', () => {
    const lookup: Lookup = (n) => ({ HOME: '/home/me', EMPTY: '' })[n];
    expect(vars('A=$HOME/x\nB=${NOPE:-dflt}\nC=${EMPTY-kept}\nD=$$HOME\nE=$NOPE', { lookup })).toEqual({
      A: '/home/me/x',
      B: 'dflt',
      C: '',
      D: '$HOME',
      E: '',
    });
  });
});

describe('parseDotenv: double-quoted values', () => {
  it('removes the quotes and keeps whitespace and "#" inside', () => {
    expect(vars('A="  a # b  "\nB=""\nC = "x" # comment\nD="x"   ')).toEqual({
      A: '  a # b  ',
      B: '',
      C: 'x',
      D: 'x',
    });
  });

  it('expands escapes', () => {
    expect(vars(String.raw`A="a\nb\tc\rd\\e\"f\$g"`)).toEqual({ A: 'a\nb\tc\rd\\e"f$g' });
  });

  it('keeps unknown escapes and a lone backslash literally', () => {
    expect(vars(String.raw`A="\x\u0041\'\ "`)).toEqual({ A: String.raw`\x\u0041\'\ ` });
  });

  it('spans several lines', () => {
    const text = 'A="line one\nline two\n\n  line four"\nB=after';
    expect(parse(text)).toEqual([
      { key: 'A', value: 'line one\nline two\n\n  line four', line: 1, column: 1 },
      { key: 'B', value: 'after', line: 5, column: 1 },
    ]);
  });

  it('interpolates, but not escaped dollars', () => {
    const lookup: Lookup = (n) => (n === 'USER' ? 'me' : undefined);
    expect(vars('A="hi $USER"\nB="\\$USER \\${USER} $${USER}"', { lookup })).toEqual({
      A: 'hi me',
      B: '$USER ${USER} ${USER}',
    });
  });

  it('does not let an interpolated value end the quotes', () => {
    const lookup: Lookup = (n) => (n === 'Q' ? '"' : undefined);
    expect(vars('A="a${Q}b"\nB="${NOPE:-x y # z}"', { lookup })).toEqual({ A: 'a"b', B: 'x y # z' });
  });

  it('rejects anything but a comment after the closing quote', () => {
    expect(errorsAt('A="x"y\nB="x" z\nC="x" #ok')).toEqual([
      [1, 6, 'unexpected "y" after the closing quote'],
      [2, 7, 'unexpected "z" after the closing quote'],
    ]);
  });

  it('rejects an unterminated value at its opening quote', () => {
    expect(errorsAt('A=1\nB = "never\nclosed\n')).toEqual([
      [2, 5, 'unterminated double-quoted value: missing the closing "'],
    ]);
    expect(errorsAt(String.raw`A="ends with escaped quote\"`)).toHaveLength(1);
  });
});

describe('parseDotenv: single-quoted values', () => {
  it('takes the content literally', () => {
    const lookup: Lookup = () => 'SHOULD-NOT-APPEAR';
    expect(vars('A=\'$HOME ${X:?no} \\n \\\\ " #x\'', { lookup })).toEqual({
      A: '$HOME ${X:?no} \\n \\\\ " #x',
    });
  });

  it('spans several lines and accepts a trailing comment', () => {
    expect(parse("A='one\ntwo'  # c\nB=''")).toEqual([
      { key: 'A', value: 'one\ntwo', line: 1, column: 1 },
      { key: 'B', value: '', line: 3, column: 1 },
    ]);
  });

  it('rejects trailing text and an unterminated value', () => {
    expect(errorsAt("A='x'y\nB='open")).toEqual([
      [1, 6, 'unexpected "y" after the closing quote'],
      [2, 3, "unterminated single-quoted value: missing the closing '"],
    ]);
  });
});

describe('parseDotenv: interpolation sources', () => {
  it('sees variables defined earlier in the file', () => {
    expect(vars('HOST=db\nPORT=5432\nURL=pg://${HOST}:$PORT/x\nQ="${URL}?q"')).toEqual({
      HOST: 'db',
      PORT: '5432',
      URL: 'pg://db:5432/x',
      Q: 'pg://db:5432/x?q',
    });
  });

  it('does not see variables defined later', () => {
    expect(vars('A=${B:-unset}\nB=1')).toEqual({ A: 'unset', B: '1' });
  });

  it('uses the latest earlier definition', () => {
    expect(vars('A=1\nA=2\nB=$A')).toEqual({ A: '2', B: '2' });
  });

  it('prefers the lookup, even when it is empty there', () => {
    const lookup: Lookup = (n) => ({ A: 'from-env', E: '' })[n];
    expect(vars('A=from-file\nE=from-file\nB=$A\nC=${E-dflt}\nD=${E:-dflt}', { lookup })).toEqual({
      A: 'from-file',
      E: 'from-file',
      B: 'from-env',
      C: '',
      D: 'dflt',
    });
  });

  it('does not define anything with a bare key', () => {
    expect(vars('A\nB=${A-unset}')).toEqual({ A: undefined, B: 'unset' });
    expect(vars('A=1\nA\nB=$A')).toEqual({ A: undefined, B: '1' });
  });

  it('does not let a failing line define a variable', () => {
    expect(errorsAt('A=${X:?need X}\nB=${A:?A is missing}')).toEqual([
      [1, 3, 'need X'],
      [2, 3, 'A is missing'],
    ]);
  });
});

describe('parseDotenv: invalid keys', () => {
  it.each([
    ['1A=x', 1, 1],
    ['A$=x', 1, 2],
    ['  -A=x', 1, 3],
    ['.A', 1, 1],
    ['A:B=x', 1, 2],
    ['A"B"=x', 1, 2],
    ['ok=1\nbad key=1', 2, 5],
    ['ok=1\n\nA/B=1', 3, 2],
  ])('%j fails at line %i, column %i', (text, line, column) => {
    const found = diagnostics(text);
    expect(found).toHaveLength(1);
    expect(found[0]?.position).toEqual({ file: FILE, line, column });
  });

  it('names the key and gives a hint', () => {
    const [d] = diagnostics('9lives=1');
    expect(d?.message).toBe('invalid variable name "9lives"');
    expect(d?.hint).toContain('starts with a letter or "_"');
  });

  it('explains a space inside the key', () => {
    expect(errorsAt('MY VAR=1')).toEqual([[1, 4, 'unexpected "V" after variable name "MY", expected "="']]);
  });

  it('rejects a line without a name', () => {
    expect(errorsAt('=value\n  = x')).toEqual([
      [1, 1, 'missing variable name before "="'],
      [2, 3, 'missing variable name before "="'],
    ]);
  });

  it('still consumes the quoted value of a line with a bad key', () => {
    expect(errorsAt('1A="multi\nline=x"\nB=ok')).toEqual([[1, 1, 'invalid variable name "1A"']]);
  });

  it('collects every error of the file into one UserError', () => {
    const found = errorsAt('1=a\nGOOD=1\nB="x"y\nC=${D/x}\nE="oops');
    expect(found.map(([line, column]) => [line, column])).toEqual([
      [1, 1],
      [3, 6],
      [4, 3],
      [5, 3],
    ]);
  });
});

describe('parseDotenv: interpolation errors', () => {
  it('places an unquoted-value error at the "$" of the bad expression', () => {
    expect(errorsAt('A=1\nB =  pre ${X:?must be set} post')).toEqual([[2, 10, 'must be set']]);
  });

  it('places a malformed expression at its "$"', () => {
    const [d] = diagnostics('A=x${Y/a/b}');
    expect(d?.position).toEqual({ file: FILE, line: 1, column: 4 });
    expect(d?.message).toContain('invalid interpolation format');
    expect(d?.message).toContain('${Y/a/b}');
  });

  it('maps positions through escapes and lines of a double-quoted value', () => {
    // Line 2 is `\t\"x\" ${Z:?z}"`: the `$` is the 8th character.
    expect(errorsAt('A="first\n\t\\"x\\" ${Z:?z}"')).toEqual([[2, 8, 'z']]);
    expect(errorsAt('A="\\$\\$ \\\\ ${Z}${W:?w}"')).toEqual([[1, 16, 'w']]);
  });

  it('places a nested error at the nested "$"', () => {
    expect(errorsAt('A=${X:-${Y:?need Y}}')).toEqual([[1, 8, 'need Y']]);
  });

  it('reports an unclosed expression', () => {
    const [d] = diagnostics('A=${X');
    expect(d?.position).toEqual({ file: FILE, line: 1, column: 3 });
    expect(d?.message).toContain('missing a closing "}"');
  });
});

describe('parseDotenv: raw format', () => {
  const raw = { format: 'raw' } as const;

  it('takes everything after "=" verbatim', () => {
    const lookup: Lookup = () => 'SHOULD-NOT-APPEAR';
    const text = 'A="quoted"\nB=\'single\'\nC=$HOME ${X:?no}\nD= spaced #not a comment \nE=\\n';
    expect(vars(text, { ...raw, lookup })).toEqual({
      A: '"quoted"',
      B: "'single'",
      C: '$HOME ${X:?no}',
      D: ' spaced #not a comment ',
      E: '\\n',
    });
  });

  it('keeps one value per line: quotes do not span lines', () => {
    expect(parse('A="one\nB=two"', raw)).toEqual([
      { key: 'A', value: '"one', line: 1, column: 1 },
      { key: 'B', value: 'two"', line: 2, column: 1 },
    ]);
  });

  it('still skips comments and blank lines, and accepts export, bare keys, CRLF and a BOM', () => {
    expect(parse('\uFEFF# c\r\n\r\nexport A=1\r\n B \r\nC=', raw)).toEqual([
      { key: 'A', value: '1', line: 3, column: 8 },
      { key: 'B', value: undefined, line: 4, column: 2 },
      { key: 'C', value: '', line: 5, column: 1 },
    ]);
  });

  it('still validates keys', () => {
    expect(errorsAt('1A=x\nB C=y', raw).map(([l, c]) => [l, c])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });
});
