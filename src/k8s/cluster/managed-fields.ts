/**
 * The part of a live object that one field manager owns, rebuilt from `metadata.managedFields`
 * (fieldsV1), like client-go's Extract<Kind>(obj, manager). Server-side apply treats what a
 * manager applies as its whole intent: a partial apply (only spec.replicas) would drop every other
 * field we own. So `scale` and `rollback` take our own last applied configuration, change one field
 * and apply it again, with the same field manager.
 */
import type { K8sObject } from '../manifest.js';

type Fields = Record<string, unknown>;

/**
 * Keeps the parts of `value` named by `fields` (a fieldsV1 set). List items come out in the live
 * object's order, not in fieldsV1's (which sorts them by key): server-side apply orders an
 * associative list as applied, so items in another order would reorder the live list, and a
 * reordered pod template (volumes, mounts, env) is a new rollout where only replicas changed.
 */
export function extractFields(value: unknown, fields: Fields): unknown {
  const keys = Object.keys(fields).filter((k) => k !== '.');
  if (keys.length === 0) return value;
  if (Array.isArray(value)) {
    const byKey = keys.filter((k) => k.startsWith('k:')).map((k) => ({ id: JSON.parse(k.slice(2)) as Record<string, unknown>, sub: fields[k] as Fields }));
    // Go's encoder escapes <, > and & in v: keys; parsed and encoded again they compare with ours.
    const values = new Set(keys.filter((k) => k.startsWith('v:')).map((k) => JSON.stringify(JSON.parse(k.slice(2)))));
    const out: unknown[] = [];
    value.forEach((item, index) => {
      const keyed = byKey.find(({ id }) => typeof item === 'object' && item !== null && Object.entries(id).every(([k, want]) => JSON.stringify((item as Record<string, unknown>)[k]) === JSON.stringify(want)));
      if (keyed) out.push({ ...keyed.id, ...(extractFields(item, keyed.sub) as object) });
      else if (values.has(JSON.stringify(item))) out.push(item);
      else if (fields[`i:${index}`] !== undefined) out.push(extractFields(item, fields[`i:${index}`] as Fields));
    });
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (!key.startsWith('f:')) continue;
    const name = key.slice(2);
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined) continue;
    out[name] = extractFields(v, fields[key] as Fields);
  }
  return out;
}

/** The object as `manager` last applied it (operation Apply, main resource), or undefined if it never did. */
export function appliedBy(live: K8sObject, manager: string): K8sObject | undefined {
  const entries = (live.metadata.managedFields as { manager?: string; operation?: string; subresource?: string; fieldsV1?: Fields }[] | undefined) ?? [];
  const entry = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (!entry?.fieldsV1) return undefined;
  // client-node's deserialiser turns timestamps into Dates; JSON brings them back to the wire form.
  const plain = JSON.parse(JSON.stringify(live)) as K8sObject;
  const extracted = extractFields(plain, entry.fieldsV1) as K8sObject;
  return {
    ...extracted,
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { ...(extracted.metadata ?? {}), name: live.metadata.name, ...(live.metadata.namespace && { namespace: live.metadata.namespace }) },
  };
}
