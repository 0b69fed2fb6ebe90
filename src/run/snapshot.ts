/**
 * What runs: one label-filtered look at the engine, taken before planning. Plain data, so the
 * planner (plan.ts) is a pure function of it and unit tests build snapshots by hand.
 */
import type Docker from 'dockerode';
import { LABELS, projectFilter } from '../labels.js';

export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  configHash: string;
  imageId: string;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /** Docker's human status, e.g. "Up 3 minutes (healthy)". */
  status: string;
  ports: { ip?: string; privatePort: number; publicPort?: number; type: string }[];
  created: number;
}

export interface ObservedResource {
  name: string;
  /** Whether it carries our project label (we only ever remove those). */
  ours: boolean;
}

export interface Snapshot {
  containers: ObservedContainer[];
  networks: ObservedResource[];
  volumes: ObservedResource[];
}

/** Lists this project's containers, networks and volumes by label (three API calls in parallel). */
export async function observeProject(docker: Docker, project: string): Promise<Snapshot> {
  const filters = JSON.stringify(projectFilter(project));
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return {
    containers: containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[LABELS.service] ?? '',
      number: Number(c.Labels[LABELS.number] ?? '1'),
      configHash: c.Labels[LABELS.configHash] ?? '',
      imageId: c.Labels[LABELS.image] ?? c.ImageID,
      state: c.State,
      status: c.Status,
      ports: c.Ports.map((p) => ({ ...(p.IP ? { ip: p.IP } : {}), privatePort: p.PrivatePort, ...(p.PublicPort ? { publicPort: p.PublicPort } : {}), type: p.Type })),
      created: c.Created,
    })),
    networks: networks.map((n) => ({ name: n.Name, ours: true })),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, ours: true })),
  };
}

/** http:// URLs of a container's published TCP ports, on 127.0.0.1 when bound to every address. */
export function urlsOf(c: ObservedContainer): string[] {
  const seen = new Set<string>();
  for (const p of c.ports) {
    if (p.publicPort === undefined || p.type !== 'tcp') continue;
    const host = !p.ip || p.ip === '0.0.0.0' ? '127.0.0.1' : p.ip.includes(':') ? `[${p.ip === '::' ? '::1' : p.ip}]` : p.ip;
    if (p.ip === '::' && seen.size > 0) continue;
    seen.add(`http://${host}:${p.publicPort}`);
  }
  return [...seen];
}
