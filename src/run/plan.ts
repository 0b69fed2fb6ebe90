/**
 * The planner: what must change so that the engine runs what the compose file says. A pure
 * function of the desired services and one snapshot (snapshot.ts); every operation carries the
 * cause a user would want to read. execute.ts carries the plan out without further decisions.
 */
import type { ObservedContainer, Snapshot } from './snapshot.js';

export interface DesiredService {
  name: string;
  replicas: number;
  configHash: string;
  imageId: string;
  /** Services this one depends on, and whether it restarts when they are recreated. */
  dependsOn: { service: string; restart: boolean }[];
}

export interface DesiredResource {
  /** The name on the engine (e.g. voting-app_default). */
  name: string;
  external: boolean;
}

export interface PlanInput {
  services: DesiredService[];
  networks: DesiredResource[];
  volumes: DesiredResource[];
  snapshot: Snapshot;
  /** Names of resources that exist on the engine without our labels (looked up by the caller). */
  foreign?: { networks: string[]; volumes: string[] };
  removeOrphans: boolean;
  forceRecreate?: boolean;
  /** Every service of the file; containers of other services are orphans (default: `services`). */
  known?: string[];
}

export interface ResourceOperation {
  kind: 'create-network' | 'create-volume';
  name: string;
  cause: string;
}

export type Operation =
  | { kind: 'create'; service: string; number: number; cause: string }
  | { kind: 'recreate'; service: string; number: number; container: ObservedContainer; cause: string }
  | { kind: 'start'; service: string; number: number; container: ObservedContainer; cause: string }
  | { kind: 'restart'; service: string; number: number; container: ObservedContainer; cause: string }
  | { kind: 'keep'; service: string; number: number; container: ObservedContainer; cause: string }
  | { kind: 'remove'; service: string; number: number; container: ObservedContainer; cause: string }
  | { kind: 'orphan'; service: string; number: number; container: ObservedContainer; cause: string };

export interface Plan {
  /** Networks and volumes first, then each service's operations (services in dependency order). */
  resources: ResourceOperation[];
  services: { name: string; operations: Operation[] }[];
  /** Containers of services no longer in the file: removed, or only reported. */
  orphans: Operation[];
  /** Missing external resources: the plan cannot run while this is non-empty. */
  missingExternal: { kind: 'network' | 'volume'; name: string }[];
}

const RUNNING = new Set(['running', 'restarting']);

export function planConvergence(input: PlanInput): Plan {
  const resources: ResourceOperation[] = [];
  const missingExternal: Plan['missingExternal'] = [];
  for (const kind of ['network', 'volume'] as const) {
    const existing = new Set(input.snapshot[`${kind}s`].map((r) => r.name));
    for (const name of input.foreign?.[`${kind}s`] ?? []) existing.add(name);
    for (const wanted of input[`${kind}s`]) {
      if (existing.has(wanted.name)) continue;
      if (wanted.external) missingExternal.push({ kind, name: wanted.name });
      else resources.push({ kind: `create-${kind}`, name: wanted.name, cause: `${kind} does not exist` });
    }
  }

  const byService = new Map<string, ObservedContainer[]>();
  for (const c of input.snapshot.containers) byService.set(c.service, [...(byService.get(c.service) ?? []), c]);

  const recreated = new Set<string>();
  const services: Plan['services'] = [];
  for (const service of dependencyOrder(input.services)) {
    const containers = (byService.get(service.name) ?? []).sort((a, b) => a.number - b.number || b.created - a.created);
    const operations: Operation[] = [];
    const restartCause = service.dependsOn.find((d) => d.restart && recreated.has(d.service));
    const seen = new Set<number>();
    for (const container of containers) {
      const { number } = container;
      if (number > service.replicas) {
        operations.push({ kind: 'remove', service: service.name, number, container, cause: `scaled down to ${service.replicas}` });
        continue;
      }
      if (seen.has(number)) {
        operations.push({ kind: 'remove', service: service.name, number, container, cause: `duplicate of replica ${number}` });
        continue;
      }
      seen.add(number);
      const why = recreateCause(container, service, input.forceRecreate === true);
      if (why) {
        operations.push({ kind: 'recreate', service: service.name, number, container, cause: why });
        recreated.add(service.name);
      } else if (!RUNNING.has(container.state)) {
        operations.push({ kind: 'start', service: service.name, number, container, cause: `container is ${container.state}` });
      } else if (restartCause) {
        operations.push({ kind: 'restart', service: service.name, number, container, cause: `dependency ${restartCause.service} was recreated` });
      } else {
        operations.push({ kind: 'keep', service: service.name, number, container, cause: 'up to date' });
      }
    }
    for (let number = 1; number <= service.replicas; number++) {
      if (!seen.has(number)) {
        operations.push({ kind: 'create', service: service.name, number, cause: containers.length === 0 ? 'no container' : `replica ${number} missing` });
        recreated.add(service.name);
      }
    }
    operations.sort((a, b) => a.number - b.number);
    services.push({ name: service.name, operations });
  }

  const wanted = new Set(input.known ?? input.services.map((s) => s.name));
  const orphans: Operation[] = input.snapshot.containers
    .filter((c) => !wanted.has(c.service))
    .map((container) => ({
      kind: input.removeOrphans ? ('remove' as const) : ('orphan' as const),
      service: container.service,
      number: container.number,
      container,
      cause: 'service is no longer in the compose file',
    }));
  return { resources, services, orphans, missingExternal };
}

function recreateCause(container: ObservedContainer, service: DesiredService, force: boolean): string | undefined {
  if (force) return 'recreate forced';
  if (container.configHash !== service.configHash) return 'configuration changed';
  if (container.imageId !== service.imageId) return 'image changed';
  return undefined;
}

/**
 * Services sorted so that each comes after what it depends on (dependencies outside the set are
 * ignored; the compose stage has already rejected cycles). Ties keep the input order.
 */
export function dependencyOrder<T extends { name: string; dependsOn: { service: string }[] }>(services: T[]): T[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (s: T, stack: Set<string>) => {
    if (done.has(s.name) || stack.has(s.name)) return;
    stack.add(s.name);
    for (const d of s.dependsOn) {
      const dep = byName.get(d.service);
      if (dep) visit(dep, stack);
    }
    done.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, new Set());
  return out;
}

/** The plan as text: one line per operation that does something (what tests and --verbose show). */
export function describePlan(plan: Plan): string[] {
  const lines: string[] = [];
  for (const op of plan.resources) lines.push(`${op.kind} ${op.name}: ${op.cause}`);
  for (const op of [...plan.services.flatMap((s) => s.operations), ...plan.orphans]) lines.push(`${op.kind} ${op.service}-${op.number}: ${op.cause}`);
  for (const m of plan.missingExternal) lines.push(`missing external ${m.kind} ${m.name}`);
  return lines;
}
