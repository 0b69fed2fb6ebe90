import type { Project } from '../compose/model.js';

/** The image a service runs: its `image:`, or `<project>-<service>` for a built one (Compose's rule). */
export function imageName(project: Project, service: string): string {
  return project.services[service]?.image ?? `${project.name}-${service}`;
}
