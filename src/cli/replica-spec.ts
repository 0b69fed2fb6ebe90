/**
 * Adapts the pure container mapping (run/container-spec.ts) to what execution needs, and
 * reports each attribute the container cannot get once per service, as a warning.
 */
import type Docker from 'dockerode';
import type { Emit } from '../events.js';
import { containerSpec } from '../run/container-spec.js';
import type { ReplicaSpecFn } from '../run/converge.js';
import { stopTimeout } from '../run/converge.js';

export function replicaSpecFor(emit: Emit): ReplicaSpecFn {
  const warned = new Set<string>();
  return ({ project, service, number, image, configHash }) => {
    const spec = containerSpec({
      project,
      serviceName: service,
      service: project.services[service]!,
      number,
      imageId: image.id,
      imageName: image.name,
      configHash,
      networkName: (key) => project.networks[key]?.name ?? `${project.name}_${key}`,
      volumeName: (key) => project.volumes[key]?.name ?? `${project.name}_${key}`,
    });
    for (const u of spec.unsupported) {
      if (warned.has(u.path)) continue;
      warned.add(u.path);
      emit({ type: 'message', level: 'warn', text: `${u.path}: ${u.message}` });
    }
    const seconds = stopTimeout(project.services[service]);
    return {
      name: spec.name,
      body: spec.body as unknown as Docker.ContainerCreateOptions,
      extraNetworks: spec.extraNetworks.map((n) => ({ name: n.name, endpoint: n.endpointConfig as Docker.EndpointSettings })),
      ...(spec.platform ? { platform: spec.platform } : {}),
      ...(seconds !== undefined ? { stopTimeoutSeconds: seconds } : {}),
    };
  };
}
