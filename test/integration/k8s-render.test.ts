// Rendering against the real API server: every object rendered from the example app and the
// kitchen-sink fixture (default and prod environment, and the Helm chart's templates) is accepted
// by `kubectl apply --dry-run=server --validate=strict`, which runs admission and rejects unknown
// or duplicate fields. And the secrets test: `bin/devspace render` never prints a secret value in
// any of its forms unless --show-secrets. Fails in CI without a cluster; skipped elsewhere.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connectTestCluster, uniqueNamespace } from '../cluster/cluster-env.js';
import { loadProject } from '../../src/compose/load-project.js';
import type { K8sObject, RenderInput } from '../../src/k8s/manifest.js';
import { helmChart, manifestsYaml, renderProject } from '../../src/k8s/render/index.js';
import { readRenderSources } from '../../src/k8s/render/read-sources.js';
import { devspace, makeProject, root, uniqueName } from '../e2e/run-env.js';
import { docker, dockerEngineOrSkip } from './docker-env.js';
import Docker from 'dockerode';
import { readImagePorts } from '../../src/k8s/render/image-ports.js';

const cluster = await connectTestCluster('k8s render');
const engine = await dockerEngineOrSkip('k8s render: image EXPOSE ports');
const TEST_LABEL = 'dev.devspace.test=k8s-render';

function render(fixture: string, env: Record<string, string>, input: Partial<RenderInput>) {
  const { project } = loadProject({ cwd: path.join(root, fixture), env, home: '/home/me' });
  return renderProject({ project, images: {}, sources: readRenderSources(project, env), ...input });
}

