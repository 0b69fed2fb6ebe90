/**
 * Applying a rendered project: the Namespace and pull secrets, then each service — its objects by
 * server-side apply, then its workload's rollout, watched — as soon as the services it depends on
 * are ready; the first failure ends the waits (the others report what they last saw); then pruning
 * of what we applied before and no longer render. Images and rendering happen before
 * (src/cli/deploy-command.ts's deployProject); this is the cluster side, given a Rendered.
 */
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { ServiceFailedError, UserError } from '../../errors.js';
import type { Emit } from '../../events.js';
import { K8S_LABELS, k8sProjectSelector, MANAGED_BY } from '../../labels.js';
import type { K8sObject, Rendered, RenderedService } from '../manifest.js';
import { errorCode, isNotFound } from './api-error.js';
import { applyObject, type Applied, type Before } from './apply.js';
import { NamespaceCache } from './namespace-cache.js';
import { listOurs, objectKey, prune } from './prune.js';
import { rollbackDeployment } from './rollback.js';
import { StopWaiting, waitForRollout, type RolloutResult } from './rollout-wait.js';
import { afterDependencies, chainLengths, limiter } from './after-dependencies.js';

export interface ApplyRenderedOptions {
  kc: KubeConfig;
  rendered: Rendered;
  /** Services to deploy (compose names); objects of other services are neither applied nor pruned. */
  services?: string[];
  /** dockerconfigjson Secrets to apply before anything that references them. */
  pullSecrets?: K8sObject[];
  /** Seconds per rollout: --timeout, else x-devspace.kubernetes.timeout; else the workload's progressDeadlineSeconds, else 600. */
  timeoutSeconds?: number;
  rollbackOnFailure: boolean;
  forceConflicts: boolean;
  emit: Emit;
  signal?: AbortSignal;
  /** How the user reached this cluster and namespace (`--context c -n ns`), for the commands a failure suggests. */
  where?: string;
}

export interface DeployOutcome {
  results: RolloutResult[];
  applied: Applied[];
  pruned: K8sObject[];
}

/** Config first: a pod whose ConfigMap or Secret is not there yet fails to start. */
const KIND_ORDER = ['Namespace', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'StatefulSet', 'Deployment', 'Ingress', 'HorizontalPodAutoscaler'];
const PARALLEL = 16;

const sortByKind = (objects: K8sObject[]) => [...objects].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));

