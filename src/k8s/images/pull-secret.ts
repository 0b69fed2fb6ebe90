/**
 * The image pull Secret for a registry that needs auth (pure): type kubernetes.io/dockerconfigjson,
 * holding the user's own Docker credentials for that one registry (never the whole config.json),
 * named after the registry and labelled as the project's so `delete` and pruning find it.
 */
import type { Credentials } from '../../registry/credentials.js';
import { authKey } from '../../registry/reference.js';
import type { K8sObject } from '../manifest.js';
import { objectLabels } from '../render/names.js';

export const PULL_SECRET_PREFIX = 'devspace-pull-';

/** `devspace-pull-<registry host, DNS-1123>`, e.g. devspace-pull-ghcr-io, devspace-pull-127-0-0-1-5000. */
export function pullSecretName(registry: string): string {
  const host = registry
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${PULL_SECRET_PREFIX}${host}`.slice(0, 253).replace(/-+$/, '');
}

export interface PullSecretInput {
  /** The registry as pods name it in their images (the dockerconfigjson key). */
  registry: string;
  credentials: Credentials;
  namespace: string;
  project: string;
  environment?: string;
}

/**
 * The Secret, or undefined when the credentials cannot be used by a kubelet: an identity token
 * (a refresh token that only Docker's own login flow exchanges) has no username/password form.
 */
export function pullSecret(input: PullSecretInput): K8sObject | undefined {
  const { credentials } = input;
  if (credentials.password === undefined || credentials.identitytoken !== undefined) return undefined;
  const username = credentials.username ?? '';
  const password = credentials.password;
  // Docker Hub images match the historical index key in kubelet's keyring, as in config.json.
  const key = authKey(input.registry);
  const config = { auths: { [key]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') } } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: pullSecretName(input.registry),
      namespace: input.namespace,
      labels: objectLabels({ project: input.project, ...(input.environment !== undefined && { environment: input.environment }) }),
    },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
  };
}
