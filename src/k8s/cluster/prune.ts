/**
 * Pruning: what carries our labels (k8sProjectSelector), is of a kind we render, and is no longer
 * rendered, is deleted. PersistentVolumeClaims are never pruned (they hold data, and a
 * StatefulSet's claims carry our labels without being rendered themselves): they are reported and
 * left for `devspace delete`. Objects owned by another object (ownerReferences) are its
 * controller's business, not ours.
 */
import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { UserError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { K8sObject } from '../manifest.js';
import { errorCode, errorMessage, isNotFound } from './api-error.js';

/** The namespaced kinds rendering produces (PVCs last: see above). */
export const RENDERED_KINDS: { apiVersion: string; kind: string; resource: string }[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps' },
  { apiVersion: 'v1', kind: 'Secret', resource: 'secrets' },
  { apiVersion: 'v1', kind: 'Service', resource: 'services' },
  { apiVersion: 'apps/v1', kind: 'Deployment', resource: 'deployments' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', resource: 'statefulsets' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', resource: 'ingresses' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims' },
];

/** The API resource of a kind (`Ingress` → `ingresses`), as RBAC and kubectl name it. */
const resourceOf = (kind: string) => RENDERED_KINDS.find((k) => k.kind === kind)?.resource ?? `${kind.toLowerCase()}s`;

export const objectKey = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;

export interface ListOptions {
  /**
   * Kinds that may be skipped when the user may not list them (RBAC, 403): a deploy whose project
   * renders none of that kind has applied none with this user, so it prunes the rest and says what
   * it could not look at. Any other 403 is a UserError naming the permission (the default: `delete`
   * must see everything it removes).
   */
  skippable?: (kind: string) => boolean;
  emit?: Emit;
}

/** A 403 as the user's to fix: which verb on which resource in which namespace, in the API server's words. */
export function forbidden(verb: string, kind: string, namespace: string, error: unknown, why: string): UserError {
  const resource = resourceOf(kind);
  // A Namespace itself is cluster-scoped: no "in namespace" there.
  return new UserError(`cannot ${verb} ${resource}${namespace ? ` in namespace ${namespace}` : ''}: ${errorMessage(error)}`, [
    why,
    `Ask for the permission (check with: kubectl auth can-i ${verb} ${resource}${namespace ? ` -n ${namespace}` : ''}), or use another context or namespace.`,
  ]);
}

/**
 * Lists the objects of `kinds` in the namespace (only those matching `selector`, when given), in
 * parallel, each stamped with its apiVersion and kind (list items carry neither). When a kind's
 * list fails, `onError` returns what to use instead or throws.
 */
export async function listKinds(
  api: KubernetesObjectApi,
  namespace: string,
  kinds: readonly { apiVersion: string; kind: string }[],
  selector: string | undefined,
  onError: (kind: string, error: unknown) => K8sObject[],
): Promise<K8sObject[]> {
  const lists = await Promise.all(
    kinds.map(async ({ apiVersion, kind }) => {
      try {
        const list = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
        return list.items.map((item) => ({ ...(item as unknown as K8sObject), apiVersion, kind }));
      } catch (error) {
        return onError(kind, error);
      }
    }),
  );
  return lists.flat();
}

/** For listKinds: a kind the server does not serve (or no namespace yet) or the user may not list holds nothing for us. */
export function nothingIfAbsentOrForbidden(_kind: string, error: unknown): K8sObject[] {
  if (isNotFound(error) || errorCode(error) === 403) return [];
  throw error;
}

/** Lists the project's objects of every rendered kind in the namespace (by label), keyed by kind/name. */
export async function listOurs(api: KubernetesObjectApi, namespace: string, selector: string, options: ListOptions = {}): Promise<Map<string, K8sObject>> {
  const objects = await listKinds(api, namespace, RENDERED_KINDS, selector, (kind, error) => {
    if (isNotFound(error)) return []; // the namespace does not exist yet
    if (errorCode(error) === 403) {
      if (options.skippable?.(kind)) {
        options.emit?.({ type: 'message', level: 'warn', text: `your user may not list ${resourceOf(kind)} in namespace ${namespace}: any that devspace applied there before are not pruned` });
        return [];
      }
      throw forbidden('list', kind, namespace, error, 'devspace lists what it applied before (by its labels) to tell created from changed and to prune or delete what is no longer in the compose file.');
    }
    throw error;
  });
  return new Map(objects.map((o) => [objectKey(o), o]));
}

/**
 * Pure: which of the existing objects pruning deletes, and which PVCs it keeps (and says so). The
 * claims a rendered StatefulSet's controller made from its volumeClaimTemplates
 * (`<template>-<statefulset>-<ordinal>`, labelled as ours) are still in use: neither.
 */
export function pruneCandidates(existing: Iterable<K8sObject>, rendered: Iterable<K8sObject>): { remove: K8sObject[]; keptClaims: K8sObject[] } {
  const renderedList = [...rendered];
  const wanted = new Set(renderedList.map(objectKey));
  const claimPrefixes = renderedList
    .filter((o) => o.kind === 'StatefulSet')
    .flatMap((sts) => ((sts.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates ?? []).map((t) => `${t.metadata?.name ?? ''}-${sts.metadata.name}-`));
  const templated = (name: string) => claimPrefixes.some((prefix) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)));
  const remove: K8sObject[] = [];
  const keptClaims: K8sObject[] = [];
  for (const o of existing) {
    if (wanted.has(objectKey(o))) continue;
    if (((o.metadata.ownerReferences as unknown[] | undefined) ?? []).length > 0) continue;
    if (o.kind === 'PersistentVolumeClaim') {
      if (!templated(o.metadata.name)) keptClaims.push(o);
    } else remove.push(o);
  }
  return { remove, keptClaims };
}

/** Deletes one object (gone already is fine), letting the garbage collector take its dependents. */
export async function deleteObject(api: KubernetesObjectApi, o: K8sObject): Promise<boolean> {
  try {
    await api.delete({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, ...(o.metadata.namespace && { namespace: o.metadata.namespace }) } } as KubernetesObject, undefined, undefined, undefined, undefined, 'Background');
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    if (errorCode(error) === 403) throw forbidden('delete', o.kind, o.metadata.namespace ?? '', error, `devspace applied ${o.kind} ${o.metadata.name} before and it is no longer in the compose file (or devspace delete was asked to remove it).`);
    throw error;
  }
}

export async function prune(api: KubernetesObjectApi, existing: Iterable<K8sObject>, rendered: K8sObject[], namespace: string, emit: Emit): Promise<K8sObject[]> {
  const { remove, keptClaims } = pruneCandidates(existing, rendered);
  await Promise.all(
    remove.map(async (o) => {
      if (await deleteObject(api, { ...o, metadata: { ...o.metadata, namespace } })) emit({ type: 'k8s-object', kind: o.kind, name: o.metadata.name, namespace, action: 'pruned' });
    }),
  );
  for (const c of keptClaims) {
    emit({ type: 'message', level: 'warn', text: `PersistentVolumeClaim ${c.metadata.name} is no longer rendered; kept with its data (devspace delete removes it)` });
  }
  return remove;
}
