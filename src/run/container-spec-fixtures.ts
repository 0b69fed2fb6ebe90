/** Test helpers for container-spec*.test.ts: load a compose file, map one service. */
import { loadDir, writeTree } from '../../test/compose-fixtures.js';
import type { Project } from '../compose/model.js';
import { containerSpec, type ContainerSpecInput } from './container-spec.js';

export function specFor(project: Project, serviceName: string, extra: Partial<ContainerSpecInput> = {}) {
  return containerSpec({
    project,
    serviceName,
    service: project.services[serviceName]!,
    number: 1,
    imageId: 'sha256:0123',
    imageName: `${project.name}-${serviceName}`,
    configHash: 'c0ffee',
    networkName: (key) => project.networks[key]!.name,
    volumeName: (key) => project.volumes[key]!.name,
    ...extra,
  });
}

/** Loads `compose.yaml` (project "demo") from a throw-away directory. */
export function load(yaml: string, files: Record<string, string> = {}) {
  const dir = writeTree({ 'compose.yaml': `name: demo\n${yaml}`, ...files });
  return { dir, project: loadDir(dir).project };
}

export function spec(yaml: string, serviceName = 'app', extra: Partial<ContainerSpecInput> = {}, files: Record<string, string> = {}) {
  const { dir, project } = load(yaml, files);
  return { dir, ...specFor(project, serviceName, extra) };
}
