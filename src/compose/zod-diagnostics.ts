/** Turns zod issues into diagnostics a person can act on: path, position, expectation, hint. */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { formatPath, type Path } from './path.js';
import type { SourceDocument } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'a boolean', object: 'a mapping',
  record: 'a mapping', array: 'a list', null: 'nothing (null)',
};

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** What a failed branch expected, if it failed right at the node (not deeper inside it). */
function expectation(issue: Issue): string | undefined {
  if (issue.path.length > 0) return undefined;
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_format' || issue.code === 'custom') return issue.message.replace(/^expected /, '');
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return undefined;
}

/** Picks the union branch the user most likely meant: the one that got furthest into the value. */
function flatten(issue: Issue, base: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] }[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ issue, path }];
  const expectations = issue.errors.map((branch) => (branch.length === 1 ? expectation(branch[0]!) : undefined));
  if (expectations.every((e) => e !== undefined)) {
    // A coercing scalar is a union such as number | numeric string: "a number or a whole number"
    // says less than "a whole number", so an expectation another one refines is left out.
    const refines = (specific: string, general: string) => specific !== general && /^an? \w+$/.test(general) && specific.split(/\W+/).includes(general.replace(/^an? /, ''));
    const unique = [...new Set(expectations as string[])].filter((e, _, all) => !all.some((o) => refines(o, e)));
    return [{ issue: { ...issue, code: 'custom', message: `expected ${unique.join(' or ')}`, path: [] } as Issue, path }];
  }
  const depth = (branch: readonly Issue[]) => Math.max(...branch.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
  // Ties go to the branch with the fewest problems: the closest fit.
  const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
  return best.flatMap((i) => flatten(i, path));
}

export function issuesToDiagnostics(issues: readonly Issue[], doc: SourceDocument, root: Path = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const top of issues) {
    for (const { issue, path: rel } of flatten(top, [])) {
      const path = [...root, ...rel] as (string | number)[];
      const value = at(doc.value, path);
      const params = (issue as { params?: { unknownKey?: string; known?: string[] } }).params;
      if (issue.code === 'custom' && params?.unknownKey) {
        const suggestion = didYouMean(params.unknownKey, params.known ?? []);
        out.push({
          message: `unknown key "${params.unknownKey}"`,
          path: formatPath(path.slice(0, -1)) || '(top level)',
          position: doc.locateKey(path) ?? doc.locate(path),
          hint: suggestion ? `Did you mean "${suggestion}"?` : `Allowed here: ${(params.known ?? []).join(', ')} (and x-* extensions).`,
        });
        continue;
      }
      let message: string;
      let hint: string | undefined;
      const key = path[path.length - 1];
      const parent = at(doc.value, path.slice(0, -1));
      const missing = value === undefined && typeof key === 'string' && parent !== null && typeof parent === 'object' && !Array.isArray(parent) && !(key in parent);
      const wanted = missing ? expectation({ ...issue, path: [] } as Issue) : undefined;
      if (wanted !== undefined) {
        message = `missing required key "${key as string}"`;
        hint = `Add ${key as string}: (${wanted}).`;
      } else if (issue.code === 'invalid_type') message = `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(value)}`;
      else if (issue.code === 'invalid_value') {
        message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
        const s = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : undefined;
        if (s) hint = `Did you mean "${s}"?`;
      } else if (issue.code === 'custom' && issue.message.startsWith('expected ')) message = `${issue.message}, got ${describe(value)}`;
      else if (issue.code === 'invalid_format') message = `${issue.message}, got ${describe(value)}`;
      else message = issue.message;
      out.push({ message, ...(path.length > 0 && { path: formatPath(path) }), position: doc.locate(path), ...(hint && { hint }) });
    }
  }
  return out;
}
