/**
 * `devspace delete`: everything of the project in the namespace, found by our labels (every kind we
 * render, PVCs included), then the Namespace itself when devspace created it (it carries our
 * managed-by label) and nothing is left in it that is not ours: another project deployed into the
 * same `-n`, or what someone added by hand, keeps it (and a warning says so).
 * Waits until the objects — and the pods and ReplicaSets their controllers made — are gone.
 */
import type { KubernetesObjectApi } from '@kubernetes/client-node';
import type { Emit } from '../../events.js';
import { MANAGED_BY, K8S_LABELS } from '../../labels.js';
import type { K8sObject } from '../manifest.js';
import { errorCode, isNotFound } from './api-error.js';
import { deleteObject, listKinds, listOurs, nothingIfAbsentOrForbidden, RENDERED_KINDS } from './prune.js';

export interface DeleteResult {
  deleted: K8sObject[];
  namespaceDeleted: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts what still carries the selector: our kinds plus pods and ReplicaSets. */
async function remaining(api: KubernetesObjectApi, namespace: string, selector: string): Promise<number> {
  const ours = await listOurs(api, namespace, selector);
  const more = await Promise.all(
    [
      ['v1', 'Pod'],
      ['apps/v1', 'ReplicaSet'],
    ].map(async ([apiVersion, kind]) => {
      try {
        return (await api.list(apiVersion!, kind!, namespace, undefined, undefined, undefined, undefined, selector)).items.length;
      } catch (error) {
        if (isNotFound(error)) return 0;
        throw error;
      }
    }),
  );
  return ours.size + more.reduce((a, b) => a + b, 0);
}

export async function deleteProject(api: KubernetesObjectApi, namespace: string, selector: string, emit: Emit, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DeleteResult> {
  const existing = [...(await listOurs(api, namespace, selector)).values()];
  const deleted: K8sObject[] = [];
  await Promise.all(
    existing.map(async (o) => {
      if (await deleteObject(api, { ...o, metadata: { ...o.metadata, namespace } })) {
        deleted.push(o);
        emit({ type: 'k8s-object', kind: o.kind, name: o.metadata.name, namespace, action: 'deleted' });
      }
    }),
  );
  let namespaceDeleted = false;
  let ns: K8sObject | undefined;
  try {
    ns = (await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })) as unknown as K8sObject;
  } catch (error) {
    // 403: a user with rights inside the namespace only; the Namespace is not ours to remove.
    if (!isNotFound(error) && errorCode(error) !== 403) throw error;
  }
  if (ns && ns.metadata.labels?.[K8S_LABELS.managedBy] === MANAGED_BY) {
    const others = othersIn(await listKinds(api, namespace, NAMESPACE_KINDS, undefined, nothingIfAbsentOrForbidden), selector);
    if (others.length === 0) {
      namespaceDeleted = await deleteObject(api, ns);
      if (namespaceDeleted) emit({ type: 'k8s-object', kind: 'Namespace', name: namespace, action: 'deleted' });
    } else {
      const some = others.slice(0, 3).map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}${o.metadata.labels?.[K8S_LABELS.project] ? ` (project ${o.metadata.labels[K8S_LABELS.project]})` : ''}`);
      emit({ type: 'message', level: 'warn', text: `namespace ${namespace} kept: it holds ${others.length} object${others.length === 1 ? '' : 's'} that ${others.length === 1 ? 'is' : 'are'} not this project's: ${some.join(', ')}${others.length > 3 ? ', …' : ''}` });
    }
  }
  // Bounded wait until the garbage collector (or the namespace controller) has removed it all.
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const left = namespaceDeleted ? await namespaceLeft(api, namespace) : await remaining(api, namespace, selector);
    if (left === 0) break;
    if (Date.now() > deadline) {
      emit({ type: 'message', level: 'warn', text: `${left} object${left === 1 ? ' is' : 's are'} still being removed in ${namespace} after ${Math.round(options.timeoutMs / 1000)} s` });
      break;
    }
    await sleep(250);
  }
  return { deleted, namespaceDeleted };
}

async function namespaceLeft(api: KubernetesObjectApi, namespace: string): Promise<number> {
  try {
    await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    return 1;
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
}

/** Kinds looked at before removing a namespace: what we render, plus what people commonly add by hand. */
const NAMESPACE_KINDS: { apiVersion: string; kind: string }[] = [
  ...RENDERED_KINDS,
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'v1', kind: 'ResourceQuota' },
  { apiVersion: 'v1', kind: 'LimitRange' },
];

/**
 * Pure: the objects in a namespace that are neither the project's (all labels of `selector`) nor
 * what Kubernetes puts into every namespace (the kube-root-ca.crt ConfigMap, the default
 * ServiceAccount and its legacy token Secrets, system: RBAC objects).
 */
export function othersIn(objects: K8sObject[], selector: string): K8sObject[] {
  const wanted = selector.split(',').map((pair) => pair.split('=') as [string, string]);
  return objects.filter((o) => {
    const labels = (o.metadata.labels ?? {}) as Record<string, string>;
    if (wanted.every(([k, v]) => labels[k] === v)) return false;
    const name = o.metadata.name;
    if (o.kind === 'ConfigMap' && name === 'kube-root-ca.crt') return false;
    if (o.kind === 'ServiceAccount' && name === 'default') return false;
    if (o.kind === 'Secret' && (o as { type?: string }).type === 'kubernetes.io/service-account-token') return false;
    if ((o.kind === 'Role' || o.kind === 'RoleBinding') && name.startsWith('system:')) return false;
    return true;
  });
}
