/**
 * The one place that names the labels devspace puts on what it creates. `down`, orphan removal
 * and every cleanup find resources only through these, so nothing that is not ours is touched.
 * The `com.docker.compose.*` pair makes Docker Desktop group our containers like a compose app;
 * we filter on our own `dev.devspace.project`, so a docker-compose project of the same name is
 * never mistaken for ours.
 */
import { createHash } from 'node:crypto';
export const LABELS = {
  project: 'dev.devspace.project',
  service: 'dev.devspace.service',
  /** 1-based replica number of a container. */
  number: 'dev.devspace.container-number',
  /** Config hash of the service (src/compose/hash.ts) the container was created from. */
  configHash: 'dev.devspace.config-hash',
  /** Image ID the container was created from. */
  image: 'dev.devspace.image',
  /** Content digest of the build inputs an image was built from (src/build/digest.ts). */
  buildDigest: 'dev.devspace.build-digest',
  managedBy: 'dev.devspace.managed-by',
  /** Compose's own labels (grouping in Docker Desktop and `docker compose ls`). */
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  composeNumber: 'com.docker.compose.container-number',
  composeOneoff: 'com.docker.compose.oneoff',
  composeNetwork: 'com.docker.compose.network',
  composeVolume: 'com.docker.compose.volume',
} as const;

export const MANAGED_BY = 'devspace';

/** Labels for anything that belongs to a project (networks, volumes, images). */
export function projectLabels(project: string): Record<string, string> {
  return {
    [LABELS.project]: project,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.composeProject]: project,
  };
}

/** Labels for a service's container. */
export function containerLabels(project: string, service: string, number: number, configHash: string, imageId: string): Record<string, string> {
  return {
    ...projectLabels(project),
    [LABELS.service]: service,
    [LABELS.number]: String(number),
    [LABELS.configHash]: configHash,
    [LABELS.image]: imageId,
    [LABELS.composeService]: service,
    [LABELS.composeNumber]: String(number),
    [LABELS.composeOneoff]: 'False',
  };
}

/** A Docker Engine API `filters` value that selects exactly this project's resources. */
export function projectFilter(project: string, service?: string): { label: string[] } {
  const label = [`${LABELS.project}=${project}`];
  if (service !== undefined) label.push(`${LABELS.service}=${service}`);
  return { label };
}

/**
 * Labels of what `deploy` creates on a cluster: the recommended app.kubernetes.io set plus our
 * project (and environment) label, through which `delete` and pruning find our objects. Selectors
 * use only `app.kubernetes.io/name` + `app.kubernetes.io/instance` (stable: a selector is immutable).
 */
export const K8S_LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  project: LABELS.project,
  environment: 'dev.devspace.environment',
} as const;

/**
 * The label selector (`a=b,c=d`) of everything `deploy` applied for a project (and environment):
 * the values as objectLabels (k8s/render/names.ts) wrote them.
 */
export function k8sProjectSelector(project: string, environment?: string): string {
  const parts = [`${K8S_LABELS.managedBy}=${MANAGED_BY}`, `${K8S_LABELS.project}=${labelValue(project)}`];
  if (environment !== undefined) parts.push(`${K8S_LABELS.environment}=${labelValue(environment)}`);
  return parts.join(',');
}

/** A label value: ≤ 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(value: string): string {
  let out = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (out.length > 63) out = `${out.slice(0, 56).replace(/[^A-Za-z0-9]+$/, '')}-${createHash('sha256').update(value).digest('hex').slice(0, 6)}`;
  return out;
}
