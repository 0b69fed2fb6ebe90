/**
 * `--rollback-on-failure`: returns a Deployment to its previous revision the way
 * `kubectl rollout undo` does — the pod template of the ReplicaSet with the next lower revision,
 * without its pod-template-hash label — but applied with our field manager (server-side apply of
 * our own last applied configuration with that template), so the next deploy owns it as before.
 */
import type { AppsV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import type { K8sObject } from '../manifest.js';
import { applyObject, FIELD_MANAGER } from './apply.js';
import { appliedBy } from './managed-fields.js';

const REVISION = 'deployment.kubernetes.io/revision';

interface ReplicaSetWithTemplate {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec?: { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown } };
}

/** Pure: the pod template to return to (the highest revision below the current one), or undefined. */
export function previousTemplate(deployment: { metadata: { name: string; annotations?: Record<string, string> } }, replicaSets: ReplicaSetWithTemplate[]): { revision: number; template: Record<string, unknown> } | undefined {
  const current = Number(deployment.metadata.annotations?.[REVISION] ?? 0);
  const owned = replicaSets
    .filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => o.kind === 'Deployment' && o.name === deployment.metadata.name))
    .map((rs) => ({ rs, revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) }))
    .filter((r) => r.revision > 0 && r.revision < current && r.rs.spec?.template)
    .sort((a, b) => b.revision - a.revision);
  const previous = owned[0];
  if (!previous) return undefined;
  const template = JSON.parse(JSON.stringify(previous.rs.spec!.template)) as { metadata?: { labels?: Record<string, string> } };
  delete template.metadata?.labels?.['pod-template-hash'];
  return { revision: previous.revision, template };
}

/** Applies the previous revision's template; undefined when there is none (a first deploy). */
export async function rollbackDeployment(api: KubernetesObjectApi, apps: AppsV1Api, namespace: string, name: string): Promise<{ revision: number; applied: K8sObject } | undefined> {
  const live = (await apps.readNamespacedDeployment({ name, namespace })) as unknown as K8sObject & { spec: { selector?: { matchLabels?: Record<string, string> } } };
  const selector = Object.entries(live.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
  const previous = previousTemplate(live as never, JSON.parse(JSON.stringify(sets.items)) as ReplicaSetWithTemplate[]);
  if (!previous) return undefined;
  const ours = appliedBy(live, FIELD_MANAGER) ?? { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } };
  const body = { ...ours, spec: { ...((ours.spec as object | undefined) ?? {}), template: previous.template } } as K8sObject;
  // force: the template's fields may be owned by whoever changed them last; this is our rollback.
  const { object } = await applyObject(api, body, 'unknown', { force: true });
  return { revision: previous.revision, applied: object };
}
