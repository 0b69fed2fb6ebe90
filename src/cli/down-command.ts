/** `devspace down`: remove this project's containers and networks (volumes, images) by label. */
import { stopTimeout } from '../run/converge.js';
import { downProject } from '../run/down.js';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions, projectNameFromOptions, rendererFor } from './session.js';

export interface DownOptions extends GlobalOptions {
  volumes?: boolean;
  rmi?: 'local' | 'all';
}

export async function runDown(opts: DownOptions, io: Io): Promise<void> {
  const { name, project } = projectNameFromOptions(opts, io);
  const emit = rendererFor(opts, io, Object.keys(project?.services ?? {}));
  const { docker } = await openEngineFromOptions(opts, io);
  const result = await downProject(
    docker,
    name,
    { volumes: opts.volumes === true, ...(opts.rmi ? { rmi: opts.rmi } : {}), stopTimeoutSeconds: (s) => stopTimeout(project?.services[s]) },
    emit,
  );
  if (result.containers + result.networks + result.volumes + result.images === 0) {
    emit({ type: 'message', level: 'info', text: `nothing to remove for project ${name}` });
  }
}
