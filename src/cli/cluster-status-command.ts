/**
 * The cluster side of `ps` and `logs` (`--context`): the project's workloads with
 * desired/ready/updated/available and their pods' states and reasons; pod logs through the Log API,
 * prefixed by service, following new pods with -f.
 */
import { homedir } from 'node:os';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Project } from '../compose/model.js';
import type { ClusterTarget } from '../k8s/cluster/target.js';
import type { PodLike, WorkloadLike } from '../k8s/cluster/rollout.js';
import { K8S_LABELS } from '../labels.js';
import type { ClusterOptions } from './delete-command.js';
import { untilAborted, watchInterrupts } from './interrupts.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { rendererFor } from './session.js';

async function target(opts: ClusterOptions, io: Io): Promise<{ project: Project; target: ClusterTarget; serviceOf: Map<string, string> }> {
  const { project } = loadFromOptions(opts, io);
  const { clusterTarget } = await import('../k8s/cluster/target.js');
  const t = await clusterTarget({ project, ...(opts.kubeconfig && { kubeconfig: opts.kubeconfig }), ...(opts.context && { context: opts.context }), ...(opts.namespace && { namespace: opts.namespace }), ...(opts.env && { environment: opts.env }), env: io.env, homeDir: io.env['HOME'] ?? homedir(), cwd: io.cwd });
  const { renderProject } = await import('../k8s/render/index.js');
  const rendered = renderProject({ project, images: {}, ...(opts.env && { environment: opts.env }), ...(opts.namespace && { namespace: opts.namespace }) });
  // Objects carry the DNS name of their service; show and filter by the compose name.
  return { project, target: t, serviceOf: new Map(rendered.waves.flat().map((s) => [s.name, s.service])) };
}

const serviceLabel = (labels: Record<string, string> | undefined, serviceOf: Map<string, string>) => {
  const name = labels?.[K8S_LABELS.name] ?? '?';
  return serviceOf.get(name) ?? name;
};

