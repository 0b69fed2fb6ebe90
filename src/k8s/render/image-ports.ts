/**
 * The edge that gives rendering the ports images declare (EXPOSE): compose services reach each
 * other on those without listing them, so a Redis that only EXPOSEs 6379 in its Dockerfile still
 * needs a Service on 6379. Only services that list no ports or expose are looked up; an image
 * that is not on the engine (not built or pulled yet) is left out, and rendering notes it.
 */
import type Docker from 'dockerode';
import { imageName } from '../../build/image-name.js';
import type { Project } from '../../compose/model.js';

export async function readImagePorts(project: Project, docker: Docker, images: Record<string, string> = {}): Promise<Record<string, string[]>> {
  const wanted = Object.keys(project.services).filter((s) => !project.services[s]!.ports?.length && !project.services[s]!.expose?.length);
  const out: Record<string, string[]> = {};
  await Promise.all(wanted.map(async (service) => {
    // The local tag first (what build made), then the reference the cluster will run.
    for (const reference of [imageName(project, service), images[service]]) {
      if (reference === undefined) continue;
      try {
        const info = await docker.getImage(reference).inspect();
        out[service] = Object.keys(info.Config?.ExposedPorts ?? {});
        return;
      } catch {
        // Not on this engine under that name.
      }
    }
  }));
  return out;
}
