/**
 * Local convergence, start to end: desired state from the model → one snapshot → a pure plan →
 * execution. The only function `up` (and later `watch`) calls to make the engine match the file.
 */
import type Docker from 'dockerode';
import { serviceConfigHash } from '../compose/hash.js';
import type { Project, Service } from '../compose/model.js';
import { parseDuration } from '../compose/units.js';
import { networkExists, volumeExists } from '../engine/containers.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { projectLabels } from '../labels.js';
import { executePlan, type ExecuteResult, type Journal, type ReplicaSpec } from './execute.js';
import { planConvergence, type DesiredResource, type DesiredService, type Plan } from './plan.js';
import { observeProject } from './snapshot.js';
import type { WaitCondition } from './wait.js';

export interface ImageRef {
  /** The image name the service runs (its image:, or the built image's name). */
  name: string;
  id: string;
}

/** Builds the create call of one replica (container-spec.ts, adapted by the caller). */
export type ReplicaSpecFn = (input: { project: Project; service: string; number: number; image: ImageRef; configHash: string }) => ReplicaSpec;

export interface ConvergeInput {
  project: Project;
  /** Services to converge (the caller has added their dependencies). */
  services: string[];
  images: Map<string, ImageRef>;
  removeOrphans: boolean;
  forceRecreate: boolean;
  waitTimeoutMs: number;
  replicaSpec: ReplicaSpecFn;
}

export interface ConvergeContext {
  docker: Docker;
  emit: Emit;
  signal: AbortSignal;
}

export function replicasOf(service: Service): number {
  return service.deploy?.replicas ?? (typeof service.scale === 'number' ? service.scale : 1);
}

/** Networks a service joins (none with network_mode). */
export function serviceNetworks(service: Service): string[] {
  if (service.network_mode !== undefined) return [];
  return Object.keys(service.networks ?? { default: null });
}

export function serviceVolumes(service: Service): string[] {
  return (service.volumes ?? []).filter((v) => v.type === 'volume' && v.source !== undefined).map((v) => v.source!);
}

/** Services with everything they depend on (required or not, as long as it is enabled). */
export function withDependencies(project: Project, wanted: string[]): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name) || !(name in project.services)) return;
    out.add(name);
    for (const dep of Object.keys(project.services[name]!.depends_on ?? {})) visit(dep);
  };
  for (const name of wanted) visit(name);
  // Keep the file's order: it is the order users expect to read.
  return Object.keys(project.services).filter((s) => out.has(s));
}

export async function converge(ctx: ConvergeContext, input: ConvergeInput, journal: Journal): Promise<{ plan: Plan; result: ExecuteResult }> {
  const { project } = input;
  const selected = input.services.map((name) => ({ name, service: project.services[name]! }));
  const hashes = new Map(selected.map(({ name, service }) => [name, serviceConfigHash(service)]));
  const desired: DesiredService[] = selected.map(({ name, service }) => ({
    name,
    replicas: replicasOf(service),
    configHash: hashes.get(name)!,
    imageId: input.images.get(name)!.id,
    dependsOn: Object.entries(service.depends_on ?? {})
      .filter(([dep]) => input.services.includes(dep))
      .map(([dep, d]) => ({ service: dep, restart: d.restart })),
  }));
  const networkKeys = [...new Set(selected.flatMap(({ service }) => serviceNetworks(service)))];
  const volumeKeys = [...new Set(selected.flatMap(({ service }) => serviceVolumes(service)))];
  const networks: DesiredResource[] = networkKeys.map((key) => resource(project.networks[key], key));
  const volumes: DesiredResource[] = volumeKeys.map((key) => resource(project.volumes[key], key));

  const snapshot = await observeProject(ctx.docker, project.name);
  // Resources that exist without our labels (external ones, or made by another tool): use, never remove.
  const ours = { networks: new Set(snapshot.networks.map((n) => n.name)), volumes: new Set(snapshot.volumes.map((v) => v.name)) };
  const foreign = { networks: [] as string[], volumes: [] as string[] };
  await Promise.all([
    ...networks.filter((n) => !ours.networks.has(n.name)).map(async (n) => (await networkExists(ctx.docker, n.name)) && foreign.networks.push(n.name)),
    ...volumes.filter((v) => !ours.volumes.has(v.name)).map(async (v) => (await volumeExists(ctx.docker, v.name)) && foreign.volumes.push(v.name)),
  ]);
  for (const name of foreign.networks) if (!networks.find((n) => n.name === name)?.external) ctx.emit({ type: 'message', level: 'warn', text: `network ${name} exists but was not created by devspace; using it (down will leave it)` });
  for (const name of foreign.volumes) if (!volumes.find((v) => v.name === name)?.external) ctx.emit({ type: 'message', level: 'warn', text: `volume ${name} exists but was not created by devspace; using it (down -v will leave it)` });

  const plan = planConvergence({ services: desired, networks, volumes, snapshot, foreign, removeOrphans: input.removeOrphans, forceRecreate: input.forceRecreate, known: Object.keys(project.services) });
  if (plan.missingExternal.length > 0) {
    const names = plan.missingExternal.map((m) => `${m.kind} ${m.name}`).join(', ');
    throw new UserError(`external ${names} not found`, plan.missingExternal.map((m) => `Create it first: docker ${m.kind} create ${m.name}`));
  }
  const conditions = (name: string) =>
    Object.entries(project.services[name]?.depends_on ?? {})
      .filter(([dep]) => input.services.includes(dep))
      .map(([dep, d]) => ({ service: dep, condition: d.condition as WaitCondition }));
  const byName = (kind: 'networks' | 'volumes', name: string) => Object.values(project[kind]).find((r) => r.name === name);
  const result = await executePlan(
    {
      ...ctx,
      labels: projectLabels(project.name),
      replicaSpec: (service, number) => input.replicaSpec({ project, service, number, image: input.images.get(service)!, configHash: hashes.get(service)! }),
      networkOptions: (name) => {
        const n = byName('networks', name) ?? { name };
        return {
          ...(typeof n.driver === 'string' ? { driver: n.driver } : {}),
          ...(n.internal === true ? { internal: true } : {}),
          ...(n.attachable === true ? { attachable: true } : {}),
          ...(n.enable_ipv6 === true ? { enableIPv6: true } : {}),
          ...(n.driver_opts ? { driverOpts: n.driver_opts as Record<string, string> } : {}),
        };
      },
      volumeOptions: (name) => {
        const v = byName('volumes', name) ?? { name };
        return { ...(typeof v.driver === 'string' ? { driver: v.driver } : {}), ...(v.driver_opts ? { driverOpts: v.driver_opts as Record<string, string> } : {}) };
      },
      dependsOn: conditions,
      waitTimeoutMs: input.waitTimeoutMs,
      stopTimeoutSeconds: (name) => stopTimeout(project.services[name]),
    },
    plan,
    journal,
  );
  return { plan, result };
}

export function stopTimeout(service: Service | undefined): number | undefined {
  if (!service?.stop_grace_period) return undefined;
  const ms = parseDuration(service.stop_grace_period);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

function resource(r: { name: string; external?: boolean } | undefined, key: string): DesiredResource {
  return { name: r?.name ?? key, external: r?.external === true };
}
