/**
 * What to watch and what a change means: each service's `develop.watch` rules (or the default
 * rule, rebuild on build-context changes) turned into triggers, and the pure test of whether a
 * changed path fires a trigger. Ignore rules, as in Docker Compose: the rule's own `ignore`
 * (dockerignore syntax, relative to the rule's path), the build context's .dockerignore when the
 * path lies inside the context, and editors' temporary files.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { contextIgnore } from '../build/context.js';
import { DockerignoreMatcher } from '../build/dockerignore.js';
import type { Project, WatchRule } from '../compose/model.js';
import { serviceSettings } from '../compose/x-devspace.js';

export type WatchAction = WatchRule['action'];

export interface Trigger {
  service: string;
  /** Absolute, symlinks resolved: a directory or a single file. */
  path: string;
  action: WatchAction;
  /** Where synced files go in the container (sync actions). */
  target?: string;
  exec?: WatchRule['exec'];
  initialSync: boolean;
  ignore?: DockerignoreMatcher;
  include?: DockerignoreMatcher;
  /** The build context's ignore rules, when `path` lies inside the build context. */
  context?: { directory: string; matcher: DockerignoreMatcher };
  /** For messages: `develop.watch[0]` or `build context (default rule)`. */
  origin: string;
}

/** Emacs, Vim, JetBrains, Kate, gedit and Office temporaries: never a real change (Compose's list, and a few more). */
const EDITOR_TEMP = [/^\.#/, /^#.*#$/, /~$/, /\.sw[a-px]$/, /^4913$/, /___jb_(old|tmp)___$/, /\.kate-swp$/, /^\.goutputstream-/, /^~\$/, /\.crdownload$/];

export function isEditorTemp(file: string): boolean {
  const name = path.basename(file);
  return EDITOR_TEMP.some((re) => re.test(name));
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p; // Not there yet: watched anyway, it may be created.
  }
}

/** The triggers of the given services, in the file's order (a rule's index is its origin). */
export async function serviceTriggers(project: Project, services: string[]): Promise<Trigger[]> {
  const triggers: Trigger[] = [];
  for (const name of services) {
    const service = project.services[name];
    if (!service) continue;
    const context = service.build ? await contextIgnore(service.build).catch(() => undefined) : undefined;
    const inContext = (p: string) => {
      if (!context) return undefined;
      const rel = path.relative(context.directory, p);
      return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : { directory: context.directory, matcher: context.matcher };
    };
    const rules = service.develop?.watch;
    if (rules !== undefined) {
      rules.forEach((rule, i) => {
        const p = real(rule.path);
        const ctx = inContext(p);
        triggers.push({
          service: name,
          path: p,
          action: rule.action,
          ...(rule.target !== undefined && { target: rule.target }),
          ...(rule.exec && { exec: rule.exec }),
          initialSync: rule.initial_sync === true,
          ...(rule.ignore && { ignore: new DockerignoreMatcher(rule.ignore) }),
          ...(rule.include && { include: new DockerignoreMatcher(rule.include) }),
          ...(ctx && { context: ctx }),
          origin: `develop.watch[${i}]`,
        });
      });
      continue;
    }
    if (!context || serviceSettings(service)?.watch === false) continue;
    triggers.push({ service: name, path: context.directory, action: 'rebuild', initialSync: false, context, origin: 'build context (default rule)' });
    if (context.outsideDockerfile) triggers.push({ service: name, path: real(context.outsideDockerfile), action: 'rebuild', initialSync: false, origin: 'Dockerfile (default rule)' });
  }
  return triggers;
}

function inside(root: string, file: string): string | undefined {
  if (file === root) return '';
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

/** Whether a change of `file` (absolute) fires the trigger. */
export function fires(trigger: Trigger, file: string): boolean {
  const rel = inside(trigger.path, file);
  if (rel === undefined || isEditorTemp(file)) return false;
  if (rel !== '' && trigger.ignore?.matches(rel)) return false;
  if (rel !== '' && trigger.include && !trigger.include.matches(rel)) return false;
  if (trigger.context) {
    const crel = inside(trigger.context.directory, file);
    if (crel && trigger.context.matcher.matches(crel)) return false;
  }
  return true;
}

/**
 * Whether the watcher can skip a directory entirely: every trigger that could see it excludes
 * it, and no `!` exception reaches inside (the same rule Docker uses when walking a context).
 */
export function prunable(triggers: Trigger[], dir: string): boolean {
  let seen = false;
  for (const t of triggers) {
    const rel = inside(t.path, dir);
    if (rel === undefined) {
      // An ancestor of a watched path must be walked to reach it.
      if (inside(dir, t.path) !== undefined) return false;
      continue;
    }
    seen = true;
    if (rel === '') return false;
    const byRule = t.ignore !== undefined && t.ignore.matches(rel) && !t.ignore.mustEnterExcludedDirectory(rel);
    const crel = t.context ? inside(t.context.directory, dir) : undefined;
    const byContext = crel !== undefined && crel !== '' && t.context!.matcher.matches(crel) && !t.context!.matcher.mustEnterExcludedDirectory(crel);
    if (!byRule && !byContext) return false;
  }
  return seen;
}

/** The directories and files to hand the watcher: trigger paths, nested ones dropped. */
export function watchRoots(paths: string[]): string[] {
  const unique = [...new Set(paths)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && inside(q, p) !== undefined));
}
