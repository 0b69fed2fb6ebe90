/**
 * Compose's merge rules, applied to long-form values (13-merge.md): mappings merge key by key
 * (later wins), sequences append, `command`, `entrypoint` and `healthcheck.test` are replaced,
 * and ports, volumes, secrets and configs merge by their unique key. `!override` replaces a
 * node outright; `!reset` removes what earlier files set. The same rules serve `extends`, with
 * the extending service as the later side.
 */
import { pathKey, type Path } from './path.js';

export interface MergeTags {
  resets: Set<string>;
  overrides: Set<string>;
}

const REPLACED = new Set(['command', 'entrypoint']);

type Keyed = (item: unknown) => string;
const field = (item: unknown, name: string): unknown => (item && typeof item === 'object' ? (item as Record<string, unknown>)[name] : undefined);
const SEQUENCE_KEYS: Record<string, Keyed> = {
  ports: (p) => [field(p, 'host_ip') ?? '', field(p, 'target'), field(p, 'published') ?? '', field(p, 'protocol') ?? 'tcp'].join('|'),
  volumes: (v) => String(field(v, 'target')),
  // Where the file lands: a secret's target is relative to /run/secrets, a config's defaults to /<source>.
  secrets: (s) => {
    const target = String(field(s, 'target') ?? field(s, 'source'));
    return target.startsWith('/') ? target : `/run/secrets/${target}`;
  },
  configs: (c) => String(field(c, 'target') ?? `/${String(field(c, 'source'))}`),
};

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeSequence(name: string | number | undefined, base: unknown[], over: unknown[]): unknown[] {
  const keyed = typeof name === 'string' ? SEQUENCE_KEYS[name] : undefined;
  const key: Keyed = keyed ?? ((item) => JSON.stringify(item));
  const out = new Map<string, unknown>();
  for (const item of base) out.set(key(item), item);
  // A later entry with the same key replaces the earlier one (as a whole: merging field by field
  // would mix, say, a bind mount's options into the named volume that replaces it) in its place.
  for (const item of over) out.set(key(item), item);
  return [...out.values()];
}

/** Merges `over` onto `base`; `path` is where both sit in the document (for tags and rules). */
export function mergeValues(base: unknown, over: unknown, path: Path, tags: MergeTags): unknown {
  if (over === undefined) return base;
  if (base === undefined || (tags.overrides.size > 0 && tags.overrides.has(pathKey(path)))) return over;
  const name = path[path.length - 1];
  if (isMapping(base) && isMapping(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = mergeValues(base[key], value, [...path, key], tags);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const replaced = (typeof name === 'string' && REPLACED.has(name)) || (name === 'test' && path[path.length - 2] === 'healthcheck');
    return replaced ? over : mergeSequence(name, base, over);
  }
  return over;
}

/** Removes every node whose path is tagged `!reset` (relative to `root`) from `value`. */
export function applyResets(value: unknown, resets: Set<string>, root: Path = []): unknown {
  if (resets.size === 0) return value;
  const prefix = root.length === 0 ? '' : pathKey(root) + '\u0000';
  let out = value;
  for (const key of resets) {
    if (root.length > 0 && !key.startsWith(prefix)) continue;
    const parts = (root.length > 0 ? key.slice(prefix.length) : key).split('\u0000');
    out = removeAt(out, parts);
  }
  return out;
}

function removeAt(value: unknown, parts: string[]): unknown {
  if (!isMapping(value) || parts.length === 0) return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (!(head in value)) return value;
  const out = { ...value };
  if (rest.length === 0) delete out[head];
  else out[head] = removeAt(out[head], rest);
  return out;
}
