/**
 * Compose project → Kubernetes objects, purely: the same input gives the same objects, nothing is
 * read or written here (file contents arrive in input.sources). docs/kubernetes.md is the mapping
 * table; every compose attribute a service sets is either mapped or said in a RenderNote.
 */
import { UserError } from '../../errors.js';
import type { K8sObject, RenderInput, Rendered, RenderedService } from '../manifest.js';
import { projectMetadata, renderContext, serviceContext } from './context.js';
import { environment } from './env.js';
import { ingress, service, servicePorts, type ServicePort } from './network.js';
import { notApplicable } from './not-applicable.js';
import { storage } from './storage.js';
import { dependencyWaves } from './waves.js';
import { autoscaler, stampConfigHashes, workload } from './workload.js';

export { manifestsYaml, SECRET_PLACEHOLDER } from './yaml.js';
export { helmChart } from './helm.js';

/** The order objects are listed (and applied) in: what others refer to comes first. */
const KIND_ORDER = ['Namespace', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'StatefulSet', 'Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler'];

export function renderProject(input: RenderInput): Rendered {
  const ctx = renderContext(input);
  const { project } = ctx;
  const names = Object.keys(project.services);
  const waveNames = dependencyWaves(Object.fromEntries(names.map((s) => [s, Object.keys(project.services[s]!.depends_on ?? {})])));
  const services = waveNames.flat().map((s) => serviceContext(ctx, s));
  const ports = new Map<string, ServicePort[]>(services.map((svc) => [svc.service, servicePorts(ctx, svc)]));

  const objects: K8sObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ctx.namespace, labels: projectMetadata(ctx, ctx.namespace).labels! } }];
  const rendered = new Map<string, RenderedService>();
  const byDnsName = new Map<string, string>();
  for (const svc of services) {
    const clash = byDnsName.get(svc.name);
    if (clash !== undefined) throw new UserError(`services "${clash}" and "${svc.service}" both become "${svc.name}" on Kubernetes`, ['Rename one of them: Kubernetes names are lower-case letters, digits and "-".']);
    byDnsName.set(svc.name, svc.service);
    notApplicable(ctx, svc);
    const statefulSet = svc.settings.workload === 'statefulset';
    const kind = statefulSet ? 'StatefulSet' : 'Deployment';
    const svcPorts = ports.get(svc.service)!;
    const replicas = svc.overlay.replicas ?? svc.spec.deploy?.replicas ?? svc.spec.scale ?? 1;
    const env = environment(ctx, svc);
    const store = storage(ctx, svc, statefulSet);
    const hpa = autoscaler(ctx, svc, kind, replicas);
    const dependencyPorts = Object.fromEntries(Object.keys(svc.spec.depends_on ?? {}).filter((d) => project.services[d]).map((d) => {
      const dep = services.find((s) => s.service === d)!;
      const depPorts = ports.get(d)!;
      return [d, { name: dep.name, port: depPorts[0]?.port }];
    }));
    objects.push(...env.objects, ...store.objects);
    objects.push(workload(ctx, svc, { ports: svcPorts, env, storage: store, dependencyPorts, statefulSet, replicas, autoscaled: hpa !== undefined }));
    objects.push(...service(ctx, svc, svcPorts, statefulSet));
    const ing = ingress(ctx, svc, svcPorts);
    if (ing) objects.push(ing);
    if (hpa) objects.push(hpa);
    rendered.set(svc.service, {
      service: svc.service,
      workload: kind,
      name: svc.name,
      dependsOn: Object.keys(svc.spec.depends_on ?? {}).filter((d) => project.services[d]).sort(),
      replicas: hpa ? (hpa.spec as { minReplicas: number }).minReplicas : replicas,
      image: svc.image,
    });
  }
  const sortedObjects = objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => KIND_ORDER.indexOf(a.o.kind) - KIND_ORDER.indexOf(b.o.kind) || a.i - b.i)
    .map(({ o }) => o);
  checkUniqueNames(sortedObjects);
  stampConfigHashes(sortedObjects);
  return {
    project: project.name,
    namespace: ctx.namespace,
    ...(input.environment !== undefined && { environment: input.environment }),
    objects: sortedObjects,
    waves: waveNames.map((wave) => wave.map((s) => rendered.get(s)!)),
    notes: ctx.notes,
  };
}

function checkUniqueNames(objects: K8sObject[]): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) throw new UserError(`two objects would both be ${key}`, ['Rename the compose service, volume, config or secret whose Kubernetes name clashes.']);
    seen.add(key);
  }
}