export async function runClusterPs(names: string[], opts: ClusterOptions, io: Io): Promise<void> {
  const { target: t, serviceOf } = await target(opts, io);
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const { podProblem, workloadStatus } = await import('../k8s/cluster/rollout.js');
  const api = KubernetesObjectApi.makeApiClient(t.kc);
  const list = async (apiVersion: string, kind: string) => (await api.list(apiVersion, kind, t.namespace, undefined, undefined, undefined, undefined, t.selector)).items as unknown[];
  const [deployments, statefulSets, pods] = await Promise.all([list('apps/v1', 'Deployment'), list('apps/v1', 'StatefulSet'), list('v1', 'Pod')]);
  const workloads = [...(deployments as WorkloadLike[]).map((w) => ({ ...w, kind: 'Deployment' })), ...(statefulSets as WorkloadLike[]).map((w) => ({ ...w, kind: 'StatefulSet' }))]
    .map((w) => ({ w, service: serviceLabel((w.metadata as { labels?: Record<string, string> }).labels, serviceOf) }))
    .filter(({ service }) => names.length === 0 || names.includes(service))
    .sort((a, b) => a.service.localeCompare(b.service));
  const podRows = (pods as PodLike[])
    .map((p) => ({ p, service: serviceLabel(p.metadata.labels, serviceOf) }))
    .filter(({ service }) => names.length === 0 || names.includes(service))
    .sort((a, b) => a.service.localeCompare(b.service) || a.p.metadata.name.localeCompare(b.p.metadata.name));
  const podState = (p: PodLike) => {
    const problem = podProblem(p);
    const restarts = (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    return { phase: p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Unknown'), ready, restarts, ...(problem && { reason: problem.reason, message: problem.message }) };
  };
  if (opts.json) {
    const out = {
      context: t.contextName,
      namespace: t.namespace,
      workloads: workloads.map(({ w, service }) => {
        const s = workloadStatus(w);
        return { service, kind: w.kind, name: w.metadata.name, desired: s.desired, ready: s.ready, updated: s.updated, available: s.available, status: s.done ? 'ready' : s.failed ? 'failed' : 'progressing', message: s.message };
      }),
      pods: podRows.map(({ p, service }) => ({ service, name: p.metadata.name, ...podState(p) })),
    };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  if (workloads.length === 0) {
    io.stdout(`nothing deployed in ${t.contextName}/${t.namespace}\n`);
    return;
  }
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n') + '\n';
  };
  io.stdout(table([
    ['SERVICE', 'WORKLOAD', 'DESIRED', 'READY', 'UPDATED', 'AVAILABLE', 'STATUS'],
    ...workloads.map(({ w, service }) => {
      const s = workloadStatus(w);
      return [service, `${w.kind.toLowerCase()}/${w.metadata.name}`, String(s.desired), String(s.ready), String(s.updated), String(s.available), s.done ? 'ready' : s.message];
    }),
  ]));
  if (podRows.length > 0) {
    io.stdout('\n' + table([
      ['POD', 'SERVICE', 'STATUS', 'READY', 'RESTARTS', 'REASON'],
      ...podRows.map(({ p, service }) => {
        const s = podState(p);
        return [p.metadata.name, service, s.phase, s.ready ? 'yes' : 'no', String(s.restarts), s.reason ? `${s.reason}: ${s.message}` : ''];
      }),
    ]));
  }
}

export interface ClusterLogsOptions extends ClusterOptions {
  follow?: boolean;
  tail?: string;
  since?: string;
  timestamps?: boolean;
}

/** `--since` as seconds: a duration (10s, 5m, 2h) or a time (RFC 3339 or Unix seconds). */
function sinceSeconds(since: string | undefined, now = Date.now()): number | undefined {
  if (!since) return undefined;
  const d = /^(\d+)(s|m|h)$/.exec(since);
  if (d) return Number(d[1]) * { s: 1, m: 60, h: 3600 }[d[2] as 's' | 'm' | 'h'];
  const t = /^\d+$/.test(since) ? Number(since) * 1000 : Date.parse(since);
  if (Number.isNaN(t)) return undefined;
  return Math.max(1, Math.round((now - t) / 1000));
}

export async function runClusterLogs(names: string[], opts: ClusterLogsOptions, io: Io): Promise<void> {
  const { project, target: t, serviceOf } = await target(opts, io);
  const unknown = names.filter((n) => !(n in project.services));
  if (unknown.length > 0) {
    const { UserError } = await import('../errors.js');
    throw new UserError(`no such service: ${unknown.join(', ')}`, [`Services: ${Object.keys(project.services).join(', ')}`]);
  }
  const { KubernetesObjectApi, Log } = await import('@kubernetes/client-node');
  const { NamespaceCache } = await import('../k8s/cluster/namespace-cache.js');
  const emit = rendererFor(opts, io, names.length > 0 ? names : Object.keys(project.services));
  const interrupts = watchInterrupts();
  const api = KubernetesObjectApi.makeApiClient(t.kc);
  const log = new Log(t.kc);
  const tail = opts.tail && opts.tail !== 'all' ? Number(opts.tail) : undefined;
  const since = sinceSeconds(opts.since);
  const started = new Set<string>();
  let failed = 0;
  const streams: Promise<void>[] = [];
  const follow = (pod: PodLike) => {
    const service = serviceLabel(pod.metadata.labels, serviceOf);
    if (names.length > 0 && !names.includes(service)) return;
    for (const c of pod.spec?.containers ?? []) {
      const key = `${pod.metadata.name}/${c.name}`;
      if (started.has(key)) continue;
      started.add(key);
      const container = (pod.spec?.containers?.length ?? 0) > 1 ? `${pod.metadata.name}/${c.name}` : pod.metadata.name;
      const out = new PassThrough();
      const lines = createInterface(out);
      lines.on('line', (line) => {
        const m = opts.timestamps ? /^(\S+) (.*)$/.exec(line) : null;
        emit({ type: 'log', service, container, stream: 'stdout', line: m ? m[2]! : line, ...(m && { time: m[1]! }) });
      });
      streams.push(
        new Promise<void>((resolve) => {
          const done = (error: unknown) => {
            if (error && !interrupts.signal.aborted) {
              failed++;
              emit({ type: 'message', level: 'warn', text: `${service}: no logs from ${container}: ${logErrorText(error, t.namespace)}` });
            }
            out.end();
            resolve();
          };
          log
            .log(t.namespace, pod.metadata.name, c.name, out, done, { follow: opts.follow === true, ...(tail !== undefined && { tailLines: tail }), ...(since !== undefined && { sinceSeconds: since }), timestamps: opts.timestamps === true })
            .then((controller) => interrupts.signal.addEventListener('abort', () => controller.abort(), { once: true }), done);
        }),
      );
    }
  };
  const cache = new NamespaceCache(t.kc, api, t.namespace, t.selector, (text) => emit({ type: 'message', level: 'warn', text }));
  try {
    await cache.start();
    const running = () => cache.pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Pending');
    running().forEach(follow);
    if (opts.follow) {
      cache.onChange(() => running().forEach(follow));
      await untilAborted(interrupts.signal);
    } else {
      cache.stop();
      await Promise.all(streams);
      const what = `${project.name}${names.length > 0 ? ` (${names.join(', ')})` : ''} in ${t.contextName}/${t.namespace}`;
      if (streams.length === 0) {
        const { whereFlags } = await import('../k8s/cluster/target.js');
        io.stderr(`no running pods of ${what}: see devspace ps ${whereFlags({ contextName: t.contextName, namespace: t.namespace, ...(opts.kubeconfig && { kubeconfig: opts.kubeconfig }), ...(opts.env && { environment: opts.env }) })}, or deploy first\n`);
      }
      else if (failed === streams.length) {
        const { UserError } = await import('../errors.js');
        throw new UserError(`no logs could be read from ${streams.length === 1 ? 'the container' : `any of the ${streams.length} containers`} of ${what}`, ['The reasons are above, one line each. kubectl logs reads the same API (pods/log).']);
      }
    }
  } finally {
    cache.stop();
    interrupts.dispose();
  }
}

/**
 * Why the Log API gave no log, in one line. client-node reads the answer's body only for HTTP 500,
 * so a 404 (the pod is gone, or its node serves no logs: virtual nodes such as kwok's run no
 * containers) arrives with headers and no message; say what it means instead of dumping it.
 */
export function logErrorText(error: unknown, namespace: string): string {
  const code = typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : undefined;
  const body = (error as { body?: unknown })?.body;
  const said = typeof body === 'string' ? body : typeof (body as { message?: unknown })?.message === 'string' ? (body as { message: string }).message : undefined;
  if (said) return `${said.split('\n')[0]}${code ? ` (HTTP ${code})` : ''}`;
  if (code === 404) return 'the cluster has none for it (HTTP 404: the pod is gone, or its node serves no logs, as virtual nodes such as kwok do not)';
  if (code === 403) return `your user may not read pods/log in ${namespace} (HTTP 403)`;
  if (code !== undefined) return `the API server answered HTTP ${code}`;
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}
