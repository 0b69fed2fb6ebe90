import type { Project, Service } from './model.js';

/**
 * Drops services whose profiles are all inactive. A service without profiles is always enabled;
 * naming a service on the command line enables it and activates its profiles; `*` enables all.
 */
export function applyProfiles(project: Project, active: string[], targeted: string[]): { disabled: Record<string, Service>; allProfiles: string[] } {
  const activeSet = new Set(active);
  for (const name of targeted) for (const p of project.services[name]?.profiles ?? []) activeSet.add(p);
  const all = new Set<string>();
  const disabled: Record<string, Service> = {};
  for (const [name, service] of Object.entries(project.services)) {
    const profiles = service.profiles ?? [];
    profiles.forEach((p) => all.add(p));
    const enabled = profiles.length === 0 || activeSet.has('*') || profiles.some((p) => activeSet.has(p)) || targeted.includes(name);
    if (!enabled) {
      disabled[name] = service;
      delete project.services[name];
    }
  }
  return { disabled, allProfiles: [...all].sort() };
}
