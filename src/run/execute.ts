/**
 * Carries out a plan (plan.ts) on the engine, making no decisions of its own beyond order:
 * networks and volumes first, orphans, then services as a dependency graph — each service
 * starts once the services it depends on meet their depends_on condition; independent
 * services go in parallel. Everything this run creates is journalled so that an interrupted
 * start-up can be rolled back (rollback()).
 */
import type Docker from 'dockerode';
import type { Emit } from '../events.js';
import {
  connectNetwork,
  createContainer,
  createNetwork,
  createVolume,
  removeContainer,
  removeNetwork,
  removeVolume,
  restartContainer,
  startContainer,
  stopContainer,
} from '../engine/containers.js';
import { engineMessage } from '../engine/engine-error.js';
import { UserError } from '../errors.js';
import type { Operation, Plan } from './plan.js';
import { waitForService, type WaitCondition } from './wait.js';

/** What the create call needs for one replica (built by container-spec.ts). */
export interface ReplicaSpec {
  name: string;
  body: Docker.ContainerCreateOptions;
  /** Networks beyond the first (API < 1.44 takes one network at create; the rest are connected). */
  extraNetworks: { name: string; endpoint: Docker.EndpointSettings }[];
  platform?: string;
  stopTimeoutSeconds?: number;
}

export interface ExecuteContext {
  docker: Docker;
  emit: Emit;
  signal: AbortSignal;
  replicaSpec: (service: string, number: number) => ReplicaSpec;
  /** How to create each network and volume named in the plan. */
  networkOptions: (name: string) => Parameters<typeof createNetwork>[3];
  volumeOptions: (name: string) => Parameters<typeof createVolume>[3];
  labels: Record<string, string>;
  /** depends_on of each service in the plan: which services, which condition. */
  dependsOn: (service: string) => { service: string; condition: WaitCondition }[];
  waitTimeoutMs: number;
  stopTimeoutSeconds: (service: string) => number | undefined;
}

export interface Journal {
  containers: string[];
  networks: string[];
  volumes: string[];
}

export interface ExecuteResult {
  /** Container IDs per service after execution. */
  containers: Map<string, string[]>;
  journal: Journal;
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new UserError('interrupted');
}

export async function executePlan(ctx: ExecuteContext, plan: Plan, journal: Journal = { containers: [], networks: [], volumes: [] }): Promise<ExecuteResult> {
  const { docker, emit } = ctx;
  for (const op of plan.resources) {
    checkAborted(ctx.signal);
    if (op.kind === 'create-network') {
      await createNetwork(docker, op.name, ctx.labels, ctx.networkOptions(op.name));
      journal.networks.push(op.name);
      emit({ type: 'resource', kind: 'network', name: op.name, action: 'created' });
    } else if (op.kind === 'create-volume') {
      await createVolume(docker, op.name, ctx.labels, ctx.volumeOptions(op.name));
      journal.volumes.push(op.name);
      emit({ type: 'resource', kind: 'volume', name: op.name, action: 'created' });
    }
  }
  for (const op of plan.orphans) {
    if (!('container' in op)) continue;
    if (op.kind === 'remove') {
      await stopContainer(docker, op.container.id);
      await removeContainer(docker, op.container.id, true);
    }
    emit({ type: 'container', service: op.service, name: op.container.name, action: op.kind === 'remove' ? 'remove' : 'orphan', cause: op.cause });
  }

  const containers = new Map<string, string[]>();
  const tasks = new Map<string, Promise<string[]>>();
  const inPlan = new Set(plan.services.map((s) => s.name));
  // plan.services is in dependency order, so every dependency's task exists before its dependents'.
  for (const service of plan.services) {
    const deps = ctx.dependsOn(service.name).filter((d) => inPlan.has(d.service));
    tasks.set(
      service.name,
      (async () => {
        const depIds = await Promise.all(deps.map(async (d) => ({ ...d, ids: await tasks.get(d.service)! })));
        for (const d of depIds) {
          checkAborted(ctx.signal);
          await waitForService({ docker, emit, signal: ctx.signal }, d.service, d.ids, d.condition, ctx.waitTimeoutMs);
        }
        const ids = await Promise.all(service.operations.map((op) => apply(ctx, op, journal)));
        const kept = ids.filter((id): id is string => id !== undefined);
        containers.set(service.name, kept);
        return kept;
      })(),
    );
  }
  // Wait for all, but report the first failure (the others are usually its consequence).
  const results = await Promise.allSettled(tasks.values());
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { containers, journal };
}

