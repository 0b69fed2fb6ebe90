/**
 * `devspace delete`: removes what `deploy` applied in the namespace, found by our labels, and the
 * Namespace when we created it (it carries our labels); waits until it is gone.
 */
import { homedir } from 'node:os';
import type { GlobalOptions } from './global-options.js';
import type { Io } from './main.js';
import { loadFromOptions } from './load-options.js';
import { rendererFor } from './session.js';
import { watchInterrupts } from './interrupts.js';

export interface ClusterOptions extends GlobalOptions {
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  env?: string;
}

export async function runDelete(opts: ClusterOptions, io: Io): Promise<void> {
  const { project } = loadFromOptions(opts, io);
  const { clusterTarget } = await import('../k8s/cluster/target.js');
  const target = await clusterTarget({ project, ...(opts.kubeconfig && { kubeconfig: opts.kubeconfig }), ...(opts.context && { context: opts.context }), ...(opts.namespace && { namespace: opts.namespace }), ...(opts.env && { environment: opts.env }), env: io.env, homeDir: io.env['HOME'] ?? homedir(), cwd: io.cwd });
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const { deleteProject } = await import('../k8s/cluster/delete.js');
  const emit = rendererFor(opts, io, Object.keys(project.services));
  const interrupts = watchInterrupts();
  try {
    const result = await deleteProject(KubernetesObjectApi.makeApiClient(target.kc), target.namespace, target.selector, emit, { timeoutMs: 120_000, signal: interrupts.signal });
    const what = result.deleted.length === 0 && !result.namespaceDeleted ? 'nothing to delete' : `deleted ${result.deleted.length} object${result.deleted.length === 1 ? '' : 's'}${result.namespaceDeleted ? ` and the namespace ${target.namespace}` : ''}`;
    emit({ type: 'message', level: 'info', text: `${project.name} on ${target.contextName}/${target.namespace}: ${what}` });
  } finally {
    interrupts.dispose();
  }
}
