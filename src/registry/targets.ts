/**
 * Where each service's image goes (pure): the registry from --registry, else the service's
 * `x-devspace.registry`, else the environment's, else the project's; the name
 * `<registry>/<project>/<service>` — unless the service's `image:` already names a registry, which
 * then wins. Docker Hub allows only `<namespace>/<repository>`: there it is `<project>-<service>`.
 */
import type { Project } from '../compose/model.js';
import { UserError } from '../errors.js';
import { projectSettings, serviceSettings } from '../compose/x-devspace.js';
import { DOCKER_HUB, hasRegistry, parseReference, type ImageReference } from './reference.js';

export interface TargetOptions {
  registry?: string;
  environment?: string;
}

/** The environment overlay named by --env, checked. */
export function environmentSettings(project: Project, name: string | undefined) {
  if (name === undefined) return undefined;
  const environments = projectSettings(project)?.environments ?? {};
  const env = environments[name];
  if (!env) throw new UserError(`no environment "${name}" in x-devspace.environments`, [Object.keys(environments).length > 0 ? `Environments: ${Object.keys(environments).join(', ')}` : 'Define one under x-devspace.environments in the compose file.']);
  return env;
}

/** The target repository (no tag) of a service. */
export function targetRepository(project: Project, name: string, options: TargetOptions): ImageReference {
  const service = project.services[name]!;
  if (service.image && hasRegistry(service.image)) {
    const ref = parseReference(service.image);
    return { registry: ref.registry, repository: ref.repository };
  }
  const registry = options.registry ?? serviceSettings(service)?.registry ?? environmentSettings(project, options.environment)?.registry ?? projectSettings(project)?.registry;
  if (!registry) {
    throw new UserError(`no registry to push ${name} to`, [
      'Set one for the project: x-devspace: {registry: ghcr.io/my-org}',
      'or pass --registry ghcr.io/my-org, or give the service an image: that names a registry.',
    ]);
  }
  const base = registry.replace(/\/+$/, '');
  const full = hasRegistry(`${base}/x`) ? base : `${DOCKER_HUB}/${base}`;
  const ref = parseReference(`${full}/${project.name}/${name}`);
  if (ref.registry === DOCKER_HUB) {
    const namespace = full.split('/').slice(1).join('/');
    if (!namespace) throw new UserError(`registry "${registry}" for ${name} names Docker Hub without an account`, ['Use docker.io/<your account>.']);
    return { registry: DOCKER_HUB, repository: `${namespace.split('/')[0]}/${project.name}-${name}` };
  }
  return ref;
}
