/**
 * A Helm chart of the rendered objects: each object a template, with the image and replicas of
 * every service taken from values.yaml and the namespace from the release, so that
 * `helm upgrade --set services.front.image=…` is how a pipeline moves a tag. The Namespace object
 * is left out: Helm installs into `--namespace` (with `--create-namespace`).
 */
import { stringify } from 'yaml';
import { K8S_LABELS } from '../../labels.js';
import type { K8sObject, Rendered } from '../manifest.js';
import { dnsLabel } from './names.js';
import { hideSecret, objectFileName, objectYaml } from './yaml.js';

export interface HelmOptions {
  showSecrets: boolean;
  /** Chart version (default 0.1.0). */
  version?: string;
}

const TOKEN = '__devspace_helm_';

export function helmChart(rendered: Rendered, options: HelmOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set('Chart.yaml', stringify({
    apiVersion: 'v2',
    name: dnsLabel(rendered.project),
    description: `${rendered.project}, rendered from its compose file by devspace`,
    type: 'application',
    version: options.version ?? '0.1.0',
    appVersion: '1.0.0',
  }));
  const values: Record<string, { image: string; replicas: number }> = {};
  const expressions = new Map<string, string>();
  const byWorkload = new Map<string, string>();
  for (const s of rendered.waves.flat()) {
    values[s.service] = { image: s.image, replicas: s.replicas };
    byWorkload.set(`${s.workload}/${s.name}`, s.service);
  }
  const objects = rendered.objects.filter((o) => o.kind !== 'Namespace');
  objects.forEach((object, i) => {
    const copy = structuredClone(options.showSecrets ? object : hideSecret(object)) as K8sObject;
    copy.metadata.namespace = token('namespace', expressions, '{{ .Release.Namespace | quote }}');
    relabel(copy, token('managed-by', expressions, '{{ .Release.Service | quote }}'));
    const service = byWorkload.get(`${object.kind}/${object.metadata.name}`);
    if (service !== undefined) {
      const spec = copy.spec as { replicas?: number; template: { spec: { containers: { image: string }[] } } };
      const ref = `index .Values.services ${JSON.stringify(service)}`;
      if (spec.replicas !== undefined) spec.replicas = token(`replicas-${service}`, expressions, `{{ ${ref} "replicas" }}`) as unknown as number;
      spec.template.spec.containers[0]!.image = token(`image-${service}`, expressions, `{{ ${ref} "image" | quote }}`);
    }
    let text = objectYaml(copy);
    for (const [t, expression] of expressions) text = text.split(t).join(expression);
    files.set(`templates/${objectFileName(object, i, objects.length)}`, text);
  });
  files.set('values.yaml', `# Image and replicas of each compose service; the templates read them.\n${stringify({ services: values })}`);
  return files;
}

/**
 * Labels in a chart: `managed-by` is Helm's (so that devspace's delete and pruning, which select
 * managed-by=devspace, never touch a Helm release), and no `version`, which would go stale as soon
 * as values.yaml sets another image.
 */
function relabel(value: unknown, managedBy: string): void {
  if (Array.isArray(value)) value.forEach((v) => relabel(v, managedBy));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'labels' && child && typeof child === 'object') {
        const labels = child as Record<string, string>;
        delete labels[K8S_LABELS.version];
        if (K8S_LABELS.managedBy in labels) labels[K8S_LABELS.managedBy] = managedBy;
      } else relabel(child, managedBy);
    }
  }
}

function token(name: string, expressions: Map<string, string>, expression: string): string {
  const t = `${TOKEN}${name.replace(/[^A-Za-z0-9]/g, '_')}_${expressions.size}__`;
  for (const [existing, e] of expressions) if (e === expression) return existing;
  expressions.set(t, expression);
  return t;
}
