import { describe, expect, it } from 'vitest';
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';

const env: Record<string, string> = { SET: 'val', EMPTY: '', B: 'bee', C: 'sea', DOLLAR: '$X', BRACE: '}' };
const lookup: Lookup = (name) => (Object.hasOwn(env, name) ? env[name] : undefined);

const value = (template: string): string => interpolate(template, lookup).value;

function failure(template: string): InterpolationError {
  try {
    interpolate(template, lookup);
  } catch (error) {
    if (error instanceof InterpolationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(template)} to fail`);
}

describe('interpolate: plain references', () => {
  it('returns a string without "$" as is, without calling the lookup', () => {
    let calls = 0;
    const result = interpolate('plain text {with} braces', () => {
      calls++;
      return 'x';
    });
    expect(result).toEqual({ value: 'plain text {with} braces', unset: [] });
    expect(calls).toBe(0);
  });

  it.each([
    ['$SET', 'val'],
    ['${SET}', 'val'],
    ['a$SET.b', 'aval.b'],
    ['a${SET}b', 'avalb'],
    ['$SETx', ''], // the name is SETx, which is unset
    ['${SET}x', 'valx'],
    ['$SET$B', 'valbee'],
    ['$SET-$B', 'val-bee'],
    ['$EMPTY|', '|'],
    ['$_', ''],
    ['${_a1}', ''],
  ])('%j → %j', (template, expected) => {
    expect(value(template)).toBe(expected);
  });

  it('does not interpolate values again', () => {
    expect(value('${DOLLAR}')).toBe('$X');
    expect(value('$BRACE$BRACE')).toBe('}}');
  });

  it('accepts mixed-case names and digits after the first character', () => {
    const result = interpolate('$aB_9 ${Zz9}', (n) => n.toLowerCase());
    expect(result.value).toBe('ab_9 zz9');
  });
});

describe('interpolate: literal dollars', () => {
  it.each([
    ['$$', '$'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['$$$SET', '$val'],
    ['$$$$', '$$'],
    ['a$$b', 'a$b'],
    ['$1', '$1'],
    ['$ x', '$ x'],
    ['trailing $', 'trailing $'],
    ['$', '$'],
    ['$-', '$-'],
    ['$.x', '$.x'],
    ['cost: 5$', 'cost: 5$'],
    ['}', '}'],
    ['{$SET}', '{val}'],
  ])('%j → %j', (template, expected) => {
    expect(value(template)).toBe(expected);
  });
});

describe('interpolate: operators', () => {
  // Columns: template, value when the variable is set, when it is empty, when it is unset.
  it.each([
    ['${V:-d}', 'val', 'd', 'd'],
    ['${V-d}', 'val', '', 'd'],
    ['${V:+a}', 'a', '', ''],
    ['${V+a}', 'a', 'a', ''],
    ['${V:-}', 'val', '', ''],
    ['${V-}', 'val', '', ''],
    ['${V:+}', '', '', ''],
    ['${V?err}', 'val', '', null],
    ['${V:?err}', 'val', null, null],
  ])('%s with V set / empty / unset', (template, set, empty, unset) => {
    const cases: [string | undefined, string | null][] = [
      ['val', set],
      ['', empty],
      [undefined, unset],
    ];
    for (const [v, expected] of cases) {
      const run = () => interpolate(template, (n) => (n === 'V' ? v : undefined));
      if (expected === null) expect(run).toThrow(InterpolationError);
      else expect(run().value).toBe(expected);
    }
  });

  it('keeps special characters in the word', () => {
    expect(value('${NOPE:-a b:c-d?e+f=g{h}')).toBe('a b:c-d?e+f=g{h');
    expect(value('${NOPE:-http://x:80/p?q=1}')).toBe('http://x:80/p?q=1');
    expect(value('${NOPE--1}')).toBe('-1');
    expect(value('${NOPE:--}')).toBe('-');
    expect(value('${NOPE:-$}')).toBe('$');
  });

  it('ends the word at the first unnested "}"', () => {
    expect(value('${NOPE:-a}b}')).toBe('ab}');
  });

  it('uses the error message for ?, and a default message naming the variable', () => {
    const withMessage = failure('x ${NOPE:?please set NOPE}');
    expect(withMessage.message).toBe('please set NOPE');
    expect(withMessage.variable).toBe('NOPE');
    expect(withMessage.offset).toBe(2);

    const bare = failure('${EMPTY:?}');
    expect(bare.message).toBe('required variable EMPTY is missing a value');
    expect(bare.variable).toBe('EMPTY');
    expect(failure('${NOPE?}').message).toContain('NOPE');
  });

  it('interpolates the error message', () => {
    expect(failure('${NOPE:?$SET is set but NOPE is not}').message).toBe('val is set but NOPE is not');
  });
});

describe('interpolate: nesting', () => {
  it.each([
    ['${NOPE:-${B}}', 'bee'],
    ['${NOPE:-$B}', 'bee'],
    ['${NOPE:-prefix-${B}-suffix}', 'prefix-bee-suffix'],
    ['${NOPE:-prefix-$B-suffix}', 'prefix-bee-suffix'],
    ['${NOPE:-${NADA:-x}}', 'x'],
    ['${NOPE:-${NADA:-${C}}}', 'sea'],
    ['${NOPE:-${NADA:-${ZILCH:-deep}}}!', 'deep!'],
    ['${NOPE:-a${NADA:-b${C}d}e}f', 'abseadef'],
    ['${SET:-${B}}', 'val'],
    ['${SET:+[${B}]}', '[bee]'],
    ['${SET+${NOPE-${C}}}', 'sea'],
    ['${NOPE:-${BRACE}}', '}'],
    ['${NOPE:-$$}', '$'],
    ['${NOPE:-$${B}}', '${B}'],
    ['${NOPE:-$${B}x}y', '${B}xy'],
    ['${NOPE:-{${B}}}', '{bee}'],
  ])('%j → %j', (template, expected) => {
    expect(value(template)).toBe(expected);
  });

  it('does not evaluate an unused word', () => {
    expect(interpolate('${SET:-${NOPE:?never}}', lookup)).toEqual({ value: 'val', unset: [] });
    expect(interpolate('${SET:-$NOPE}', lookup)).toEqual({ value: 'val', unset: [] });
    expect(interpolate('${NOPE:+$ZILCH}', lookup)).toEqual({ value: '', unset: [] });
  });

  it('still rejects a malformed unused word', () => {
    expect(failure('${SET:-${B/x/y}}').offset).toBe(7);
  });

  it('reports errors of a nested expression at its own offset', () => {
    const error = failure('${NOPE:-${NADA:?inner}}');
    expect(error.offset).toBe(8);
    expect(error.variable).toBe('NADA');
    expect(error.message).toBe('inner');
  });
});

describe('interpolate: unset variables', () => {
  it('replaces them with "" and reports them in order, once each', () => {
    const result = interpolate('$ZED ${ALPHA} $ZED ${SET} $MID', lookup);
    expect(result).toEqual({ value: '   val ', unset: ['ZED', 'ALPHA', 'MID'] });
  });

  it('reports unset variables used inside a used word', () => {
    expect(interpolate('${NOPE:-x$ZILCH}', lookup)).toEqual({ value: 'x', unset: ['ZILCH'] });
  });

  it('does not report variables that have a default or alternative', () => {
    expect(interpolate('${A:-} ${B2-x} ${C3:+y} ${D4+z}', lookup).unset).toEqual([]);
  });

  it('treats an empty variable as set', () => {
    expect(interpolate('$EMPTY${EMPTY}', lookup)).toEqual({ value: '', unset: [] });
  });
});

describe('interpolate: malformed expressions', () => {
  it.each([
    ['${V/x/y}', 0, '${V/x/y}'],
    ['ab${SET:1:2}', 2, '${SET:1:2}'],
    ['${}', 0, '${}'],
    ['x ${1abc} y', 2, '${1abc}'],
    ['${SET:}', 0, '${SET:}'],
    ['${SET:=x}', 0, '${SET:=x}'],
    ['${SET#x}', 0, '${SET#x}'],
    ['${ SET}', 0, '${ SET}'],
    ['${SET }', 0, '${SET }'],
    ['${#SET}', 0, '${#SET}'],
    ['${!SET}', 0, '${!SET}'],
    ['ok $SET ${a{b}c}', 8, '${a{b}c}'],
  ])('%j fails at offset %i, naming %j', (template, offset, expression) => {
    const error = failure(template);
    expect(error).toBeInstanceOf(InterpolationError);
    expect(error.offset).toBe(offset);
    expect(error.message).toContain('invalid interpolation format');
    expect(error.message).toContain(expression);
  });

  it('names the variable of a malformed expression when there is one', () => {
    expect(failure('${V/x/y}').variable).toBe('V');
    expect(failure('${1abc}').variable).toBeUndefined();
  });

  it.each([
    ['${', 0],
    ['abc ${SET', 4],
    ['${SET:', 0],
    ['${SET:-', 0],
    ['${SET:-default', 0],
    ['x ${NOPE:-${B}', 2],
    ['${NOPE:-${B', 8],
    ['${NOPE:-$${B}', 0],
  ])('rejects the unclosed %j at offset %i', (template, offset) => {
    const error = failure(template);
    expect(error.offset).toBe(offset);
    expect(error.message).toContain('missing a closing "}"');
  });
});

describe('interpolate: performance', () => {
  it('handles long inputs in linear time', () => {
    const long = '$SET-'.repeat(50_000) + '${'.repeat(1) + 'NOPE:-' + 'x'.repeat(100_000) + '}';
    const started = performance.now();
    const result = interpolate(long, lookup);
    expect(result.value.length).toBe(4 * 50_000 + 100_000);
    const deep = '${N:-'.repeat(2_000) + 'x' + '}'.repeat(2_000);
    expect(interpolate(deep, lookup).value).toBe('x');
    expect(() => interpolate('${N:-'.repeat(2_000), lookup)).toThrow(InterpolationError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
