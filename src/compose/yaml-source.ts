/**
 * Reads one compose YAML file into plain values while remembering where every node came from,
 * so that any later error can name the file, line and column. Interpolation happens here, on
 * scalar values only (never keys), before anything is merged — as the spec requires.
 * The `yaml` library does the parsing; this file only walks its AST (for positions, merge keys
 * and the `!reset` / `!override` tags, which `yaml` leaves to the application).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node, type ParsedNode } from 'yaml';
import type { Diagnostic, SourcePosition } from '../errors.js';
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';
import { formatPath, pathKey, type Path } from './path.js';

export interface SourceDocument {
  file: string;
  /** The document as plain values, interpolated; `!reset` nodes are left out. */
  value: unknown;
  /** Paths tagged `!reset` (remove what earlier files set) and `!override` (replace, don't merge). */
  resets: Set<string>;
  overrides: Set<string>;
  /** The position of the node at `path`, or of its nearest ancestor that has one. */
  locate(path: Path): SourcePosition | undefined;
  /** The position of the key of the mapping entry at `path` (for unknown-key errors). */
  locateKey(path: Path): SourcePosition | undefined;
  /** The position of the node at exactly `path`, if this document has one. */
  locateExact(path: Path): SourcePosition | undefined;
}

export interface ParseOptions {
  /** Variables for interpolation; `false` turns interpolation off (`--no-interpolate`). */
  lookup: Lookup | false;
}

export interface ParseResult {
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
  /** Variables that were not set and had no default (Compose warns about these). */
  unset: Set<string>;
}

const RESET = '!reset';
/** Same result as pathKey([...parent, part]), built incrementally while walking. */
const childKey = (parent: string, part: string | number): string => (parent === '' ? String(part) : `${parent}\u0000${part}`);
const OVERRIDE = '!override';

export function parseComposeYaml(text: string, file: string, options: ParseOptions): ParseResult {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  const unset = new Set<string>();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, strict: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      diagnostics.push({ message: `invalid YAML: ${error.message.split('\n')[0]}`, position: position(error.pos[0]) });
    }
  }
  if (diagnostics.length > 0) return { documents: [], diagnostics, unset };

  const documents: SourceDocument[] = [];
  for (const doc of docs) {
    const nodes = new Map<string, number>();
    const keys = new Map<string, number>();
    const resets = new Set<string>();
    const overrides = new Set<string>();

    const scalar = (node: Scalar, path: Path): unknown => {
      const value = node.value;
      // Compose reads YAML as Go's yaml.v3 does: an unquoted 0440 is octal (file modes).
      if (typeof value === 'number' && node.type === Scalar.PLAIN && /^0[0-7]+$/.test(node.source ?? '')) return parseInt(node.source!, 8);
      if (typeof value !== 'string' || options.lookup === false) return value;
      try {
        const result = interpolate(value, options.lookup);
        for (const name of result.unset) unset.add(name);
        return result.value;
      } catch (error) {
        if (!(error instanceof InterpolationError)) throw error;
        const start = node.range?.[0] ?? 0;
        const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
        const singleLine = node.type !== Scalar.BLOCK_FOLDED && node.type !== Scalar.BLOCK_LITERAL && !value.includes('\n');
        diagnostics.push({
          message: error.message,
          path: formatPath(path),
          position: position(singleLine ? start + quoted + error.offset : start),
          hint: error.variable ? `Set ${error.variable} in the environment or in the .env file.` : 'Write $$ for a literal dollar sign.',
        });
        return value;
      }
    };

    const walk = (node: Node | null, path: Path, key: string, seen: Set<Node>): unknown => {
      if (node === null) return null;
      if (isAlias(node)) {
        const target = node.resolve(doc as Document);
        if (!target || seen.has(target)) {
          diagnostics.push({ message: `unresolvable or recursive alias *${node.source}`, path: formatPath(path), position: position(node.range?.[0] ?? 0) });
          return null;
        }
        return walk(target, path, key, new Set([...seen, target]));
      }
      if (node.range && !nodes.has(key)) nodes.set(key, node.range[0]);
      if (node.tag === RESET) resets.add(key);
      if (node.tag === OVERRIDE) overrides.add(key);
      if (isScalar(node)) return scalar(node, path);
      if (isSeq(node)) {
        const out: unknown[] = [];
        node.items.forEach((item, index) => {
          const child = walk(item as Node | null, [...path, index], childKey(key, index), seen);
          if (!(item && (item as Node).tag === RESET)) out.push(child);
        });
        return out;
      }
      if (isMap(node)) {
        const out: Record<string, unknown> = {};
        const merged: Record<string, unknown>[] = [];
        for (const pair of node.items) {
          const keyNode = pair.key as Node | null;
          const rawKey = isScalar(keyNode) ? keyNode.value : keyNode;
          if (rawKey === '<<' && isScalar(keyNode) && keyNode.type === Scalar.PLAIN) {
            // YAML merge keys (`<<: *defaults`), common in compose files with x- anchors.
            const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
            for (const source of sources) {
              const value = walk(source as Node | null, path, key, seen);
              if (value && typeof value === 'object' && !Array.isArray(value)) merged.push(value as Record<string, unknown>);
              else diagnostics.push({ message: 'a merge key (<<) must refer to a mapping', path: formatPath(path), position: position((source as Node | null)?.range?.[0] ?? 0) });
            }
            continue;
          }
          if (rawKey === null || typeof rawKey === 'object') {
            diagnostics.push({ message: 'mapping keys must be plain strings', path: formatPath(path), position: position(keyNode?.range?.[0] ?? 0) });
            continue;
          }
          const name = String(rawKey);
          if (name === '__proto__') {
            // Assigning it would replace the object's prototype: the entry would silently vanish.
            diagnostics.push({ message: 'the key "__proto__" is not allowed', path: formatPath(path), position: position(keyNode?.range?.[0] ?? 0) });
            continue;
          }
          const childPath = [...path, name];
          const k = childKey(key, name);
          if (keyNode?.range) keys.set(k, keyNode.range[0]);
          const valueNode = pair.value as Node | null;
          const value = walk(valueNode, childPath, k, seen);
          if (valueNode && valueNode.tag === RESET) continue;
          if (valueNode === null && keyNode?.range) nodes.set(k, keyNode.range[0]);
          out[name] = value;
        }
        // Explicit keys win over merged ones; earlier merge sources win over later ones.
        for (const source of merged) for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
        return out;
      }
      return null;
    };

    const value = walk(doc.contents as ParsedNode | null, [], pathKey([]), new Set());
    const nearest = (table: Map<string, number>, path: Path): SourcePosition | undefined => {
      for (let n = path.length; n >= 0; n--) {
        const offset = table.get(pathKey(path.slice(0, n))) ?? (n < path.length ? nodes.get(pathKey(path.slice(0, n))) : undefined);
        if (offset !== undefined) return position(offset);
      }
      return undefined;
    };
    documents.push({
      file,
      value,
      resets,
      overrides,
      locate: (path) => nearest(nodes, path),
      locateKey: (path) => nearest(keys, path),
      locateExact: (path) => {
        const offset = keys.get(pathKey(path)) ?? nodes.get(pathKey(path));
        return offset === undefined ? undefined : position(offset);
      },
    });
  }
  return { documents, diagnostics, unset };
}