export async function applyRendered(options: ApplyRenderedOptions): Promise<DeployOutcome> {
  const { kc, rendered, emit, signal } = options;
  const namespace = rendered.namespace;
  const api = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const selector = k8sProjectSelector(rendered.project, rendered.environment);
  const wanted = options.services ? new Set(options.services) : undefined;
  const services = rendered.waves.flat().filter((s) => !wanted || wanted.has(s.service));
  const serviceNames = new Set(services.map((s) => s.name));
  const objects = rendered.objects.filter((o) => o.kind !== 'Namespace' && (o.metadata.labels?.[K8S_LABELS.name] === undefined || serviceNames.has(o.metadata.labels[K8S_LABELS.name]!)));
  const applied: Applied[] = [];
  // Every apply of this deploy shares one budget of requests in flight, whichever service it is for.
  const limit = limiter(PARALLEL);
  // The services of a long depends_on chain wait for a rollout at each link: their requests go
  // before those of services that only wait for their own.
  const chains = chainLengths(services, (s) => s.service, (s) => s.dependsOn);
  const apply = (o: K8sObject, before: Before, priority = 0) =>
    limit(async () => {
      const result = await applyObject(api, o, before, { force: options.forceConflicts, ...(signal && { signal }) });
      applied.push(result);
      emit({ type: 'k8s-object', kind: o.kind, name: o.metadata.name, ...(o.kind !== 'Namespace' && { namespace }), action: result.action, manager: 'devspace' });
      return result;
    }, priority);

  await applyNamespace(api, rendered, emit, apply);
  // A kind this deploy renders none of (and no pull Secret) may be unlistable for a user with
  // rights in one namespace: warned about (those are not pruned) rather than refused.
  const renders = (kind: string) => objects.some((o) => o.kind === kind) || (kind === 'Secret' && (options.pullSecrets?.length ?? 0) > 0);
  // The rollout watches start while the project's objects are listed: neither needs the other.
  const cache = new NamespaceCache(kc, api, namespace, selector, (text) => emit({ type: 'message', level: 'warn', text }));
  const watching = cache.start();
  let before = new Map<string, K8sObject>();
  const beforeOf = (o: K8sObject): Before => {
    const found = before.get(objectKey(o));
    return found ? { resourceVersion: String(found.metadata.resourceVersion) } : 'unknown';
  };
  try {
    before = await listOurs(api, namespace, selector, { skippable: (kind) => !renders(kind), emit });
    await Promise.all((options.pullSecrets ?? []).map((s) => apply({ ...s, metadata: { ...s.metadata, namespace } }, beforeOf(s))));
    await watching;
  } catch (error) {
    // The watches would keep running, and the process alive.
    cache.stop();
    await watching.catch(() => undefined);
    throw error;
  }
  for (const text of replicaResets(objects, before, services)) emit({ type: 'message', level: 'info', text });

  type Outcome = RolloutResult & { rolledBack?: boolean };
  const results: Outcome[] = [];
  // Ends the rollout waits and starts no more services: the user's Ctrl-C, or the first failure
  // (StopWaiting: the verdict is in, the others resolve with what they last saw instead of holding
  // it to the slowest's deadline).
  const stop = new AbortController();
  const stopOnInterrupt = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', stopOnInterrupt, { once: true });
  if (signal?.aborted) stopOnInterrupt();
  try {
    // Objects of no service (shared volumes, project config) go before any service's.
    const shared: K8sObject[] = [];
    const objectsOf = new Map<string, K8sObject[]>();
    for (const o of objects) {
      const name = o.metadata.labels?.[K8S_LABELS.name];
      if (name === undefined) shared.push(o);
      else objectsOf.set(name, [...(objectsOf.get(name) ?? []), o]);
    }
    await applyInKindOrder(shared, (o) => apply(o, beforeOf(o)));
    const deployService = async (s: RenderedService): Promise<Outcome> => {
      const priority = chains.get(s.service) ?? 0;
      const byKey = new Map((await applyInKindOrder(objectsOf.get(s.name) ?? [], (o) => apply(o, beforeOf(o), priority))).map((a) => [objectKey(a.object), a]));
      const workload = byKey.get(`${s.workload}/${s.name}`)?.object;
      const timeoutSeconds = options.timeoutSeconds ?? ((workload?.spec as { progressDeadlineSeconds?: number } | undefined)?.progressDeadlineSeconds ?? 600);
      const target = { service: s.service, kind: s.workload, name: s.name, minGeneration: Number(workload?.metadata.generation ?? 0), timeoutMs: timeoutSeconds * 1000 };
      const result = await waitForRollout(cache, core, target, emit, stop.signal);
      if (result.state === 'failed' && !stop.signal.aborted) stop.abort(new StopWaiting(`${s.service} failed`));
      if (result.state !== 'failed' || !options.rollbackOnFailure) return result;
      if (s.workload !== 'Deployment') {
        emit({ type: 'message', level: 'warn', text: `${s.service}: --rollback-on-failure returns Deployments only; ${s.workload} ${s.name} is left as it is` });
        return result;
      }
      const back = await rollbackDeployment(api, apps, namespace, s.name);
      if (!back) {
        emit({ type: 'message', level: 'warn', text: `${s.service}: no previous revision to roll back to (first deploy)` });
        return result;
      }
      emit({ type: 'message', level: 'info', text: `${s.service}: rolling back to revision ${back.revision}` });
      const again = await waitForRollout(cache, core, { ...target, minGeneration: Number(back.applied.metadata.generation ?? 0) }, emit, signal, 'rolled-back');
      if (again.state !== 'ready') emit({ type: 'message', level: 'warn', text: `${s.service}: the previous revision did not come back either: ${again.message}` });
      // Still a failed deploy: what was asked for did not come up. The result keeps the first reason.
      return { ...result, rolledBack: again.state === 'ready' };
    };
    // depends_on: each service is applied as soon as the services it depends on are ready, and
    // never waits for an unrelated one (a chain's second service does not wait for a whole wave).
    const scheduled = await afterDependencies({
      items: services,
      key: (s) => s.service,
      dependsOn: (s) => s.dependsOn,
      succeeded: (r: Outcome) => r.state === 'ready',
      signal: stop.signal,
      run: async (s) => {
        try {
          return await deployService(s);
        } catch (error) {
          // An apply that failed (a conflict, a rejected manifest) is the verdict too.
          if (!stop.signal.aborted) stop.abort(new StopWaiting(`${s.service} failed`));
          throw error;
        }
      },
    });
    signal?.throwIfAborted();
    const notDeployed: string[] = [];
    for (const s of services) {
      const outcome = scheduled.get(s.service)!;
      if (outcome.state === 'done') results.push(outcome.result);
      else notDeployed.push(outcome.because.length > 0 ? `${s.service} (waits for ${outcome.because.join(', ')})` : `${s.service} (the deploy stopped first)`);
    }
    const failed = results.filter((r) => r.state === 'failed');
    if (failed.length > 0) {
      const unfinished = results.filter((r) => r.stopped).map((r) => `${r.service} (${r.message})`);
      throw failure(failed, notDeployed, options.rollbackOnFailure, options.where ?? `-n ${namespace}`, unfinished);
    }
  } finally {
    signal?.removeEventListener('abort', stopOnInterrupt);
    cache.stop();
  }
  const pruned = wanted ? [] : await prune(api, before.values(), [...objects, ...(options.pullSecrets ?? [])], namespace, emit);
  return { results, applied, pruned };
}

/**
 * Pure: a line for each workload whose live replica count (e.g. from `devspace scale`) the compose
 * file's count is about to replace, so that a deploy never scales silently. Workloads without
 * replicas in the manifest (autoscaled) keep theirs and are not listed.
 */
