/**
 * ports and expose → a Service named after the compose service, so that `REDIS=back` keeps working
 * through cluster DNS. Each port is the container (target) port: published host ports and host IPs
 * are a laptop concern and are not carried over. x-devspace.ingress → an Ingress in front of the
 * Service's first port.
 */
import type { K8sObject } from '../manifest.js';
import { serviceMetadata, type RenderContext, type ServiceContext } from './context.js';
import { childName, dnsLabel } from './names.js';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}

/** The container ports of a service, from ports and expose, each once. */
export function servicePorts(ctx: RenderContext, svc: ServiceContext): ServicePort[] {
  const out: ServicePort[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  const add = (port: number, protocol: string, name: string | undefined, appProtocol?: string) => {
    const proto = protocol.toUpperCase() as ServicePort['protocol'];
    const key = `${port}/${proto}`;
    if (seen.has(key)) return;
    seen.add(key);
    let portName = name !== undefined ? portNameOf(name) : undefined;
    if (portName === undefined || names.has(portName)) portName = `${protocol.toLowerCase()}-${port}`;
    names.add(portName);
    out.push({ name: portName, port, targetPort: port, protocol: proto, ...(appProtocol !== undefined && { appProtocol }) });
  };
  (svc.spec.ports ?? []).forEach((p, i) => {
    if (p.published !== undefined || p.host_ip !== undefined) {
      ctx.note(svc.service, `ports[${i}]`, `host port ${[p.host_ip, p.published].filter(Boolean).join(':')} not carried over: the Service exposes container port ${p.target} (use x-devspace.service.type LoadBalancer/NodePort, an Ingress, or kubectl port-forward)`);
    }
    if (p.mode === 'host') ctx.note(svc.service, `ports[${i}].mode`, 'not applicable: host-mode ports bind a node port directly; the Service is used instead');
    add(p.target, p.protocol, p.name, p.app_protocol);
  });
  (svc.spec.expose ?? []).forEach((e, i) => {
    const m = /^([0-9]+)(?:-([0-9]+))?(?:\/(tcp|udp|sctp))?$/i.exec(e);
    if (!m) {
      ctx.note(svc.service, `expose[${i}]`, `"${e}" is not a port or port range; left out`);
      return;
    }
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let port = first; port <= last; port++) add(port, m[3] ?? 'tcp', undefined);
  });
  for (const e of ctx.input.imagePorts?.[svc.service] ?? []) {
    const m = /^([0-9]+)(?:\/(tcp|udp|sctp))?$/i.exec(e);
    if (m) add(Number(m[1]), m[2] ?? 'tcp', undefined);
  }
  if (out.length === 0 && ctx.input.imagePorts?.[svc.service] === undefined) {
    ctx.note(svc.service, 'expose', 'no Service: the service sets no ports or expose, and its image\'s EXPOSE ports are unknown (build the image first, or add expose)');
  }
  return out;
}

/** IANA service names: at most 15 characters, lower-case letters, digits and '-', at least one letter. */
function portNameOf(name: string): string | undefined {
  const out = dnsLabel(name).slice(0, 15).replace(/-+$/, '');
  return /[a-z]/.test(out) && !out.includes('--') ? out : undefined;
}

export function service(ctx: RenderContext, svc: ServiceContext, ports: ServicePort[], headlessFor: boolean): K8sObject[] {
  const settings = svc.settings.service ?? {};
  const type = settings.type ?? 'ClusterIP';
  const out: K8sObject[] = [];
  const nodePortType = type === 'NodePort' || type === 'LoadBalancer';
  const spec = (headless: boolean) => ({
    ...(headless ? { clusterIP: 'None' } : { type }),
    selector: { ...svc.selector },
    ...(ports.length > 0 && { ports: ports.map((p, i) => ({ ...p, ...(i === 0 && !headless && nodePortType && settings.node_port !== undefined && { nodePort: settings.node_port }) })) }),
  });
  if (settings.node_port !== undefined && !nodePortType) {
    ctx.note(svc.service, 'x-devspace.service.node_port', `not applicable to a ${type} Service; use type NodePort`);
  }
  if (type === 'Headless') {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: serviceMetadata(ctx, svc), spec: spec(true) });
  } else if (ports.length > 0) {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: serviceMetadata(ctx, svc), spec: spec(false) });
  } else if (type !== 'ClusterIP') {
    ctx.note(svc.service, 'x-devspace.service.type', `no ${type} Service: the service has no ports or expose`);
  }
  // A StatefulSet needs a governing headless Service for its pods' stable DNS names.
  if (headlessFor && type !== 'Headless') {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: serviceMetadata(ctx, svc, headlessName(svc)), spec: spec(true) });
  }
  return out;
}

export function headlessName(svc: ServiceContext): string {
  return svc.settings.service?.type === 'Headless' ? svc.name : childName(svc.name, 'headless');
}

export function ingress(ctx: RenderContext, svc: ServiceContext, ports: ServicePort[]): K8sObject | undefined {
  // The environment's ingress overlays the service's: prod usually changes the host and TLS secret, not the class or path.
  if (!svc.overlay.ingress && !svc.settings.ingress) return undefined;
  const settings = { ...svc.settings.ingress, ...svc.overlay.ingress } as NonNullable<ServiceContext['settings']['ingress']>;
  const port = ports[0];
  if (!port || svc.settings.service?.type === 'Headless') {
    ctx.note(svc.service, 'x-devspace.ingress', 'no Ingress: it needs a Service with a port (add ports or expose; not Headless)');
    return undefined;
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: serviceMetadata(ctx, svc),
    spec: {
      ...(settings.class !== undefined && { ingressClassName: settings.class }),
      ...(settings.tls_secret !== undefined && { tls: [{ hosts: [settings.host], secretName: settings.tls_secret }] }),
      rules: [{
        host: settings.host,
        http: { paths: [{ path: settings.path ?? '/', pathType: 'Prefix', backend: { service: { name: svc.name, port: { number: port.port } } } }] },
      }],
    },
  };
}
