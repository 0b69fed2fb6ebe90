/**
 * kind's node containers as the Docker engine sees them, and what their container runtime holds:
 * the nodes are the containers labelled `io.x-k8s.kind.cluster=<name>` (kind's own lookup,
 * `docker ps --filter label=…`); the images a node has come from `crictl images -o json`, whose
 * `id` is the image's config digest — the same value as Docker's image ID, which is how
 * `kind load docker-image` decides to skip a node (it asks `crictl inspecti` image by image; one
 * listing per node asks once for all of a deploy's images).
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { CommandFailedError, UserError } from '../../errors.js';
import { KIND_CLUSTER_LABEL } from './kind-cluster.js';
import { nodeExec } from './node-exec.js';

export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role';

export interface KindNode {
  id: string;
  /** Container name, e.g. dev-control-plane, dev-worker2. */
  name: string;
  role?: string;
}

/** An image in a node's containerd (k8s.io namespace), as the CRI reports it. */
export interface NodeImage {
  /** `sha256:…` of the image config: Docker's image ID. */
  id: string;
  /** Fully qualified names, e.g. docker.io/library/app:1a2b. */
  repoTags: string[];
}

/** The running node containers of a kind cluster, sorted by name. */
export async function kindNodes(docker: Docker, cluster: string, contextName: string): Promise<KindNode[]> {
  const all = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${KIND_CLUSTER_LABEL}=${cluster}`] }) });
  const name = (c: Docker.ContainerInfo) => (c.Names[0] ?? c.Id).replace(/^\//, '');
  const running = all.filter((c) => c.State === 'running');
  if (running.length === 0) {
    const stopped = all.map(name);
    throw new UserError(
      stopped.length > 0
        ? `the kind cluster "${cluster}" (context ${contextName}) has no running node: ${stopped.join(', ')} ${stopped.length === 1 ? 'is' : 'are'} stopped`
        : `context ${contextName} is a kind cluster, but the Docker engine devspace uses has no node containers labelled ${KIND_CLUSTER_LABEL}=${cluster}`,
      stopped.length > 0
        ? [`Start them: docker start ${stopped.join(' ')}`]
        : [
            'Point devspace at the engine that runs the cluster (DOCKER_HOST, --host or the docker context), and check `kind get clusters`.',
            'Or give the cluster a local registry (kind-with-registry.sh), or pass --registry to push the images to a registry the cluster can pull from.',
          ],
    );
  }
  return running
    .map((c) => ({ id: c.Id, name: name(c), ...(c.Labels[KIND_ROLE_LABEL] !== undefined && { role: c.Labels[KIND_ROLE_LABEL] }) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `crictl images -o json` → the images; JSON that says otherwise is a bug of the node, not ours to guess around. */
export function parseCrictlImages(json: string): NodeImage[] {
  const parsed = JSON.parse(json) as { images?: { id?: unknown; repoTags?: unknown }[] | null };
  return (parsed.images ?? [])
    .filter((i): i is { id: string; repoTags?: unknown } => typeof i.id === 'string')
    .map((i) => ({ id: i.id, repoTags: Array.isArray(i.repoTags) ? i.repoTags.filter((t): t is string => typeof t === 'string') : [] }));
}

export async function nodeImages(docker: Docker, node: KindNode, signal?: AbortSignal): Promise<NodeImage[]> {
  const command = ['crictl', 'images', '-o', 'json'];
  const r = await nodeExec(docker, node.id, command, { ...(signal && { signal }) });
  if (r.exitCode !== 0) throw new CommandFailedError(`listing the images on kind node ${node.name} failed`, `docker exec ${node.name} ${command.join(' ')}`, r.exitCode, tail(r));
  try {
    return parseCrictlImages(r.stdout);
  } catch (error) {
    throw new CommandFailedError(`kind node ${node.name} listed its images in a form devspace does not read: ${(error as Error).message}`, `docker exec ${node.name} ${command.join(' ')}`, 0, tail(r));
  }
}

/**
 * The snapshotter the node's CRI unpacks images with, from `containerd config dump` (pure): the
 * `snapshotter` key of `[plugins."io.containerd.grpc.v1.cri".containerd]` (config version 2) or of
 * `[plugins.'io.containerd.cri.v1.images']` (version 3). An import into another snapshotter
 * leaves the image unusable by the kubelet, which is why kind passes it. Read line by line: the
 * two keys are all we need of the TOML.
 */
export function parseSnapshotter(config: string): string | undefined {
  let inSection = false;
  for (const line of config.split('\n')) {
    const header = /^\s*\[(.*)\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!.replace(/["']/g, '').replace(/\s+/g, '');
      inSection = name === 'plugins.io.containerd.grpc.v1.cri.containerd' || name === 'plugins.io.containerd.cri.v1.images';
      continue;
    }
    const value = inSection ? /^\s*snapshotter\s*=\s*["']([^"']+)["']/.exec(line) : null;
    if (value) return value[1];
  }
  return undefined;
}

/** The node's CRI snapshotter; undefined (ctr's default) when the node cannot say. */
export async function nodeSnapshotter(docker: Docker, node: KindNode, signal?: AbortSignal): Promise<string | undefined> {
  const r = await nodeExec(docker, node.id, ['containerd', 'config', 'dump'], { ...(signal && { signal }) });
  return r.exitCode === 0 ? parseSnapshotter(r.stdout) : undefined;
}

/** kind's import command (nodeutils.LoadImageArchive) for a `docker save` stream on stdin. */
export function importCommand(snapshotter: string | undefined): string[] {
  return ['ctr', '--namespace=k8s.io', 'images', 'import', '--all-platforms', '--digests', ...(snapshotter !== undefined ? [`--snapshotter=${snapshotter}`] : []), '-'];
}

export async function importArchive(docker: Docker, node: KindNode, archive: Readable, snapshotter: string | undefined, signal?: AbortSignal): Promise<void> {
  const command = importCommand(snapshotter);
  // kind execs this with --privileged; its node containers are privileged already and an exec
  // starts with the container's capabilities, while an engine that cannot grant them (rootless,
  // some sandboxes) fails a privileged exec outright. So no --privileged here.
  const r = await nodeExec(docker, node.id, command, { stdin: archive, ...(signal && { signal }) });
  if (r.exitCode === 0) return;
  const said = `${r.stderr}\n${r.stdout}`;
  const next = /content digest .* not found/i.test(said)
    ? [
        'This is kind issue #3795: the image archive lacks a platform containerd expects (multi-platform images, or Docker\'s containerd image store).',
        'Build for one platform (platform: in the compose build section), or give the cluster a local registry (kind-with-registry.sh) so devspace pushes instead.',
      ]
    : [`Check the node: docker exec ${node.name} ctr --namespace=k8s.io images ls`];
  const last = tail(r).at(-1);
  throw new CommandFailedError(`loading images into kind node ${node.name} failed${last ? `: ${last}` : ` (exit code ${r.exitCode})`}`, `docker exec -i ${node.name} ${command.join(' ')}`, r.exitCode, tail(r), next);
}

function tail(r: { stdout: string; stderr: string }): string[] {
  return `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => l.trim() !== '').slice(-10);
}
