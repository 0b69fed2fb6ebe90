/**
 * The pod and its workload: a Deployment per service, or a StatefulSet when x-devspace.workload
 * says so (its named volumes then become volumeClaimTemplates, and a headless Service governs it),
 * plus a HorizontalPodAutoscaler for x-devspace.autoscale.
 */
import { createHash } from 'node:crypto';
import type { K8sObject } from '../manifest.js';
import { container, gracePeriod } from './container.js';
import { serviceMetadata, type RenderContext, type ServiceContext } from './context.js';
import type { EnvPart } from './env.js';
import { childName } from './names.js';
import { headlessName, type ServicePort } from './network.js';
import type { StoragePart } from './storage.js';

type Obj = Record<string, unknown>;

/** The image the wait-for-dependencies initContainers run: small, and its `nc -z` checks a port. */
export const WAIT_IMAGE = 'busybox:1.37';

/** Annotation on the pod template holding a hash of the ConfigMaps and Secrets it reads, so a changed value rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'dev.devspace/config-hash';

export interface WorkloadParts {
  ports: ServicePort[];
  env: EnvPart;
  storage: StoragePart;
  /** Ports of the services this one depends on, for the wait initContainers (undefined: no Service). */
  dependencyPorts: Record<string, { name: string; port: number | undefined }>;
  statefulSet: boolean;
  replicas: number;
  autoscaled: boolean;
}

export function workload(ctx: RenderContext, svc: ServiceContext, parts: WorkloadParts): K8sObject {
  const { spec } = svc;
  const pod: Obj = {};
  const init = waitContainers(ctx, svc, parts);
  if (init.length > 0) pod.initContainers = init;
  pod.containers = [container(ctx, svc, parts.ports, parts.env, parts.storage)];
  const grace = gracePeriod(svc);
  if (grace !== undefined) pod.terminationGracePeriodSeconds = grace;
  const hostAliases = extraHosts(ctx, svc);
  if (hostAliases.length > 0) pod.hostAliases = hostAliases;
  const podSecurity: Obj = {};
  if (spec.sysctls) podSecurity.sysctls = Object.entries(spec.sysctls).map(([name, value]) => ({ name, value }));
  if (spec.group_add) {
    const numeric = spec.group_add.map(String).filter((g) => /^[0-9]+$/.test(g));
    if (numeric.length > 0) podSecurity.supplementalGroups = numeric.map(Number);
    if (numeric.length < spec.group_add.length) ctx.note(svc.service, 'group_add', 'named groups left out: Kubernetes takes numeric group ids');
  }
  if (Object.keys(podSecurity).length > 0) pod.securityContext = podSecurity;
  if (spec.platform !== undefined) {
    const [os, arch] = spec.platform.split('/');
    pod.nodeSelector = { ...(os && { 'kubernetes.io/os': os }), ...(arch && { 'kubernetes.io/arch': arch }) };
  }
  if (ctx.input.imagePullSecrets && ctx.input.imagePullSecrets.length > 0) pod.imagePullSecrets = ctx.input.imagePullSecrets.map((name) => ({ name }));
  if (parts.storage.volumes.length > 0) pod.volumes = parts.storage.volumes;

  const annotations = { ...spec.labels, ...spec.annotations };
  const template = {
    metadata: { labels: { ...svc.labels }, ...(Object.keys(annotations).length > 0 && { annotations }) },
    spec: pod,
  };
  const metadata = serviceMetadata(ctx, svc);
  if (spec.deploy?.labels) metadata.annotations = { ...spec.deploy.labels };
  const replicas = parts.autoscaled ? {} : { replicas: parts.replicas };
  if (parts.statefulSet) {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        serviceName: headlessName(svc),
        ...replicas,
        selector: { matchLabels: { ...svc.selector } },
        template,
        ...(parts.storage.claimTemplates.length > 0 && { volumeClaimTemplates: parts.storage.claimTemplates }),
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      ...replicas,
      selector: { matchLabels: { ...svc.selector } },
      // A ReadWriteOnce claim is mounted on one node: a surge pod elsewhere would hang, so replace instead.
      strategy: parts.storage.rwoClaim ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template,
    },
  };
}