/** One operation; returns the ID of the container that runs afterwards (none for a removal). */
async function apply(ctx: ExecuteContext, op: Operation, journal: Journal): Promise<string | undefined> {
  const { docker, emit } = ctx;
  checkAborted(ctx.signal);
  switch (op.kind) {
    case 'keep':
      emit({ type: 'container', service: op.service, name: op.container.name, action: 'keep', cause: op.cause });
      return op.container.id;
    case 'start':
      await startContainer(docker, op.container.id);
      emit({ type: 'container', service: op.service, name: op.container.name, action: 'start', cause: op.cause });
      return op.container.id;
    case 'restart':
      await restartContainer(docker, op.container.id);
      emit({ type: 'container', service: op.service, name: op.container.name, action: 'start', cause: op.cause });
      return op.container.id;
    case 'remove':
      await stopContainer(docker, op.container.id, ctx.stopTimeoutSeconds(op.service));
      await removeContainer(docker, op.container.id, true);
      emit({ type: 'container', service: op.service, name: op.container.name, action: 'remove', cause: op.cause });
      return undefined;
    case 'recreate':
      await stopContainer(docker, op.container.id, ctx.stopTimeoutSeconds(op.service));
      await removeContainer(docker, op.container.id, true);
      return create(ctx, op.service, op.number, 'recreate', op.cause, journal);
    case 'create':
      return create(ctx, op.service, op.number, 'create', op.cause, journal);
    default:
      return undefined;
  }
}

async function create(ctx: ExecuteContext, service: string, number: number, action: 'create' | 'recreate', cause: string, journal: Journal): Promise<string> {
  const spec = ctx.replicaSpec(service, number);
  let id: string;
  try {
    id = await createContainer(ctx.docker, spec.name, spec.body, spec.platform);
  } catch (error) {
    throw new UserError(`cannot create container ${spec.name} for service "${service}": ${engineMessage(error)}`, hintsFor(engineMessage(error), spec.name));
  }
  journal.containers.push(id);
  for (const extra of spec.extraNetworks) await connectNetwork(ctx.docker, extra.name, id, extra.endpoint);
  ctx.emit({ type: 'container', service, name: spec.name, action, cause });
  checkAborted(ctx.signal);
  try {
    await startContainer(ctx.docker, id);
  } catch (error) {
    throw new UserError(`cannot start container ${spec.name} of service "${service}": ${engineMessage(error)}`, hintsFor(engineMessage(error), spec.name));
  }
  ctx.emit({ type: 'service-state', service, container: spec.name, state: 'starting' });
  return id;
}

/** Known engine messages → what to do. */
function hintsFor(message: string, name: string): string[] {
  if (/port is already allocated|address already in use/i.test(message)) return ['Another process or container uses that host port: stop it, or change the published port in the compose file.'];
  if (/is already in use by container/i.test(message)) return [`A container named ${name} exists but is not part of this project: remove it (\`docker rm -f ${name}\`) or set another container_name.`];
  if (/no such image/i.test(message)) return ['Build or pull the image first (`devspace build`), or check the image: name.'];
  if (/invalid mount config|bind source path does not exist/i.test(message)) return ['Check the volume paths in the compose file: a bind mount source must exist.'];
  return [];
}

/** Undo an interrupted start-up: remove what this run created, newest first. */
export async function rollback(docker: Docker, journal: Journal, emit: Emit): Promise<void> {
  for (const id of [...journal.containers].reverse()) {
    await removeContainer(docker, id, true).catch(() => undefined);
  }
  for (const name of [...journal.networks].reverse()) {
    await removeNetwork(docker, name).catch(() => undefined);
    emit({ type: 'resource', kind: 'network', name, action: 'removed' });
  }
  for (const name of [...journal.volumes].reverse()) {
    await removeVolume(docker, name).catch(() => undefined);
    emit({ type: 'resource', kind: 'volume', name, action: 'removed' });
  }
}
