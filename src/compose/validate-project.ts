/** Checks that need the whole merged project: references between services and resources, cycles. */
import type { Project, Service } from './model.js';
import type { Problems } from './problems.js';
import { projectSettings } from './x-devspace.js';
import { didYouMean } from './zod-diagnostics.js';

type Ref = { target: string; path: (string | number)[]; what: string; optional?: boolean };

function serviceRefs(name: string, s: Service): Ref[] {
  const refs: Ref[] = [];
  for (const [dep, d] of Object.entries(s.depends_on ?? {})) refs.push({ target: dep, path: ['services', name, 'depends_on', dep], what: 'depends on', optional: !d.required });
  (s.links ?? []).forEach((link, i) => refs.push({ target: link.split(':')[0]!, path: ['services', name, 'links', i], what: 'links to' }));
  (s.volumes_from ?? []).forEach((v, i) => {
    if (!v.startsWith('container:')) refs.push({ target: v.split(':')[0]!, path: ['services', name, 'volumes_from', i], what: 'takes volumes from' });
  });
  for (const key of ['network_mode', 'ipc', 'pid'] as const) {
    const value = s[key];
    if (typeof value === 'string' && value.startsWith('service:')) refs.push({ target: value.slice(8), path: ['services', name, key], what: `shares ${key} with` });
  }
  return refs;
}

export function validateProject(project: Project, disabled: Record<string, Service>, problems: Problems): void {
  const names = Object.keys(project.services);
  for (const [name, s] of Object.entries(project.services)) {
    const at = (...rest: (string | number)[]) => ['services', name, ...rest];
    if (!s.image && !s.build) problems.error(at(), `service "${name}" has neither an image nor a build context`, 'Add image: or build:.');
    for (const ref of serviceRefs(name, s)) {
      if (ref.target === name) problems.error(ref.path, `service "${name}" ${ref.what} itself`);
      else if (ref.target in disabled) {
        const profiles = disabled[ref.target]!.profiles ?? [];
        if (ref.optional) {
          delete s.depends_on?.[ref.target];
          problems.warn(ref.path, `optional dependency "${ref.target}" is disabled by profiles and is ignored`);
        } else problems.error(ref.path, `service "${name}" ${ref.what} "${ref.target}", which is disabled by its profiles (${profiles.join(', ')})`, `Enable it with --profile ${profiles[0]} or COMPOSE_PROFILES=${profiles[0]}.`);
      } else if (!(ref.target in project.services)) {
        if (ref.optional) {
          delete s.depends_on?.[ref.target];
          problems.warn(ref.path, `optional dependency "${ref.target}" is not defined and is ignored`);
          continue;
        }
        const suggestion = didYouMean(ref.target, names);
        problems.error(ref.path, `service "${name}" ${ref.what} undefined service "${ref.target}"`, suggestion ? `Did you mean "${suggestion}"?` : undefined);
      }
    }
    if (s.network_mode && s.networks && !('default' in s.networks && Object.keys(s.networks).length === 1)) {
      problems.error(at('networks'), `"network_mode" and "networks" cannot be used together`);
    }
    if (s.network_mode === 'host' && s.ports?.length) problems.error(at('ports'), 'published ports are not allowed with network_mode: host', 'Remove ports: — with host networking the container uses the host ports directly.');
    for (const network of Object.keys(s.networks ?? {})) {
      if (!(network in project.networks)) {
        const suggestion = didYouMean(network, Object.keys(project.networks));
        problems.error(at('networks', network), `service "${name}" uses undefined network "${network}"`, suggestion ? `Did you mean "${suggestion}"?` : `Declare it under the top-level networks:.`);
      }
    }
    (s.volumes ?? []).forEach((v, i) => {
      if (v.type === 'volume' && v.source && !(v.source in project.volumes)) {
        const suggestion = didYouMean(v.source, Object.keys(project.volumes));
        problems.error(at('volumes', i), `service "${name}" uses undefined volume "${v.source}"`, suggestion ? `Did you mean "${suggestion}"?` : `Declare it under the top-level volumes:, or write ./${v.source} for a bind mount.`);
      }
    });
    for (const kind of ['secrets', 'configs'] as const) {
      (s[kind] ?? []).forEach((r, i) => {
        if (!(r.source in project[kind])) problems.error(at(kind, i), `service "${name}" uses undefined ${kind.slice(0, -1)} "${r.source}"`, `Declare it under the top-level ${kind}:.`);
      });
    }
    const replicas = s.deploy?.replicas;
    if (replicas !== undefined && s.scale !== undefined && replicas !== s.scale) {
      problems.error(at('scale'), `scale (${s.scale}) and deploy.replicas (${replicas}) disagree`, 'Keep one of them.');
    }
    if (s.container_name && (replicas ?? s.scale ?? 1) > 1) {
      problems.error(at('container_name'), `service "${name}" sets container_name, so it cannot run ${replicas ?? s.scale} replicas`, 'Remove container_name, or run one replica.');
    }
  }
  findCycles(project, problems);
  environmentRefs(project, disabled, problems);
}

/** x-devspace.environments.<env>.services must name services of the project (profiles may disable them). */
function environmentRefs(project: Project, disabled: Record<string, Service>, problems: Problems): void {
  const environments = projectSettings(project)?.environments ?? {};
  const names = Object.keys(project.services);
  for (const [env, settings] of Object.entries(environments)) {
    for (const name of Object.keys(settings.services ?? {})) {
      if (name in project.services || name in disabled) continue;
      const suggestion = didYouMean(name, names);
      problems.error(['x-devspace', 'environments', env, 'services', name], `environment "${env}" overlays "${name}", which is not a service of this project`, suggestion ? `Did you mean "${suggestion}"?` : `Services: ${names.join(', ')}.`);
    }
  }
}

/** Dependency cycles over depends_on and links, each reported once with its members. */
function findCycles(project: Project, problems: Problems): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    const s = project.services[name]!;
    const deps = [...Object.keys(s.depends_on ?? {}), ...(s.links ?? []).map((l) => l.split(':')[0]!)];
    for (const dep of deps) {
      if (dep === name || !(dep in project.services)) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        problems.error(['services', name, 'depends_on', dep], `dependency cycle: ${cycle.join(' → ')}`, 'Remove one of these dependencies.');
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(project.services)) if (!state.has(name)) visit(name);
}
