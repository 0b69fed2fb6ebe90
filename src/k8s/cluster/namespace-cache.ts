/**
 * What rollout feedback needs to know about a namespace, kept current by watches (list, then watch
 * from the list's resourceVersion; on a closed watch, watch again from the last one seen; on 410
 * Gone, list again): the project's Deployments, StatefulSets, ReplicaSets and Pods, and the
 * namespace's Pod events. Listeners hear of every change within a few milliseconds, batched.
 */
import { Watch, type KubeConfig, type KubernetesObjectApi } from '@kubernetes/client-node';
import { UserError } from '../../errors.js';
import { errorCode } from './api-error.js';
import type { EventLike, PodLike, ReplicaSetLike, WorkloadLike } from './rollout.js';

interface Source {
  apiVersion: string;
  kind: string;
  plural: string;
  labelSelector?: string;
  fieldSelector?: string;
}

type Stored = { metadata: { name: string; uid?: string; resourceVersion?: string } };

/** Events are many and short-lived; rollout feedback needs only the recent ones. */
const MAX_EVENTS = 500;

export class NamespaceCache {
  private readonly stores = new Map<string, Map<string, Stored>>();
  private readonly listeners = new Set<() => void>();
  /** The live watch of each source (one at a time). */
  private readonly controllers = new Map<string, AbortController>();
  private stopped = false;
  private pending: NodeJS.Timeout | undefined;
  private readonly sources: Source[];
  constructor(
    private readonly kc: KubeConfig,
    private readonly api: KubernetesObjectApi,
    readonly namespace: string,
    selector: string,
    /** A watch that fails for good (e.g. 403), said when it happens; rollout waits go on with what the others report. */
    private readonly warn: (text: string) => void = () => {},
  ) {
    this.sources = [
      { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', labelSelector: selector },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', labelSelector: selector },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets', labelSelector: selector },
      { apiVersion: 'v1', kind: 'Pod', plural: 'pods', labelSelector: selector },
      { apiVersion: 'v1', kind: 'Event', plural: 'events', fieldSelector: 'involvedObject.kind=Pod' },
    ];
    for (const s of this.sources) this.stores.set(s.kind, new Map());
  }

  /** Lists everything once and starts the watches; resolves when the first lists are in. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.sources.map((s) => this.run(s)));
    } catch (error) {
      // The other sources' watches would keep running (and the process alive).
      this.stop();
      throw error;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending);
    for (const c of this.controllers.values()) c.abort();
    this.listeners.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  workload(kind: string, name: string): WorkloadLike | undefined {
    return [...this.stores.get(kind)!.values()].find((o) => o.metadata.name === name) as WorkloadLike | undefined;
  }

  get pods(): PodLike[] {
    return [...this.stores.get('Pod')!.values()] as PodLike[];
  }

  get replicaSets(): ReplicaSetLike[] {
    return [...this.stores.get('ReplicaSet')!.values()] as ReplicaSetLike[];
  }

  get events(): EventLike[] {
    return [...this.stores.get('Event')!.values()] as EventLike[];
  }

  private changed(): void {
    // Batch a burst of watch events (a rollout of 50 pods) into one recomputation.
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const l of [...this.listeners]) l();
    }, 10);
  }

  private async list(source: Source): Promise<string> {
    const list = await this.api.list(source.apiVersion, source.kind, this.namespace, undefined, undefined, undefined, source.fieldSelector, source.labelSelector);
    const store = this.stores.get(source.kind)!;
    store.clear();
    for (const item of list.items as unknown as Stored[]) store.set(item.metadata.uid ?? item.metadata.name, item);
    this.trim(source.kind);
    this.changed();
    return list.metadata?.resourceVersion ?? '';
  }

  private trim(kind: string): void {
    if (kind !== 'Event') return;
    const store = this.stores.get(kind)!;
    for (const key of store.keys()) {
      if (store.size <= MAX_EVENTS) break;
      store.delete(key);
    }
  }

  /**
   * list + watch, forever (until stop). Resolves after the first list. A user who may not list pod
   * events (403) gets rollout feedback without them (with a warning); one who may not list the
   * workloads, ReplicaSets or pods cannot follow a rollout at all: a UserError that says which.
   */
  private async run(source: Source): Promise<void> {
    let resourceVersion: string;
    try {
      resourceVersion = await this.list(source);
    } catch (error) {
      if (errorCode(error) !== 403) throw error;
      const what = `your user may not list ${source.plural} in namespace ${this.namespace}`;
      if (source.kind === 'Event') {
        this.warn(`${what}: rollout reports go without the pods' events`);
        return;
      }
      throw new UserError(`cannot follow the rollout: ${what} (HTTP 403)`, [`Ask for get, list and watch on ${source.plural} in ${this.namespace} (the "view" role has them), or use another context.`]);
    }
    const path = `/${source.apiVersion.includes('/') ? 'apis' : 'api'}/${source.apiVersion}/namespaces/${encodeURIComponent(this.namespace)}/${source.plural}`;
    const store = this.stores.get(source.kind)!;
    let failures = 0;
    const watchOnce = async (): Promise<void> => {
      if (this.stopped) return;
      let gone = false;
      const controller = await new Watch(this.kc).watch(
        path,
        { resourceVersion, allowWatchBookmarks: true, labelSelector: source.labelSelector, fieldSelector: source.fieldSelector },
        (type, object: Stored & { code?: number }) => {
          failures = 0;
          if (type === 'ERROR') {
            gone = object.code === 410;
            return;
          }
          if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
          if (type === 'BOOKMARK') return;
          const key = object.metadata.uid ?? object.metadata.name;
          if (type === 'DELETED') store.delete(key);
          else store.set(key, object);
          this.trim(source.kind);
          this.changed();
        },
        (error: unknown) => {
          if (this.stopped) return;
          if (errorCode(error) === 403 || errorCode(error) === 404) {
            this.warn(`cannot watch ${source.plural} in namespace ${this.namespace} (HTTP ${errorCode(error)}): rollout reports go without them`);
            return;
          }
          // A watch ends when the server closes it (its timeout) or the connection drops: resume,
          // with a growing pause only if it keeps failing at once.
          const delay = error ? Math.min(2000, 100 * 2 ** failures++) : 0;
          setTimeout(() => {
            const next = gone || errorCode(error) === 410 ? this.list(source).then((rv) => { resourceVersion = rv; }) : Promise.resolve();
            next.then(watchOnce, () => setTimeout(() => void watchOnce(), 1000));
          }, delay);
        },
      );
      this.controllers.set(source.kind, controller);
      if (this.stopped) controller.abort();
    };
    await watchOnce();
  }
}