/** The chart's templates as Helm would render them with the chart's own values (a stand-in for `helm template`, which is not installed here). */
function helmTemplated(files: Map<string, string>, namespace: string): string {
  const values = parse(files.get('values.yaml')!) as { services: Record<string, Record<string, unknown>> };
  return [...files].filter(([name]) => name.startsWith('templates/')).map(([, text]) => text
    .replace(/\{\{ \.Release\.Namespace \| quote \}\}/g, JSON.stringify(namespace))
    .replace(/\{\{ \.Release\.Service \| quote \}\}/g, '"Helm"')
    .replace(/\{\{ index \.Values\.services ("[^"]+") "(image|replicas)"( \| quote)? \}\}/g, (_m, service: string, key: string, quote?: string) => {
      const value = values.services[JSON.parse(service) as string]![key];
      return quote ? JSON.stringify(String(value)) : String(value);
    })).join('---\n');
}

describe.skipIf(!cluster)('rendered objects on the real API server', () => {
  const namespace = uniqueNamespace('render');
  beforeAll(async () => {
    await cluster!.kubectl(['create', 'namespace', namespace]);
    await cluster!.kubectl(['label', 'namespace', namespace, TEST_LABEL]);
  });
  afterAll(async () => {
    await cluster?.kubectl(['delete', 'namespace', '-l', TEST_LABEL, '--wait=false']);
  });

  async function dryRun(yaml: string): Promise<string[]> {
    const out = await cluster!.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], { input: yaml, timeoutMs: 60_000 });
    return out.split('\n').filter(Boolean);
  }

  const cases: [string, string, Record<string, string>, Partial<RenderInput>][] = [
    ['the example app', 'fixtures/voting-app', {}, { imagePorts: { back: ['6379/tcp'], front: ['80/tcp'] } }],
    ['the kitchen sink', 'fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }, {}],
    ['the kitchen sink, prod', 'fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }, { environment: 'prod', imagePullSecrets: ['regcred'] }],
  ];
  for (const [what, fixture, env, input] of cases) {
    it(`accepts every object of ${what} with strict field validation`, async () => {
      const rendered = render(fixture, env, { ...input, namespace });
      const lines = await dryRun(manifestsYaml(rendered.objects, { showSecrets: true }));
      // One "created (server dry run)" / "configured" line per object, Namespace included.
      expect(lines).toHaveLength(rendered.objects.length);
      for (const line of lines) expect(line).toMatch(/(created|configured|unchanged) \(server dry run\)$/);
      for (const o of rendered.objects) expect(lines.some((l) => l.includes(`/${o.metadata.name} `))).toBe(true);
    }, 60_000);
  }

  it('accepts every template of the Helm chart, rendered with its values', async () => {
    const rendered = render('fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }, { namespace });
    const files = helmChart(rendered, { showSecrets: true });
    const lines = await dryRun(helmTemplated(files, namespace));
    expect(lines).toHaveLength(rendered.objects.length - 1); // the Namespace is Helm's
    for (const line of lines) expect(line).toMatch(/created \(server dry run\)$/);
  }, 60_000);

  it('hidden Secret values are refused by the API server rather than stored', async () => {
    const rendered = render('fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }, { namespace });
    const secret = rendered.objects.find((o) => o.kind === 'Secret') as K8sObject;
    await expect(dryRun(manifestsYaml([secret], { showSecrets: false }))).rejects.toThrow(/illegal base64|base64/i);
  }, 60_000);
});

describe('secrets never appear in devspace render output', () => {
  const secretFile = 'file-secret-Zq8Xv2';
  const secretEnv = 'env-secret-Kp4Wn7';
  const secretVar = 'var-secret-Jr5Tm3';
  const values = [secretFile, secretEnv, secretVar];
  const forms = (v: string) => [v, Buffer.from(v).toString('base64'), Buffer.from(`${v}\n`).toString('base64')];
  let dir: string;
  beforeAll(() => {
    dir = makeProject({
      'compose.yaml': `name: secret-render
services:
  app:
    image: nginx:1.27
    ports: ["8080:80"]
    environment:
      PLAIN: visible-value
      API_TOKEN: ${secretVar}
    secrets: [from_file, from_env]
    x-devspace:
      secret_environment: [API_TOKEN]
secrets:
  from_file:
    file: ./token.txt
  from_env:
    environment: RENDER_TEST_SECRET
`,
      'token.txt': `${secretFile}\n`,
    });
  });
  const run = (args: string[]) => devspace(['render', ...args], dir, { RENDER_TEST_SECRET: secretEnv }, 60_000);
  const files = (d: string): string => readdirSync(d).map((f) => (statSync(path.join(d, f)).isDirectory() ? files(path.join(d, f)) : readFileSync(path.join(d, f), 'utf8'))).join('\n');

  it('stdout, -o DIR, --helm and --json hide them; stderr never has them', async () => {
    const outputs: string[] = [];
    const plain = await run([]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('visible-value');
    expect(plain.stdout).toContain('kind: Secret');
    outputs.push(plain.stdout, plain.stderr);
    const json = await run(['--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    outputs.push(json.stdout, json.stderr);
    const out = mkdtempSync(path.join(tmpdir(), 'devspace-render-out-'));
    const toDir = await run(['-o', out]);
    expect(toDir.exitCode, toDir.stderr).toBe(0);
    expect(readdirSync(out).some((f) => /^[0-9]{2}-secret-app-env-secret\.yaml$/.test(f))).toBe(true);
    outputs.push(files(out), toDir.stderr);
    const chart = mkdtempSync(path.join(tmpdir(), 'devspace-render-chart-'));
    const helm = await run(['--helm', '-o', chart]);
    expect(helm.exitCode, helm.stderr).toBe(0);
    expect(readdirSync(chart).sort()).toEqual(['Chart.yaml', 'templates', 'values.yaml']);
    outputs.push(files(chart), helm.stderr);
    for (const text of outputs) for (const v of values) for (const form of forms(v)) expect(text).not.toContain(form);
  }, 120_000);

  it('--show-secrets prints them', async () => {
    const shown = await run(['--show-secrets']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(Buffer.from(secretVar).toString('base64'));
    expect(shown.stdout).toContain(Buffer.from(`${secretFile}\n`).toString('base64'));
    expect(shown.stdout).toContain(Buffer.from(secretEnv).toString('base64'));
  }, 60_000);

  it('--helm without -o and an unknown --env are user errors', async () => {
    const helm = await run(['--helm']);
    expect(helm.exitCode).toBe(1);
    expect(helm.stderr).toContain('-o DIR');
    const env = await run(['--env', 'nope']);
    expect(env.exitCode).toBe(1);
    expect(env.stderr).toContain('unknown environment "nope"');
    expect(env.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe.skipIf(!engine)('ports an image EXPOSEs (real engine)', () => {
  const project = uniqueName('render-expose');
  const tag = `${project}-back`;
  beforeAll(async () => {
    // FROM scratch: nothing to pull; the image exists only to carry its EXPOSE metadata.
    await docker(['build', '-q', '-t', tag, '--label', `dev.devspace.project=${project}`, '-'], { input: 'FROM scratch\nEXPOSE 6379 53/udp\n' });
  }, 120_000);
  afterAll(async () => {
    await docker(['image', 'rm', '-f', tag], { reject: false });
  });

  it('become the Service ports of a service that lists none, in readImagePorts and in devspace render', async () => {
    const dir = makeProject({ 'compose.yaml': `name: ${project}\nservices:\n  back:\n    build: .\n  worker:\n    image: ${project}-not-built\n`, Dockerfile: 'FROM scratch\n' });
    const { project: loaded } = loadProject({ cwd: dir, env: {}, home: '/home/me' });
    expect(await readImagePorts(loaded, new Docker())).toEqual({ back: ['53/udp', '6379/tcp'] });
    const r = await devspace(['render'], dir, {}, 60_000);
    expect(r.exitCode, r.stderr).toBe(0);
    const service = parseAll(r.stdout).find((o) => o.kind === 'Service' && o.metadata.name === 'back');
    expect(service?.spec.ports).toEqual([
      { name: 'udp-53', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'tcp-6379', port: 6379, targetPort: 6379, protocol: 'TCP' },
    ]);
    expect(r.stderr).toMatch(/worker: expose: no Service: .*EXPOSE ports are unknown/);
  }, 120_000);
});

function parseAll(text: string): any[] {
  return text.split(/^---$/m).map((doc) => parse(doc)).filter(Boolean);
}
