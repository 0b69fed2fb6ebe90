/**
 * Is a kubeconfig context a kind cluster, and which one? (pure) kind names its kubeconfig cluster,
 * context and user `kind-<name>` since v0.6 (`KINDClusterKey`); before that the context was
 * `<name>@kind` (Skaffold's `IsKindCluster` and Tilt accept both). The name is what kind puts on
 * its node containers as `io.x-k8s.kind.cluster=<name>`.
 */

/** The label kind puts on every node container of a cluster, with the cluster's name as value. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** kind's own rule for cluster names (pkg/internal/cluster/create: validateName). */
const KIND_NAME = /^[a-z0-9.-]+$/;

/**
 * The kind cluster's name for a context, or undefined when the context is not kind's. `cluster` is
 * the kubeconfig cluster the context points at: kind ≤ 0.5 called it just `kind` (Tilt's rule),
 * which also catches a context the user renamed.
 */
export function kindClusterName(context: string, cluster?: string): string | undefined {
  const modern = /^kind-(.+)$/.exec(context)?.[1];
  if (modern !== undefined && KIND_NAME.test(modern)) return modern;
  const legacy = /^(.+)@kind$/.exec(context)?.[1];
  if (legacy !== undefined && KIND_NAME.test(legacy)) return legacy;
  if (cluster !== undefined && cluster !== context) {
    const fromCluster = /^kind-(.+)$/.exec(cluster)?.[1];
    if (fromCluster !== undefined && KIND_NAME.test(fromCluster)) return fromCluster;
    if (cluster === 'kind') return 'kind';
  }
  return undefined;
}
