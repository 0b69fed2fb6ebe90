/**
 * `devspace scale SERVICE=N...`: sets the replicas of deployed services (server-side apply, field
 * manager devspace) and waits for them to roll out.
 */
import { homedir } from 'node:os';
import type { Io } from './main.js';
import { loadFromOptions } from './load-options.js';
import { rendererFor } from './session.js';
import { watchInterrupts } from './interrupts.js';
import type { ClusterOptions } from './delete-command.js';

export interface ScaleOptions extends ClusterOptions {
  timeout?: string;
  forceConflicts?: boolean;
}

export async function runScale(pairs: string[], opts: ScaleOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io);
  const { project } = loaded;
  const { autoscalerOf, checkAutoscaledCount, listAutoscalers, parseScalePairs, scaleAutoscaled, scaleWorkload } = await import('../k8s/cluster/scale.js');
  const requests = parseScalePairs(pairs, Object.keys(project.services));
  const { timeoutSeconds } = await import('./deploy-command.js');
  const seconds = timeoutSeconds(opts.timeout, loaded) ?? 600;
  const { clusterTarget } = await import('../k8s/cluster/target.js');
  const target = await clusterTarget({ project, ...(opts.kubeconfig && { kubeconfig: opts.kubeconfig }), ...(opts.context && { context: opts.context }), ...(opts.namespace && { namespace: opts.namespace }), ...(opts.env && { environment: opts.env }), env: io.env, homeDir: io.env['HOME'] ?? homedir(), cwd: io.cwd });
  const { renderProject } = await import('../k8s/render/index.js');
  const rendered = renderProject({ project, images: {}, ...(opts.env && { environment: opts.env }), ...(opts.namespace && { namespace: opts.namespace }) });
  const byService = new Map(rendered.waves.flat().map((s) => [s.service, s]));
  const { CoreV1Api, KubernetesObjectApi } = await import('@kubernetes/client-node');
  const { NamespaceCache } = await import('../k8s/cluster/namespace-cache.js');
  const { waitForRollout } = await import('../k8s/cluster/rollout-wait.js');
  const { ServiceFailedError } = await import('../errors.js');
  const api = KubernetesObjectApi.makeApiClient(target.kc);
  const core = target.kc.makeApiClient(CoreV1Api);
  const interrupts = watchInterrupts();
  const emit = rendererFor(opts, io, Object.keys(project.services));
  const cache = new NamespaceCache(target.kc, api, target.namespace, target.selector, (text) => emit({ type: 'message', level: 'warn', text }));
  try {
    // Every request is checked before anything changes: a count the autoscaler would undo is an error.
    const hpas = await listAutoscalers(api, target.namespace);
    const plan = requests.map((r) => {
      const s = byService.get(r.service)!;
      const hpa = autoscalerOf(hpas, s.workload, s.name);
      if (hpa) checkAutoscaledCount(r.service, r.replicas, hpa);
      return { r, s, hpa };
    });
    const applied = await Promise.all(
      plan.map(async ({ r, s, hpa }) => {
        if (!hpa) return { r, s, object: await scaleWorkload(api, target.namespace, s.workload, s.name, r.replicas, opts.forceConflicts === true) };
        emit({ type: 'message', level: 'warn', text: `${r.service}: autoscaled between ${hpa.min} and ${hpa.max} by HorizontalPodAutoscaler ${hpa.name}, which may change the count again` });
        return { r, s, object: await scaleAutoscaled(api, target.namespace, s.workload, s.name, r.replicas) };
      }),
    );
    await cache.start();
    const results = await Promise.all(applied.map(({ r, s, object }) => waitForRollout(cache, core, { service: r.service, kind: s.workload, name: s.name, minGeneration: Number(object.metadata.generation ?? 0), timeoutMs: seconds * 1000 }, emit, interrupts.signal)));
    const failed = results.filter((x) => x.state === 'failed');
    if (failed.length > 0) throw new ServiceFailedError(`scale failed: ${failed.map((f) => `${f.service}: ${f.message}`).join('; ')}`, failed[0]!.service, failed[0]!.logs ?? []);
    for (const x of results) emit({ type: 'message', level: 'info', text: `${x.service}: ${x.ready}/${x.desired} ready` });
  } finally {
    cache.stop();
    interrupts.dispose();
  }
}
