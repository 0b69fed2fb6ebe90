/**
 * `down`: removes exactly what carries this project's label — containers, networks, and with
 * the options volumes and images — whatever the compose file says today (services removed from
 * the file since `up` are found all the same). Running it twice is fine.
 */
import type Docker from 'dockerode';
import { removeContainer, removeNetwork, removeVolume, stopContainer } from '../engine/containers.js';
import { statusOf } from '../engine/engine-error.js';
import { shortImageId, type Emit } from '../events.js';
import { projectFilter } from '../labels.js';
import { observeProject } from './snapshot.js';

export interface DownOptions {
  volumes: boolean;
  /** local: images devspace built for the project; all: also images services ran from image:. */
  rmi?: 'local' | 'all';
  stopTimeoutSeconds: (service: string) => number | undefined;
}

export interface DownResult {
  containers: number;
  networks: number;
  volumes: number;
  images: number;
}

export async function downProject(docker: Docker, project: string, options: DownOptions, emit: Emit): Promise<DownResult> {
  const snapshot = await observeProject(docker, project);
  const images = new Set(snapshot.containers.map((c) => c.imageId));
  await Promise.all(
    snapshot.containers.map(async (c) => {
      if (c.state === 'running' || c.state === 'restarting' || c.state === 'paused') {
        await stopContainer(docker, c.id, options.stopTimeoutSeconds(c.service));
        emit({ type: 'container', service: c.service, name: c.name, action: 'stop', cause: 'down' });
      }
      await removeContainer(docker, c.id, true);
      emit({ type: 'container', service: c.service, name: c.name, action: 'remove', cause: 'down' });
    }),
  );
  for (const n of snapshot.networks) {
    await removeNetwork(docker, n.name);
    emit({ type: 'resource', kind: 'network', name: n.name, action: 'removed' });
  }
  let volumes = 0;
  if (options.volumes) {
    for (const v of snapshot.volumes) {
      await removeVolume(docker, v.name);
      emit({ type: 'resource', kind: 'volume', name: v.name, action: 'removed' });
      volumes++;
    }
  }
  let removedImages = 0;
  if (options.rmi) {
    const built = await docker.listImages({ filters: JSON.stringify(projectFilter(project)) });
    const ids = new Set(built.map((i) => i.Id));
    if (options.rmi === 'all') for (const id of images) ids.add(id);
    for (const id of ids) {
      try {
        await docker.getImage(id).remove({ force: false });
        removedImages++;
        emit({ type: 'message', level: 'info', text: `removed image ${shortImageId(id)}` });
      } catch (error) {
        // 409: still used by a container of another project; 404: gone already. Both are fine to leave.
        const status = statusOf(error);
        if (status !== 404 && status !== 409) throw error;
        if (status === 409) emit({ type: 'message', level: 'warn', text: `image ${shortImageId(id)} is still in use; left in place` });
      }
    }
  }
  return { containers: snapshot.containers.length, networks: snapshot.networks.length, volumes, images: removedImages };
}
