/**
 * Where the cluster-side commands (delete, scale, ps/logs --context) act: the kubeconfig context
 * and the namespace rendering would choose (-n > environment > x-devspace > project name), so they
 * find exactly what `deploy` applied.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Project } from '../../compose/model.js';
import { projectSettings } from '../../compose/x-devspace.js';
import { UserError } from '../../errors.js';
import { k8sProjectSelector } from '../../labels.js';
import { shellQuote } from '../render/container.js';
import { loadKubeconfig } from './kubeconfig.js';

export interface ClusterTargetChoice {
  project: Project;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  environment?: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  cwd: string;
}

export interface ClusterTarget {
  kc: KubeConfig;
  contextName: string;
  namespace: string;
  selector: string;
}

export async function clusterTarget(choice: ClusterTargetChoice): Promise<ClusterTarget> {
  const environments = projectSettings(choice.project)?.environments ?? {};
  if (choice.environment !== undefined && !(choice.environment in environments)) {
    const known = Object.keys(environments);
    throw new UserError(`no environment "${choice.environment}" in x-devspace.environments`, [known.length > 0 ? `Environments: ${known.join(', ')}` : 'Define one under x-devspace.environments.']);
  }
  const { kc, contextName } = loadKubeconfig({ ...choice });
  const { renderProject } = await import('../render/index.js');
  const rendered = renderProject({ project: choice.project, images: {}, ...(choice.environment && { environment: choice.environment }), ...(choice.namespace && { namespace: choice.namespace }) });
  return { kc, contextName, namespace: rendered.namespace, selector: k8sProjectSelector(rendered.project, rendered.environment) };
}

/** Pure: the flags that reach this cluster and namespace again, for commands a failure suggests (`--context c -n ns`). */
export function whereFlags(input: { contextName: string; namespace: string; kubeconfig?: string; environment?: string }): string {
  return [
    `--context ${shellQuote(input.contextName)}`,
    ...(input.kubeconfig ? [`--kubeconfig ${shellQuote(input.kubeconfig)}`] : []),
    ...(input.environment ? [`--env ${shellQuote(input.environment)}`] : []),
    `-n ${shellQuote(input.namespace)}`,
  ].join(' ');
}
