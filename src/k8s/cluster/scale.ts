/**
 * `devspace scale front=5`: parses the pairs (pure) and sets spec.replicas by server-side apply with
 * our field manager — our own last applied configuration with the new count, so the other fields we
 * own stay ours (see managed-fields.ts). A deploy applies the compose file's count again.
 *
 * An autoscaled service (a HorizontalPodAutoscaler targets the workload) is different: its manifest
 * has no replicas, so that a deploy keeps what the autoscaler chose. Were `devspace` to own
 * spec.replicas after a scale, the next deploy (which does not mention it) would drop the field and
 * Kubernetes would default it to 1. So the count is applied alone, by the field manager
 * `devspace-scale`, and only within the autoscaler's min..max (outside, it would undo it at once).
 */
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { UserError } from '../../errors.js';
import { K8S_LABELS, MANAGED_BY } from '../../labels.js';
import type { K8sObject } from '../manifest.js';
import { isNotFound } from './api-error.js';
import { applyError, applyObject, FIELD_MANAGER } from './apply.js';
import { appliedBy } from './managed-fields.js';
import { listKinds, nothingIfAbsentOrForbidden } from './prune.js';

export interface ScaleRequest {
  service: string;
  replicas: number;
}

/** `front=5 back=2` → requests; unknown services and counts that are not whole numbers ≥ 0 are UserErrors. */
export function parseScalePairs(pairs: string[], services: string[]): ScaleRequest[] {
  const out: ScaleRequest[] = [];
  for (const pair of pairs) {
    const m = /^([^=]+)=(.*)$/.exec(pair);
    if (!m) throw new UserError(`"${pair}" is not SERVICE=REPLICAS`, ['For example: devspace scale front=5']);
    const [, service, count] = m as unknown as [string, string, string];
    if (!services.includes(service)) throw new UserError(`no such service: ${service}`, [`Services: ${services.join(', ')}`]);
    if (!/^\d+$/.test(count.trim())) throw new UserError(`${service}=${count}: the number of replicas must be a whole number ≥ 0`, ['For example: devspace scale front=5']);
    out.push({ service, replicas: Number(count.trim()) });
  }
  if (out.length === 0) throw new UserError('nothing to scale', ['For example: devspace scale front=5']);
  return out;
}

/** Applies the new replica count to a workload we deployed; returns the applied object (its generation). */
export async function scaleWorkload(api: KubernetesObjectApi, namespace: string, kind: string, name: string, replicas: number, force: boolean): Promise<K8sObject> {
  let live: K8sObject;
  try {
    live = (await api.read({ apiVersion: 'apps/v1', kind, metadata: { name, namespace } })) as unknown as K8sObject;
  } catch (error) {
    if (isNotFound(error)) throw new UserError(`${kind} ${name} does not exist in namespace ${namespace}`, ['Deploy it first: devspace deploy']);
    throw error;
  }
  const ours = appliedBy(live, FIELD_MANAGER);
  if (!ours) throw new UserError(`${kind} ${name} in ${namespace} was not deployed by devspace`, ['Deploy it with devspace deploy, or scale it with the tool that created it.']);
  const body = { ...ours, spec: { ...((ours.spec as object | undefined) ?? {}), replicas } } as K8sObject;
  const { object } = await applyObject(api, body, { resourceVersion: String(live.metadata.resourceVersion) }, { force });
  return object;
}

/** The field manager of the replica count of an autoscaled workload (never `devspace`: see above). */
export const SCALE_FIELD_MANAGER = 'devspace-scale';

export interface Autoscaler {
  name: string;
  min: number;
  max: number;
}

interface HpaLike {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { minReplicas?: number; maxReplicas?: number; scaleTargetRef?: { kind?: string; name?: string } };
}

/** Pure: the autoscaler among `hpas` that targets kind/name (ours first: it carries our managed-by label). */
export function autoscalerOf(hpas: HpaLike[], kind: string, name: string): Autoscaler | undefined {
  const targeting = hpas.filter((h) => h.spec?.scaleTargetRef?.kind === kind && h.spec.scaleTargetRef.name === name);
  const hpa = targeting.find((h) => h.metadata.labels?.[K8S_LABELS.managedBy] === MANAGED_BY) ?? targeting[0];
  return hpa ? { name: hpa.metadata.name, min: hpa.spec?.minReplicas ?? 1, max: hpa.spec?.maxReplicas ?? 1 } : undefined;
}

/** Pure: a count outside the autoscaler's range is a UserError (the autoscaler would undo it at once). */
export function checkAutoscaledCount(service: string, replicas: number, hpa: Autoscaler): void {
  if (replicas >= hpa.min && replicas <= hpa.max) return;
  throw new UserError(`${service} is autoscaled between ${hpa.min} and ${hpa.max} (HorizontalPodAutoscaler ${hpa.name}): it would undo ${service}=${replicas} at once`, [
    `Scale within ${hpa.min}..${hpa.max}, or change x-devspace.autoscale (min, max) in the compose file and run devspace deploy.`,
  ]);
}

/** The autoscalers in the namespace (every one: an autoscaler someone else made counts too). */
export async function listAutoscalers(api: KubernetesObjectApi, namespace: string): Promise<HpaLike[]> {
  // No namespace yet, or a user who may not read autoscalers: scale as if there were none.
  return (await listKinds(api, namespace, [{ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }], undefined, nothingIfAbsentOrForbidden)) as unknown as HpaLike[];
}

/**
 * Sets the replicas of an autoscaled workload: spec.replicas alone, by server-side apply as
 * `devspace-scale`, forced (the autoscaler, through the scale subresource, may own the field).
 * Returns the workload as applied (its generation).
 */
export async function scaleAutoscaled(api: KubernetesObjectApi, namespace: string, kind: string, name: string, replicas: number): Promise<K8sObject> {
  const body = { apiVersion: 'apps/v1', kind, metadata: { name, namespace }, spec: { replicas } };
  try {
    await api.read({ apiVersion: 'apps/v1', kind, metadata: { name, namespace } });
  } catch (error) {
    if (isNotFound(error)) throw new UserError(`${kind} ${name} does not exist in namespace ${namespace}`, ['Deploy it first: devspace deploy']);
    throw error;
  }
  try {
    return (await api.patch(body as KubernetesObject, undefined, undefined, SCALE_FIELD_MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as K8sObject;
  } catch (error) {
    throw applyError(body as K8sObject, error);
  }
}