/**
 * x-devspace.wait_for_dependencies: one initContainer per dependency that waits until its
 * Service answers on its first port. Kubernetes itself never orders pods; this is what makes a
 * front end that crashes without its database start cleanly on the first try.
 */
function waitContainers(ctx: RenderContext, svc: ServiceContext, parts: WorkloadParts): Obj[] {
  if (!svc.settings.wait_for_dependencies) return [];
  const out: Obj[] = [];
  for (const dep of Object.keys(svc.spec.depends_on ?? {}).sort()) {
    const target = parts.dependencyPorts[dep];
    if (!target || target.port === undefined) {
      ctx.note(svc.service, `depends_on.${dep}`, `no wait initContainer: "${dep}" has no Service port to wait for (its pods still roll out first)`);
      continue;
    }
    const address = `${target.name} ${target.port}`;
    out.push({
      name: childName('wait-for', dep),
      image: WAIT_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', `until nc -z -w 2 ${address}; do echo "waiting for ${target.name}:${target.port}"; sleep 2; done`],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
    });
  }
  return out;
}

function extraHosts(ctx: RenderContext, svc: ServiceContext): Obj[] {
  const byIp = new Map<string, string[]>();
  for (const entry of svc.spec.extra_hosts ?? []) {
    const at = entry.indexOf('=');
    const host = entry.slice(0, at);
    const ip = entry.slice(at + 1).replace(/^\[|\]$/g, '');
    if (ip === 'host-gateway') {
      ctx.note(svc.service, 'extra_hosts', `${host}=host-gateway left out: there is no Docker host on a cluster`);
      continue;
    }
    byIp.set(ip, [...(byIp.get(ip) ?? []), host]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}

export function autoscaler(ctx: RenderContext, svc: ServiceContext, kind: string, replicas: number): K8sObject | undefined {
  const settings = svc.overlay.autoscale ?? svc.settings.autoscale;
  if (!settings) return undefined;
  const cpuRequest = svc.overlay.resources?.reservations?.cpus ?? svc.spec.deploy?.resources?.reservations?.cpus;
  const cpuLimit = svc.overlay.resources?.limits?.cpus ?? svc.spec.deploy?.resources?.limits?.cpus ?? svc.spec.cpus;
  if (cpuRequest === undefined && cpuLimit === undefined) {
    ctx.note(svc.service, 'x-devspace.autoscale', 'the HorizontalPodAutoscaler measures CPU against the request, and the service sets none: add deploy.resources.reservations.cpus');
  }
  const min = settings.min ?? Math.max(1, replicas);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: serviceMetadata(ctx, svc),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: svc.name },
      minReplicas: min,
      maxReplicas: Math.max(min, settings.max),
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: settings.cpu } } }],
    },
  };
}

/** Stamps each pod template with a hash of the ConfigMaps and Secrets it reads (by envFrom or volume). */
export function stampConfigHashes(objects: K8sObject[]): void {
  const data = new Map<string, unknown>();
  for (const o of objects) {
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') data.set(`${o.kind}/${o.metadata.name}`, [o.data, o.binaryData]);
  }
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const template = (o.spec as { template: { metadata: { annotations?: Record<string, string> }; spec: Obj } }).template;
    const refs = new Set<string>();
    const walk = (value: unknown, key?: string): void => {
      if (Array.isArray(value)) value.forEach((v) => walk(v));
      else if (value && typeof value === 'object') {
        const v = value as Record<string, unknown>;
        if (key === 'configMapRef' || key === 'configMap') refs.add(`ConfigMap/${String(v.name)}`);
        if (key === 'secretRef') refs.add(`Secret/${String(v.name)}`);
        if (key === 'secret') refs.add(`Secret/${String(v.secretName)}`);
        for (const [k, child] of Object.entries(v)) walk(child, k);
      }
    };
    walk(template.spec);
    const used = [...refs].sort().filter((r) => data.has(r));
    if (used.length === 0) continue;
    const hash = createHash('sha256');
    for (const r of used) hash.update(r).update(JSON.stringify(data.get(r)));
    template.metadata.annotations = { ...template.metadata.annotations, [CONFIG_HASH_ANNOTATION]: hash.digest('hex').slice(0, 16) };
  }
}

