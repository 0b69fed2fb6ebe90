/**
 * From a batch of changes to the cheapest correct action per service (pure). A rebuild replaces
 * every other action of its service (the new image holds the synced files anyway); otherwise
 * files are synced, then the service restarts or runs its exec command. `restart` alone fires
 * without syncing anything.
 */
import { ChangeSet } from './change-set.js';
import { fires, type Trigger } from './triggers.js';

export interface SyncWork {
  trigger: Trigger;
  changed: string[];
  deleted: string[];
}

export interface ServiceWork {
  service: string;
  /** Paths that fired a rebuild trigger; non-empty means rebuild. */
  rebuild: string[];
  syncs: SyncWork[];
  restart: boolean;
  execs: Trigger[];
  /** Every path that fired something, for verbose output. */
  paths: string[];
}

/** Splits a batch by service: the changes that fire at least one of its triggers. */
export function changesByService(changes: ChangeSet, triggers: Trigger[]): Map<string, ChangeSet> {
  const out = new Map<string, ChangeSet>();
  for (const [file, kind] of changes.entries()) {
    for (const t of triggers) {
      if (!fires(t, file)) continue;
      if (!out.has(t.service)) out.set(t.service, new ChangeSet());
      out.get(t.service)!.add(file, kind);
    }
  }
  return out;
}

/** What to do for one service's changes, with its current triggers. */
export function serviceWork(service: string, changes: ChangeSet, triggers: Trigger[]): ServiceWork | undefined {
  const work: ServiceWork = { service, rebuild: [], syncs: [], restart: false, execs: [], paths: [] };
  const fired = new Set<string>();
  for (const t of triggers.filter((t) => t.service === service)) {
    const sync: SyncWork = { trigger: t, changed: [], deleted: [] };
    for (const [file, kind] of changes.entries()) {
      if (!fires(t, file)) continue;
      fired.add(file);
      if (t.action === 'rebuild') work.rebuild.push(file);
      else if (t.action === 'restart') work.restart = true;
      else (kind === 'deleted' ? sync.deleted : sync.changed).push(file);
    }
    if (sync.changed.length + sync.deleted.length === 0) continue;
    work.syncs.push(sync);
    if (t.action === 'sync+restart') work.restart = true;
    if (t.action === 'sync+exec') work.execs.push(t);
  }
  if (fired.size === 0) return undefined;
  work.paths = [...fired];
  if (work.rebuild.length > 0) return { ...work, syncs: [], restart: false, execs: [] };
  return work;
}
