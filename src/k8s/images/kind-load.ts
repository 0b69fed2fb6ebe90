/**
 * Loading images into a kind cluster's nodes, as `kind load docker-image` does, without kind:
 * find the node containers, skip every node that already holds an image under the same name and
 * ID, `docker save` what is missing and stream it into `ctr images import` on the nodes that lack
 * it, all nodes at once. Nodes that lack the same set of images share one `docker save` stream.
 * The plan is pure (planLoads); the rest is engine calls.
 */
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Emit } from '../../events.js';
import { parseReference } from '../../registry/reference.js';
import { importArchive, kindNodes, nodeImages, nodeSnapshotter, type KindNode, type NodeImage } from './kind-nodes.js';

export interface LoadImage {
  service: string;
  /** The local tag the pods run (unique per content, so IfNotPresent never runs a stale image). */
  ref: string;
  /** Docker's image ID of that tag. */
  imageId: string;
}

/** One `docker save` of `refs`, imported into each of `nodes`. */
export interface LoadGroup {
  refs: string[];
  nodes: string[];
}

export interface LoadPlan {
  groups: LoadGroup[];
  /** Per service: nodes it will be loaded into, and nodes that already have it. */
  services: Record<string, { load: string[]; present: string[] }>;
}

/** The name containerd stores for a Docker reference (`app:1` → `docker.io/library/app:1`). */
export function containerdName(ref: string): string {
  const r = parseReference(ref);
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : r.digest === undefined ? ':latest' : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** Which node needs which image: a node has an image when it holds its name with the same ID. (pure) */
export function planLoads(images: LoadImage[], nodes: { name: string; images: NodeImage[] }[]): LoadPlan {
  const services: LoadPlan['services'] = {};
  const missingByNode = new Map<string, string[]>();
  for (const node of nodes) {
    const held = new Set(node.images.flatMap((i) => i.repoTags.map((t) => `${t} ${i.id}`)));
    for (const image of images) {
      const entry = (services[image.service] ??= { load: [], present: [] });
      if (held.has(`${containerdName(image.ref)} ${image.imageId}`)) {
        entry.present.push(node.name);
      } else {
        entry.load.push(node.name);
        const missing = missingByNode.get(node.name) ?? [];
        if (!missing.includes(image.ref)) missing.push(image.ref);
        missingByNode.set(node.name, missing);
      }
    }
  }
  const groups = new Map<string, LoadGroup>();
  for (const [node, refs] of missingByNode) {
    const sorted = [...refs].sort();
    const key = sorted.join(' ');
    const group = groups.get(key) ?? { refs: sorted, nodes: [] };
    group.nodes.push(node);
    groups.set(key, group);
  }
  return { groups: [...groups.values()], services };
}

export interface KindLoadInput {
  docker: Docker;
  cluster: string;
  contextName: string;
  images: LoadImage[];
  emit: Emit;
  signal?: AbortSignal;
  now?: () => number;
}

export interface KindLoadResult {
  nodes: string[];
  plan: LoadPlan;
}

export async function loadIntoKind(input: KindLoadInput): Promise<KindLoadResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const { docker, signal } = input;
  const nodes = await kindNodes(docker, input.cluster, input.contextName);
  const byName = new Map<string, KindNode>(nodes.map((n) => [n.name, n]));
  const held = await Promise.all(nodes.map(async (n) => ({ name: n.name, images: await nodeImages(docker, n, signal) })));
  const plan = planLoads(input.images, held);

  const loading = plan.groups.flatMap((g) => g.nodes);
  const snapshotters = new Map(await Promise.all(loading.map(async (n) => [n, await nodeSnapshotter(docker, byName.get(n)!, signal)] as const)));
  const finished = new Map<string, number>();
  await Promise.all(
    plan.groups.map(async (group) => {
      // GET /images/get?names=…: dockerode has it (getImages), its typings do not.
      const save = docker as unknown as { getImages(opts: { names: string[]; abortSignal?: AbortSignal }): Promise<Readable> };
      const archive = await save.getImages({ names: group.refs, ...(signal && { abortSignal: signal }) });
      // One save stream feeds every node of the group, each through its own pipe attached before
      // any data flows (an exec starts later); pipe() paces the stream to the slowest node, so a
      // node that fails is cut loose at once, or it would hold up the others.
      const results = await Promise.allSettled(
        group.nodes.map(async (node) => {
          const copy = archive.pipe(new PassThrough());
          try {
            await importArchive(docker, byName.get(node)!, copy, snapshotters.get(node), signal);
          } catch (error) {
            archive.unpipe(copy);
            copy.resume();
            throw error;
          }
        }),
      );
      archive.destroy();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const ref of group.refs) finished.set(ref, Math.max(finished.get(ref) ?? 0, now()));
    }),
  );

  for (const image of input.images) {
    const entry = plan.services[image.service]!;
    const skipped = entry.load.length === 0;
    input.emit({
      type: 'image-load',
      service: image.service,
      image: image.ref,
      nodes: skipped ? entry.present : entry.load,
      skipped,
      durationMs: (finished.get(image.ref) ?? now()) - started,
    });
  }
  return { nodes: nodes.map((n) => n.name), plan };
}
