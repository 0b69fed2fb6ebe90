/**
 * Golden tests: the manifests of the example app and of the kitchen-sink fixture, byte for byte.
 * A change in rendering shows up as a diff of these files, reviewed like code. Regenerate with
 * UPDATE_GOLDEN=1 npx vitest run src/k8s/render/golden.test.ts — never automatically.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadProject } from '../../compose/load-project.js';
import type { Rendered, RenderInput } from '../manifest.js';
import { manifestsYaml, renderProject } from './index.js';
import { readRenderSources } from './read-sources.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden', import.meta.url));

function render(fixture: string, env: Record<string, string>, input: Partial<RenderInput> = {}): { rendered: Rendered; dir: string } {
  const dir = path.join(ROOT, fixture);
  const { project } = loadProject({ cwd: dir, env, home: '/home/me' });
  return { rendered: renderProject({ project, images: {}, sources: readRenderSources(project, env), ...input }), dir };
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run src/k8s/render/golden.test.ts and review it`);
  expect(actual, `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept after review)`).toBe(readFileSync(file, 'utf8'));
}

function notesText(rendered: Rendered, dir: string): string {
  return rendered.notes.map((n) => `${n.service ?? '-'}\t${n.attribute}\t${n.message.split(dir).join('<project>')}\n`).join('');
}

describe('golden manifests', () => {
  test('the example app (fixtures/voting-app)', () => {
    // The ports the built images EXPOSE, as `devspace render` reads them from the engine: the
    // Dockerfiles say EXPOSE 80 (front) and EXPOSE 6379 (back, which has no ports in compose).
    const { rendered, dir } = render('fixtures/voting-app', {}, { imagePorts: { front: ['80/tcp'], back: ['6379/tcp'] } });
    golden('voting-app.yaml', manifestsYaml(rendered.objects, { showSecrets: false }));
    golden('voting-app.notes.tsv', notesText(rendered, dir));

    // What the golden file must show, said in code too so that a regenerated file cannot quietly lose it.
    const kinds = rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(['Namespace/voting-app', 'ConfigMap/front-env', 'PersistentVolumeClaim/redis-data', 'Deployment/back', 'Deployment/front', 'Service/back', 'Service/front', 'HorizontalPodAutoscaler/front']);
    const byName = (kind: string, name: string) => rendered.objects.find((o) => o.kind === kind && o.metadata.name === name) as Record<string, any>;
    expect(byName('Service', 'back').spec.type).toBe('ClusterIP');
    expect(byName('Service', 'back').spec.ports).toEqual([{ name: 'tcp-6379', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
    expect(byName('Service', 'front').spec.type).toBe('LoadBalancer');
    expect(byName('Deployment', 'front').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '250m' }, limits: { cpu: '500m' } });
    expect(byName('HorizontalPodAutoscaler', 'front').spec).toMatchObject({ maxReplicas: 10, metrics: [{ resource: { target: { averageUtilization: 50 } } }] });
    expect(byName('PersistentVolumeClaim', 'redis-data').spec.resources.requests.storage).toBe('1Gi');
    expect(rendered.waves.map((w) => w.map((s) => s.service))).toEqual([['back'], ['front']]);
  });

  test('the kitchen sink (fixtures/k8s/kitchen-sink), default and prod environment', () => {
    const env = { KITCHEN_SINK_API_KEY: 'kitchen-sink-api-key-value' };
    const base = render('fixtures/k8s/kitchen-sink', env);
    golden('kitchen-sink.yaml', manifestsYaml(base.rendered.objects, { showSecrets: false }));
    golden('kitchen-sink.notes.tsv', notesText(base.rendered, base.dir));
    const prod = render('fixtures/k8s/kitchen-sink', env, { environment: 'prod' });
    golden('kitchen-sink-prod.yaml', manifestsYaml(prod.rendered.objects, { showSecrets: false }));
  });
});
