/**
 * A cluster's advertised local registry (KEP-1755, "Communicating a local registry"): the
 * ConfigMap `local-registry-hosting` in `kube-public`, whose data keys `localRegistryHosting.vN`
 * each hold a YAML document. Any cluster may carry it (kind's registry recipe, k3d, minikube,
 * Tilt's ctlptl), so it is read on every context, not only on kind. Readers take the highest
 * version they support; v1 says where to push from outside (`host`), where pods name images
 * (`hostFromContainerRuntime`, else `host`) and where to push from inside (`hostFromClusterNetwork`).
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { UserError } from '../../errors.js';

export const LOCAL_REGISTRY_CONFIGMAP = 'local-registry-hosting';
export const LOCAL_REGISTRY_NAMESPACE = 'kube-public';
/** The versions of `localRegistryHosting` this code understands. */
export const SUPPORTED_VERSIONS = [1];

export interface LocalRegistry {
  /** The version the values were read from (`localRegistryHosting.v<version>`). */
  version: number;
  /** host[:port] to push to from this machine. */
  host: string;
  /** host[:port] that pods' image fields use (the container runtime pulls from there). */
  hostFromContainerRuntime: string;
  hostFromClusterNetwork?: string;
  help?: string;
}

const KEY = /^localRegistryHosting\.v(\d+)$/;
const WHERE = `ConfigMap ${LOCAL_REGISTRY_NAMESPACE}/${LOCAL_REGISTRY_CONFIGMAP}`;

/** The advertised registry from the ConfigMap's data, or undefined when no supported version names a host. */
export function parseLocalRegistryHosting(data: Readonly<Record<string, string>> | undefined): LocalRegistry | undefined {
  const versions = Object.keys(data ?? {})
    .map((key) => Number(KEY.exec(key)?.[1]))
    .filter((v) => SUPPORTED_VERSIONS.includes(v))
    .sort((a, b) => b - a);
  const version = versions[0];
  if (version === undefined) return undefined;
  const key = `localRegistryHosting.v${version}`;
  let value: unknown;
  try {
    value = parse(data![key]!);
  } catch (error) {
    throw new UserError(`${WHERE}: ${key} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, [
      `Fix it: kubectl -n ${LOCAL_REGISTRY_NAMESPACE} edit configmap ${LOCAL_REGISTRY_CONFIGMAP}`,
    ]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${WHERE}: ${key} should be a YAML mapping with host:, got ${JSON.stringify(value)}`, [`Fix it: kubectl -n ${LOCAL_REGISTRY_NAMESPACE} edit configmap ${LOCAL_REGISTRY_CONFIGMAP}`]);
  }
  const fields = value as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' && (fields[name] as string).trim() !== '' ? (fields[name] as string).trim() : undefined);
  const host = text('host');
  // Without `host` the cluster advertises a registry we cannot push to (KEP: "host" is how
  // developer tools reach it); treat it as no local registry rather than guess.
  if (host === undefined) return undefined;
  const fromClusterNetwork = text('hostFromClusterNetwork');
  const help = text('help');
  return {
    version,
    host,
    hostFromContainerRuntime: text('hostFromContainerRuntime') ?? host,
    ...(fromClusterNetwork !== undefined && { hostFromClusterNetwork: fromClusterNetwork }),
    ...(help !== undefined && { help }),
  };
}

/**
 * Reads the ConfigMap from the cluster; absent (404) or not readable by this user (403) →
 * undefined. A cluster that does not answer is the user's to fix, said with the context's name.
 */
export async function readLocalRegistry(kc: KubeConfig, contextName: string): Promise<LocalRegistry | undefined> {
  const api = kc.makeApiClient(CoreV1Api);
  let data: Record<string, string> | undefined;
  try {
    data = (await api.readNamespacedConfigMap({ name: LOCAL_REGISTRY_CONFIGMAP, namespace: LOCAL_REGISTRY_NAMESPACE })).data;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 404 || code === 403) return undefined;
    const server = kc.getCluster(kc.getContextObject(contextName)?.cluster ?? '')?.server;
    throw new UserError(`cannot ask the cluster of context ${contextName}${server ? ` (${server})` : ''} for its local registry (${WHERE}): ${apiMessage(error)}`, [
      `Check that the cluster answers: kubectl --context ${contextName} get --raw /readyz`,
    ]);
  }
  return parseLocalRegistryHosting(data);
}

/** The API server's Status message when there is one, else the error's own. */
function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      if (body.trim() !== '') return body.trim().slice(0, 200);
    }
  }
  return (error as Error).message ?? String(error);
}
