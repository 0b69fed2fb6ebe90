/**
 * The env-file syntax of Compose (`.env`, `--env-file`, a service's `env_file`): one `VAR[=[VAL]]`
 * per line, `#` comments, an optional `export ` prefix, unquoted / "double-quoted" / 'single-quoted'
 * values, and interpolation against the caller's lookup first, then variables defined earlier in the
 * file. With `format: 'raw'` the value is everything after `=`, verbatim.
 *
 * Pure: the caller reads the file and passes its text; all syntax errors of a file are collected and
 * thrown together as one UserError.
 */
import { UserError, type Diagnostic } from '../errors.js';
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';

export interface EnvEntry {
  key: string;
  /** `undefined` for a bare `VAR` line: "take it from the environment, if set there". */
  value: string | undefined;
  /** 1-based position of the key. */
  line: number;
  column: number;
}

export interface DotenvOptions {
  /** The file's path, for error positions. */
  file: string;
  /** The environment (e.g. the OS environment); it takes precedence over earlier lines of the file. */
  lookup: Lookup;
  format?: 'raw';
}

const KEY_HINT =
  'A variable name starts with a letter or "_" and contains only letters, digits, "_", "." and "-".';

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function isKeyStart(c: number): boolean {
  return c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/** Index of the first character that makes `key` an invalid name, or -1 when it is valid. */
function invalidKeyIndex(key: string): number {
  if (!isKeyStart(key.charCodeAt(0))) return 0;
  for (let i = 1; i < key.length; i++) if (!isKeyChar(key.charCodeAt(i))) return i;
  return -1;
}

/**
 * Parses an env file's text into its entries, in file order (a repeated key appears each time; the
 * last one wins when the caller builds a map). Throws a UserError listing every syntax error.
 */
export function parseDotenv(text: string, options: DotenvOptions): EnvEntry[] {
  return new Parser(text, options).parse();
}

class Parser {
  private readonly src: string;
  private readonly n: number;
  private readonly lineStarts: number[] = [0];
  private readonly entries: EnvEntry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly defined = new Map<string, string>();
  private readonly lookup: Lookup;
  private i = 0;

  constructor(
    text: string,
    private readonly options: DotenvOptions,
  ) {
    let src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    // Dropping the CR of CRLF keeps every line and column number unchanged.
    if (src.indexOf('\r') !== -1) src = src.replace(/\r\n/g, '\n').replace(/\r$/, '');
    this.src = src;
    this.n = src.length;
    for (let k = src.indexOf('\n'); k !== -1; k = src.indexOf('\n', k + 1)) this.lineStarts.push(k + 1);
    this.lookup = (name) => options.lookup(name) ?? this.defined.get(name);
  }

  parse(): EnvEntry[] {
    while (this.i < this.n) this.line();
    if (this.diagnostics.length > 0) {
      throw new UserError(
        `invalid env file ${this.options.file}`,
        ['Fix the line, or quote the value.'],
        this.diagnostics,
      );
    }
    return this.entries;
  }

  /** Parses one logical line (several physical ones for a multi-line quoted value). */
  private line(): void {
    const src = this.src;
    this.skipBlanks();
    if (this.i >= this.n) return;
    const first = src[this.i];
    if (first === '\n') {
      this.i++;
      return;
    }
    if (first === '#') {
      this.skipLine();
      return;
    }
    if (src.startsWith('export', this.i) && isBlank(src[this.i + 6])) {
      let k = this.i + 6;
      while (isBlank(src[k])) k++;
      const c = src[k];
      if (c !== undefined && c !== '\n' && c !== '=' && c !== '#') this.i = k;
    }

    const keyStart = this.i;
    while (this.i < this.n) {
      const c = src[this.i];
      if (c === '=' || c === '\n' || isBlank(c)) break;
      this.i++;
    }
    const key = src.slice(keyStart, this.i);
    let keyOk = true;
    if (key === '') {
      this.error(keyStart, 'missing variable name before "="');
      keyOk = false;
    } else {
      const bad = invalidKeyIndex(key);
      if (bad !== -1) {
        this.error(keyStart + bad, `invalid variable name "${key}"`, KEY_HINT);
        keyOk = false;
      }
    }
    const pos = this.position(keyStart);
    const push = (value: string | undefined): void => {
      if (!keyOk) return;
      this.entries.push({ key, value, line: pos.line, column: pos.column });
      if (value !== undefined) this.defined.set(key, value);
    };

    this.skipBlanks();
    const c = src[this.i];
    if (c === undefined || c === '\n' || c === '#') {
      push(undefined);
      this.skipLine();
      return;
    }
    if (c !== '=') {
      this.error(this.i, `unexpected "${c}" after variable name "${key}", expected "="`, 'Quote a value with spaces.');
      this.skipLine();
      return;
    }
    this.i++;

    if (this.options.format === 'raw') {
      const eol = this.endOfLine(this.i);
      push(src.slice(this.i, eol));
      this.i = eol + 1;
      return;
    }

    const valueStart = this.i;
    this.skipBlanks();
    const q = src[this.i];
    if (q === '"') this.doubleQuoted(push);
    else if (q === "'") this.singleQuoted(push);
    else this.unquoted(valueStart, push);
  }

  private unquoted(valueStart: number, push: (value: string) => void): void {
    const src = this.src;
    const eol = this.endOfLine(this.i);
    let end = eol;
    for (let k = valueStart; k < eol; k++) {
      if (src[k] === '#' && isBlank(src[k - 1])) {
        end = k;
        break;
      }
    }
    let start = valueStart;
    while (start < end && isBlank(src[start])) start++;
    while (end > start && (isBlank(src[end - 1]) || src[end - 1] === '\r')) end--;
    const value = this.expand(src.slice(start, end), (offset) => start + offset);
    if (value !== undefined) push(value);
    this.i = eol + 1;
  }

  private doubleQuoted(push: (value: string) => void): void {
    const src = this.src;
    const open = this.i;
    let k = open + 1;
    let raw = '';
    // Source index of each character of `raw`, to place interpolation errors.
    const origin: number[] = [];
    for (; k < this.n; k++) {
      const c = src[k];
      if (c === '"') break;
      if (c === '\\' && k + 1 < this.n) {
        const e = src[k + 1];
        let out: string | undefined;
        if (e === 'n') out = '\n';
        else if (e === 't') out = '\t';
        else if (e === 'r') out = '\r';
        else if (e === '\\') out = '\\';
        else if (e === '"') out = '"';
        else if (e === '$') out = '$$'; // `$$` is interpolate's literal `$`
        if (out !== undefined) {
          raw += out;
          for (let m = 0; m < out.length; m++) origin.push(k);
          k++;
          continue;
        }
      }
      raw += c;
      origin.push(k);
    }
    if (k >= this.n) {
      this.error(open, 'unterminated double-quoted value: missing the closing "');
      this.i = this.n;
      return;
    }
    this.i = k + 1;
    const value = this.expand(raw, (offset) => origin[offset] ?? open);
    if (value !== undefined) push(value);
    this.afterQuote();
  }

  private singleQuoted(push: (value: string) => void): void {
    const open = this.i;
    const close = this.src.indexOf("'", open + 1);
    if (close === -1) {
      this.error(open, "unterminated single-quoted value: missing the closing '");
      this.i = this.n;
      return;
    }
    push(this.src.slice(open + 1, close));
    this.i = close + 1;
    this.afterQuote();
  }

  /** After a closing quote only blanks and a `#` comment may follow on the line. */
  private afterQuote(): void {
    this.skipBlanks();
    const c = this.src[this.i];
    if (c !== undefined && c !== '\n' && c !== '#') {
      this.error(this.i, `unexpected "${c}" after the closing quote`, 'Put the whole value inside the quotes.');
    }
    this.skipLine();
  }

  /** Interpolates a value; on error records a diagnostic at the `$` and returns undefined. */
  private expand(value: string, at: (offset: number) => number): string | undefined {
    try {
      return interpolate(value, this.lookup).value;
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      this.error(at(error.offset), error.message);
      return undefined;
    }
  }

  private skipBlanks(): void {
    while (isBlank(this.src[this.i])) this.i++;
  }

  /** Moves past the end of the current line. */
  private skipLine(): void {
    this.i = this.endOfLine(this.i) + 1;
  }

  private endOfLine(from: number): number {
    const k = this.src.indexOf('\n', from);
    return k === -1 ? this.n : k;
  }

  private position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  private error(offset: number, message: string, hint?: string): void {
    const { line, column } = this.position(offset);
    const d: Diagnostic = { message, position: { file: this.options.file, line, column } };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }
}