export function replicaResets(objects: K8sObject[], before: Map<string, K8sObject>, services: RenderedService[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const wanted = (o.spec as { replicas?: number } | undefined)?.replicas;
    const live = (before.get(objectKey(o))?.spec as { replicas?: number } | undefined)?.replicas;
    if (wanted === undefined || live === undefined || wanted === live) continue;
    const service = services.find((s) => s.name === o.metadata.name && s.workload === o.kind)?.service ?? o.metadata.name;
    out.push(`${service}: ${live} → ${wanted} replica${wanted === 1 ? '' : 's'}, as the compose file says (devspace scale lasts until the next deploy)`);
  }
  return out;
}

async function applyInKindOrder(objects: K8sObject[], fn: (o: K8sObject) => Promise<Applied>): Promise<Applied[]> {
  const sorted = sortByKind(objects);
  // Config kinds first as a group, then the rest: workloads must find their ConfigMaps and Secrets.
  const isConfig = (o: K8sObject) => KIND_ORDER.includes(o.kind) && KIND_ORDER.indexOf(o.kind) <= KIND_ORDER.indexOf('PersistentVolumeClaim');
  const config = await Promise.all(sorted.filter(isConfig).map(fn));
  const rest = await Promise.all(sorted.filter((o) => !isConfig(o)).map(fn));
  return [...config, ...rest];
}

/**
 * The Namespace: applied (with our labels) when it is missing or ours; one that exists without our
 * labels belongs to someone else and is left alone, so `delete` never removes it.
 */
async function applyNamespace(api: KubernetesObjectApi, rendered: Rendered, emit: Emit, apply: (o: K8sObject, before: Before) => Promise<Applied>): Promise<void> {
  const object: K8sObject = rendered.objects.find((o) => o.kind === 'Namespace') ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: rendered.namespace } };
  let live: K8sObject | undefined;
  try {
    live = (await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: rendered.namespace } })) as unknown as K8sObject;
  } catch (error) {
    // A user with rights in the namespace only (a RoleBinding, the usual on a shared cluster) may not
    // read the Namespace object: it is someone else's, and the objects inside are what we apply.
    if (errorCode(error) === 403) {
      emit({ type: 'k8s-object', kind: 'Namespace', name: rendered.namespace, action: 'unchanged' });
      return;
    }
    if (!isNotFound(error)) throw error;
  }
  if (live?.metadata.deletionTimestamp) {
    // What we applied would be deleted with it, and the rollout would wait for nothing.
    throw new UserError(`namespace ${rendered.namespace} is being deleted`, [`Wait until it is gone (kubectl get namespace ${rendered.namespace}), then deploy again; or deploy to another namespace with -n.`]);
  }
  // Ours only when it is this project's (and environment's): another project deployed into the same
  // namespace with -n leaves it to the project that created it.
  const mine = (labels: Record<string, string> | undefined) => labels?.[K8S_LABELS.managedBy] === MANAGED_BY && labels[K8S_LABELS.project] === object.metadata.labels?.[K8S_LABELS.project] && labels[K8S_LABELS.environment] === object.metadata.labels?.[K8S_LABELS.environment];
  if (live && !mine(live.metadata.labels)) {
    emit({ type: 'k8s-object', kind: 'Namespace', name: rendered.namespace, action: 'unchanged' });
    return;
  }
  await apply(object, live ? { resourceVersion: String(live.metadata.resourceVersion) } : 'absent');
}

/** The scheduler's words for a pod whose claim no volume (and no provisioner) can satisfy. */
const UNBOUND_CLAIM = /unbound immediate PersistentVolumeClaims/;

/** Pure: the error of a failed deploy, with what to do next (`where`: the flags that reach the cluster and namespace). */
export function failure(failed: (RolloutResult & { rolledBack?: boolean })[], notDeployed: string[], rollback: boolean, where: string, unfinished: string[] = []): ServiceFailedError {
  // The log tail shown is of a service that has one (a crash loop), not merely the first listed.
  const first = failed.find((r) => (r.logs ?? []).length > 0) ?? failed[0]!;
  const list = failed.map((r) => `${r.service}: ${r.message}${r.rolledBack ? ' (rolled back to the previous revision)' : ''}`).join('; ');
  const steps = [
    ...(notDeployed.length > 0 ? [`Not deployed: ${notDeployed.join('; ')}.`] : []),
    ...(unfinished.length > 0 ? [`Not waited for (still rolling out): ${unfinished.join('; ')}.`] : []),
    ...(failed.some((r) => UNBOUND_CLAIM.test(r.message))
      ? ['A PersistentVolumeClaim is not bound: the cluster has no default StorageClass that provisions volumes, or none of the class asked for. Set x-devspace.storage.class to one that exists (kubectl get storageclass), or create a PersistentVolume for the claim.']
      : []),
    ...(rollback ? [] : ['Run with --rollback-on-failure to return a failed Deployment to its previous revision.']),
    `See the pods: devspace ps ${where}; devspace logs ${where} ${first.service}`,
  ];
  return new ServiceFailedError(`rollout failed: ${list}`, first.service, first.logs ?? [], steps);
}
