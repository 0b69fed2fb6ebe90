import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { helmChart, SECRET_PLACEHOLDER } from './index.js';
import { renderCompose } from './test-helpers.js';
import { objectFileName } from './yaml.js';

const yaml = `name: shop
services:
  web:
    image: nginx:1.27
    ports: ["80"]
    deploy: { replicas: 3 }
    environment: { TOKEN: tok-1 }
    x-devspace: { secret_environment: [TOKEN] }
  api-v2:
    image: reg.example/api:1
    ports: ["8080"]
    x-devspace: { autoscale: { min: 2, max: 4, cpu: 60 } }
`;

describe('helmChart', () => {
  const rendered = renderCompose(yaml);
  const files = helmChart(rendered, { showSecrets: false });

  test('Chart.yaml, values.yaml with each service image and replicas, one template per object but the Namespace', () => {
    expect(parse(files.get('Chart.yaml')!)).toMatchObject({ apiVersion: 'v2', name: 'shop', type: 'application', version: '0.1.0' });
    expect(parse(files.get('values.yaml')!)).toEqual({ services: { web: { image: 'nginx:1.27', replicas: 3 }, 'api-v2': { image: 'reg.example/api:1', replicas: 2 } } });
    const templates = [...files.keys()].filter((f) => f.startsWith('templates/'));
    expect(templates).toHaveLength(rendered.objects.length - 1);
    expect(templates.some((t) => t.includes('namespace'))).toBe(false);
  });

  test('templates read the image, the replicas and the release namespace', () => {
    const web = files.get(`templates/${objectFileName({ kind: 'Deployment', metadata: { name: 'web' }, apiVersion: '' }, rendered.objects.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === 'web') - 1, rendered.objects.length - 1)}`)!;
    expect(web).toContain('image: {{ index .Values.services "web" "image" | quote }}');
    expect(web).toContain('replicas: {{ index .Values.services "web" "replicas" }}');
    expect(web).toContain('namespace: {{ .Release.Namespace | quote }}');
    // Helm's release, not devspace's: delete and pruning select managed-by=devspace.
    expect(web).toContain('app.kubernetes.io/managed-by: {{ .Release.Service | quote }}');
    expect(web).not.toContain('app.kubernetes.io/managed-by: devspace');
    expect(web).not.toContain('app.kubernetes.io/version');
    const api = [...files].find(([f]) => f.endsWith('deployment-api-v2.yaml'))![1];
    expect(api).toContain('image: {{ index .Values.services "api-v2" "image" | quote }}');
    // Under an autoscaler the Deployment has no replicas to template.
    expect(api).not.toContain('replicas:');
    for (const [name, text] of files) if (name.startsWith('templates/')) expect(text).not.toMatch(/__devspace_helm_/);
  });

  test('Secret values are hidden unless showSecrets', () => {
    const secret = [...files].find(([f]) => f.includes('-secret-'))![1];
    expect(secret).toContain(SECRET_PLACEHOLDER);
    expect(secret).not.toContain(Buffer.from('tok-1').toString('base64'));
    expect([...helmChart(rendered, { showSecrets: true }).values()].join('\n')).toContain(Buffer.from('tok-1').toString('base64'));
  });
});
