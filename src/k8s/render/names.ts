/**
 * Names and labels of rendered objects. Object names follow DNS-1123 (lower case, digits, '-',
 * at most 63 characters for what becomes a DNS label: Services, and so every name we derive from a
 * service), so that `REDIS=back` still resolves through cluster DNS when the service name is
 * already DNS-safe, which compose names usually are.
 */
import { createHash } from 'node:crypto';
import { K8S_LABELS, labelValue, MANAGED_BY } from '../../labels.js';

/** A DNS-1123 label from any name: lower-cased, other characters to '-', trimmed, ≤ 63 characters. */
export function dnsLabel(name: string): string {
  let out = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (out === '') out = 'x';
  if (out.length <= 63) return out;
  // Keep names unique when we have to cut: a short hash of the full name stands for the rest.
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${out.slice(0, 56).replace(/-+$/, '')}-${hash}`;
}

/** `<base>-<suffix>` as a DNS label, e.g. the ConfigMap `front-env` of the service `front`. */
export function childName(base: string, suffix: string): string {
  return dnsLabel(`${base}-${suffix}`);
}

export interface LabelContext {
  project: string;
  environment?: string;
}

/** The labels on every object of the project; `component` is the compose service when there is one. */
export function objectLabels(ctx: LabelContext, service?: { name: string; version?: string }): Record<string, string> {
  const labels: Record<string, string> = {};
  if (service) {
    labels[K8S_LABELS.name] = service.name;
    labels[K8S_LABELS.instance] = instanceName(ctx.project, service.name);
    if (service.version !== undefined) labels[K8S_LABELS.version] = service.version;
    labels[K8S_LABELS.component] = service.name;
  }
  labels[K8S_LABELS.partOf] = labelValue(ctx.project);
  labels[K8S_LABELS.managedBy] = MANAGED_BY;
  labels[K8S_LABELS.project] = labelValue(ctx.project);
  if (ctx.environment !== undefined) labels[K8S_LABELS.environment] = labelValue(ctx.environment);
  return labels;
}

/** The immutable selector of a service's pods: name + instance only (never version or environment). */
export function selectorLabels(project: string, name: string): Record<string, string> {
  return { [K8S_LABELS.name]: name, [K8S_LABELS.instance]: instanceName(project, name) };
}

function instanceName(project: string, name: string): string {
  return labelValue(`${project}-${name}`);
}

/** The image tag (or short digest) as `app.kubernetes.io/version`, when the reference has one. */
export function imageVersion(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1);
    const hex = digest.split(':')[1];
    return hex ? labelValue(hex.slice(0, 12)) : undefined;
  }
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) {
    const tag = labelValue(image.slice(colon + 1));
    return tag === '' ? undefined : tag;
  }
  return undefined;
}
