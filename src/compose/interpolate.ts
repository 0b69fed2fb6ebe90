/**
 * Compose Specification variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
 *
 * One left-to-right scan, no regular expressions. The default / alternative / error part of a braced
 * expression is parsed recursively, so `${A:-${B:-x}}` nests; it is parsed (and syntax-checked) always
 * but evaluated only when used, like a shell: `${A:-${B:?no B}}` does not fail while A has a value.
 */

/** Returns a variable's value, or `undefined` when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** Names that were unset and had no default, in order of first use, deduplicated. */
  unset: string[];
}

/** A malformed expression, or a `?`/`:?` expression whose variable is missing. */
export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
  constructor(
    message: string,
    /** 0-based index in the template of the `$` that starts the offending expression. */
    readonly offset: number,
    readonly variable?: string,
  ) {
    super(message);
  }
}

const DOLLAR = 0x24; // $
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const COLON = 0x3a; // :
const DASH = 0x2d; // -
const PLUS = 0x2b; // +
const QUESTION = 0x3f; // ?

function isNameStart(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/**
 * Replaces every variable reference in `template` with its value from `lookup`.
 * Throws {@link InterpolationError} on a malformed expression or a missing required variable.
 */
export function interpolate(template: string, lookup: Lookup): Interpolated {
  if (template.indexOf('$') === -1) return { value: template, unset: [] };
  const scanner = new Scanner(template, lookup);
  const value = scanner.word(0, false, true);
  return { value, unset: scanner.unset };
}

class Scanner {
  readonly unset: string[] = [];
  /** Where the last `word` call stopped: the index of the closing `}` (nested) or the length. */
  private pos = 0;

  constructor(
    private readonly s: string,
    private readonly lookup: Lookup,
  ) {}

  /**
   * Expands text from `start`. At top level it runs to the end of the string; `nested` (the word of
   * a `${V<op>word}`) stops at the first `}` that does not close a nested `${`. When `live` is false
   * the text is only syntax-checked: no lookups, no unset reports, no required-variable errors.
   */
  word(start: number, nested: boolean, live: boolean): string {
    const s = this.s;
    const n = s.length;
    let out = '';
    let i = start;
    // Literal `${` produced by `$${` inside a nested word: their `}` stay literal too, so that
    // `${A:-$${B}}` yields the literal `${B}` rather than closing the outer expression early.
    let literalBraces = 0;
    while (i < n) {
      // Copy the run of plain text up to the next character that matters.
      let j = i;
      if (nested) {
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === DOLLAR || c === CLOSE) break;
          j++;
        }
      } else {
        j = s.indexOf('$', i);
        if (j === -1) j = n;
      }
      if (j > i) {
        if (live) out += s.slice(i, j);
        i = j;
        if (i >= n) break;
      }
      const c = s.charCodeAt(i);
      if (c === CLOSE) {
        if (literalBraces > 0) {
          literalBraces--;
          if (live) out += '}';
          i++;
          continue;
        }
        this.pos = i;
        return out;
      }
      // c is `$`
      const next = i + 1 < n ? s.charCodeAt(i + 1) : -1;
      if (next === DOLLAR) {
        if (live) out += '$';
        i += 2;
        if (nested && i < n && s.charCodeAt(i) === OPEN) {
          literalBraces++;
          if (live) out += '{';
          i++;
        }
      } else if (next === OPEN) {
        const value = this.braced(i, live);
        if (live) out += value;
        i = this.pos + 1;
      } else if (isNameStart(next)) {
        let k = i + 2;
        while (k < n && isNameChar(s.charCodeAt(k))) k++;
        if (live) out += this.plain(s.slice(i + 1, k));
        i = k;
      } else {
        // `$1`, `$ `, `$-`, a trailing `$`...: kept as is.
        if (live) out += '$';
        i++;
      }
    }
    this.pos = n;
    return out;
  }

  /** The value of a reference without a default: empty and reported when unset. */
  private plain(name: string): string {
    const value = this.lookup(name);
    if (value !== undefined) return value;
    if (!this.unset.includes(name)) this.unset.push(name);
    return '';
  }

  /** Parses the `${...}` starting at `start` (the `$`); leaves `pos` at its closing `}`. */
  private braced(start: number, live: boolean): string {
    const s = this.s;
    const n = s.length;
    let k = start + 2;
    if (k >= n) throw this.unclosed(start);
    if (!isNameStart(s.charCodeAt(k))) throw this.invalid(start);
    k++;
    while (k < n && isNameChar(s.charCodeAt(k))) k++;
    const name = s.slice(start + 2, k);
    if (k >= n) throw this.unclosed(start);
    let c = s.charCodeAt(k);
    if (c === CLOSE) {
      this.pos = k;
      return live ? this.plain(name) : '';
    }
    let colon = false;
    if (c === COLON) {
      colon = true;
      k++;
      if (k >= n) throw this.unclosed(start);
      c = s.charCodeAt(k);
    }
    if (c !== DASH && c !== PLUS && c !== QUESTION) throw this.invalid(start);
    const wordStart = k + 1;

    const value = live ? this.lookup(name) : undefined;
    // "Has a value" for the operator: set, and with `:` also non-empty.
    const present = value !== undefined && (!colon || value !== '');
    let useWord: boolean;
    if (c === DASH) useWord = !present;
    else if (c === PLUS) useWord = present;
    else useWord = !present;

    const word = this.word(wordStart, true, live && useWord);
    if (this.pos >= n) throw this.unclosed(start);
    if (!live) return '';

    if (c === QUESTION) {
      if (!useWord) return value ?? '';
      const message = word !== '' ? word : `required variable ${name} is missing a value`;
      throw new InterpolationError(message, start, name);
    }
    if (c === DASH) return useWord ? word : (value ?? '');
    return useWord ? word : '';
  }

  private unclosed(start: number): InterpolationError {
    const expr = this.s.slice(start);
    return new InterpolationError(`invalid interpolation format: "${expr}" is missing a closing "}"`, start);
  }

  /** An unsupported `${...}` form; the message quotes the expression up to its matching `}`. */
  private invalid(start: number): InterpolationError {
    const s = this.s;
    let depth = 0;
    let end = s.length;
    for (let i = start + 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === OPEN) depth++;
      else if (c === CLOSE && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    const expr = s.slice(start, end);
    const k = start + 2;
    let m = k;
    while (m < s.length && isNameChar(s.charCodeAt(m))) m++;
    const variable = m > k && isNameStart(s.charCodeAt(k)) ? s.slice(k, m) : undefined;
    return new InterpolationError(`invalid interpolation format: "${expr}"`, start, variable);
  }
}
