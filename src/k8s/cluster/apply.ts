/**
 * Server-side apply (field manager `devspace`) through client-node's KubernetesObjectApi. Whether
 * an object was created, configured or left unchanged is decided by its resourceVersion before
 * and after: the API server does not bump it for an apply that changes nothing, which is what
 * makes a no-change redeploy cheap (and checkable: same resourceVersions).
 */
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { UserError } from '../../errors.js';
import type { K8sObjectAction } from '../../events.js';
import type { K8sObject } from '../manifest.js';
import { errorCode, errorStatus } from './api-error.js';

export const FIELD_MANAGER = 'devspace';

/** What we knew of an object before applying it: its resourceVersion, or that it did not exist. */
export type Before = { resourceVersion: string } | 'absent' | 'unknown';

export interface Applied {
  object: K8sObject;
  action: Exclude<K8sObjectAction, 'pruned' | 'deleted' | 'conflict'>;
}

/**
 * created/configured/unchanged from the resourceVersions. `unknown` (we did not list the object
 * first: it carried none of our labels) is decided by its managers: only us means we created it.
 */
export function applyOutcome(before: Before, after: K8sObject): Applied['action'] {
  const rv = after.metadata.resourceVersion as string | undefined;
  if (before === 'absent') return 'created';
  if (before === 'unknown') {
    const managers = ((after.metadata.managedFields as { manager?: string }[] | undefined) ?? []).map((m) => m.manager);
    return managers.length > 0 && managers.every((m) => m === FIELD_MANAGER) ? 'created' : 'configured';
  }
  return before.resourceVersion === rv ? 'unchanged' : 'configured';
}

/** One field conflict of a 409 answer: the field path, the manager that owns it, and the subresource it set it through. */
export interface FieldConflict {
  field: string;
  manager: string;
  /** e.g. `scale`: set through /scale (kubectl scale, an autoscaler), not by an apply or edit of the object. */
  subresource?: string;
}

/**
 * The conflicts of a 409 apply answer. The API server says them in `details.causes`
 * (`reason: FieldManagerConflict`, `message: conflict with "kubectl" using apps/v1`, `field: .spec.replicas`).
 */
export function parseConflicts(body: unknown): FieldConflict[] {
  const status = typeof body === 'string' ? safeJson(body) : body;
  const causes = ((status as { details?: { causes?: { reason?: string; message?: string; field?: string }[] } } | undefined)?.details?.causes) ?? [];
  return causes
    .filter((c) => c.reason === 'FieldManagerConflict' || (c.message ?? '').startsWith('conflict with'))
    .map((c) => {
      const subresource = /with subresource "([^"]+)"/.exec(c.message ?? '')?.[1];
      return { field: c.field ?? '?', manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '?', ...(subresource && { subresource }) };
    });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function conflictError(object: K8sObject, conflicts: FieldConflict[]): UserError {
  const what = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  const list = conflicts.map((c) => `${c.field} (owned by "${c.manager}"${c.subresource ? ` through its ${c.subresource} subresource` : ''})`).join(', ');
  const scaled = conflicts.some((c) => c.subresource === 'scale');
  return new UserError(`cannot apply ${what}: ${list || 'fields'} ${conflicts.length === 1 ? 'is' : 'are'} managed by another field manager`, [
    `Someone changed ${conflicts.length === 1 ? 'this field' : 'these fields'} with another tool (${scaled ? 'kubectl scale or an autoscaler' : 'kubectl edit/set/apply, a controller'}).`,
    `Run again with --force-conflicts to take ${conflicts.length === 1 ? 'it' : 'them'} over, or remove ${conflicts.length === 1 ? 'it' : 'them'} from the other tool's configuration.`,
    ...(scaled ? ['To change the number of replicas with devspace: deploy.replicas in the compose file, or devspace scale SERVICE=N.'] : []),
  ]);
}

export interface ApplyOptions {
  force: boolean;
  signal?: AbortSignal;
}

/** Applies one object (creating it if missing) and says what happened. */
export async function applyObject(api: KubernetesObjectApi, object: K8sObject, before: Before, options: ApplyOptions): Promise<Applied> {
  options.signal?.throwIfAborted();
  try {
    // The library's patch() runs the body through its typed serializer (V1Deployment, …), which keeps
    // only the fields its models know: apply.test.ts checks that every rendered field gets through.
    const after = (await api.patch(object as KubernetesObject, undefined, undefined, FIELD_MANAGER, options.force, PatchStrategy.ServerSideApply)) as unknown as K8sObject;
    return { object: after, action: applyOutcome(before, after) };
  } catch (error) {
    // A 409 without field conflicts (an object being replaced, an optimistic-lock clash) is not one --force-conflicts settles.
    const conflicts = errorCode(error) === 409 ? parseConflicts(errorStatus(error)) : [];
    if (conflicts.length > 0) throw conflictError(object, conflicts);
    throw applyError(object, error);
  }
}

/** A rejected apply (422 invalid, 403 forbidden, …) as a UserError naming the object and the server's reason. */
export function applyError(object: K8sObject, error: unknown): Error {
  const code = errorCode(error);
  const what = `${object.kind} ${object.metadata.name}`;
  const namespace = object.metadata.namespace;
  // client-node's own words when discovery does not list the kind: the cluster does not serve it.
  if (code === undefined && error instanceof Error && error.message.startsWith('Unrecognized API version and kind')) {
    return new UserError(`cannot apply ${what}: this cluster does not serve ${object.apiVersion} ${object.kind}`, ['The cluster is probably older than this manifest needs; `kubectl api-resources` lists what it serves.']);
  }
  if (code === undefined) return error as Error;
  const message = (errorStatus(error) as { message?: string } | undefined)?.message ?? `HTTP ${code}`;
  let hint: string[] = [];
  if (/because it is being terminated/.test(message)) {
    hint = [`Namespace ${namespace ?? ''} is being deleted: wait until \`kubectl get namespace ${namespace ?? ''}\` says NotFound, then deploy again.`];
  } else if (code === 403) hint = ['Your user may not change this kind of object in this namespace (RBAC); ask for access or use another context.'];
  else if (code === 422) hint = ['The API server rejected the manifest; `devspace render` shows what was sent.'];
  else if (code === 409) hint = ['Something else changed it at the same moment; run the command again.'];
  else if (code === 404 && /^namespaces? "[^"]+" not found/.test(message)) hint = [`Namespace ${namespace ?? ''} does not exist (any more): deploy again to create it.`];
  else if (code === 404) hint = [`This cluster does not serve ${object.apiVersion} ${object.kind}; \`kubectl api-resources\` lists what it serves.`];
  return new UserError(`cannot apply ${what}: ${message}`, hint);
}
