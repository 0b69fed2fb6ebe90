import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../compose/load-project.js';
import { UserError } from '../../errors.js';
import type { K8sObject } from '../manifest.js';
import { renderProject } from '../render/index.js';
import { readRenderSources } from '../render/read-sources.js';
import { applyObject, applyOutcome, conflictError, parseConflicts } from './apply.js';
import { RENDERED_KINDS } from './prune.js';

const root = path.join(import.meta.dirname, '..', '..', '..');

function renderFixture(fixture: string, env: Record<string, string>, environment?: string) {
  const { project } = loadProject({ cwd: path.join(root, fixture), env, home: '/home/me' });
  return renderProject({ project, images: {}, sources: readRenderSources(project, env), imagePullSecrets: ['regcred'], ...(environment && { environment }) });
}
const fixtures = [
  renderFixture('fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }),
  renderFixture('fixtures/k8s/kitchen-sink', { KITCHEN_SINK_API_KEY: 'key' }, 'prod'),
  renderFixture('fixtures/voting-app', {}),
];

// The API server's answer to an apply that conflicts, as the test cluster (v1.36) sends it.
const CONFLICT = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'Apply failed with 2 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:\n- .spec.replicas\nconflicts with "kubectl-set" using apps/v1:\n- .spec.template.spec.containers[name="c"].image',
  reason: 'Conflict',
  details: {
    causes: [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl" with subresource "scale" using apps/v1', field: '.spec.replicas' },
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-set" using apps/v1', field: '.spec.template.spec.containers[name="c"].image' },
    ],
  },
  code: 409,
});

describe('conflicts', () => {
  it('reads field, manager and subresource from the 409 Status', () => {
    expect(parseConflicts(CONFLICT)).toEqual([
      { field: '.spec.replicas', manager: 'kubectl', subresource: 'scale' },
      { field: '.spec.template.spec.containers[name="c"].image', manager: 'kubectl-set' },
    ]);
    expect(parseConflicts(JSON.parse(CONFLICT))).toHaveLength(2);
    expect(parseConflicts('not json')).toEqual([]);
  });

  it('says which field, whose, and what to do', () => {
    const deployment: K8sObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
    const error = conflictError(deployment, parseConflicts(CONFLICT));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      'cannot apply Deployment shop/web: .spec.replicas (owned by "kubectl" through its scale subresource), .spec.template.spec.containers[name="c"].image (owned by "kubectl-set") are managed by another field manager',
    );
    expect(error.nextSteps.join('\n')).toContain('--force-conflicts');
    expect(error.nextSteps.join('\n')).toContain('devspace scale SERVICE=N');
    const image = conflictError(deployment, [{ field: '.spec.template.spec.containers[name="web"].image', manager: 'someone-else' }]);
    expect(image.message).toContain('.spec.template.spec.containers[name="web"].image (owned by "someone-else") is managed by another field manager');
    expect(image.nextSteps.join('\n')).not.toContain('devspace scale');
  });
});

describe('applyOutcome', () => {
  const after = (rv: string, managers: string[]): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: rv, managedFields: managers.map((manager) => ({ manager })) } });
  it('decides created/configured/unchanged from resourceVersions, else from the managers', () => {
    expect(applyOutcome('absent', after('5', ['devspace']))).toBe('created');
    expect(applyOutcome({ resourceVersion: '5' }, after('5', ['devspace']))).toBe('unchanged');
    expect(applyOutcome({ resourceVersion: '4' }, after('5', ['devspace']))).toBe('configured');
    expect(applyOutcome('unknown', after('5', ['devspace']))).toBe('created');
    expect(applyOutcome('unknown', after('5', ['kubectl-create', 'devspace']))).toBe('configured');
  });
});

describe('what applyObject sends', () => {
  // A stand-in API server on 127.0.0.1 that answers discovery and echoes every PATCH body: what
  // client-node's typed serializer lets through is what reaches the cluster.
  const sent: { url: string; contentType: string; body: unknown }[] = [];
  let server: Server;
  let api: KubernetesObjectApi;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET') {
          const groupVersion = req.url!.replace(/^\/apis?\//, '');
          const resources = RENDERED_KINDS.concat({ apiVersion: 'v1', kind: 'Namespace', resource: 'namespaces' })
            .filter((k) => k.apiVersion === groupVersion)
            .map((k) => ({ name: `${k.kind.toLowerCase()}s`, singularName: k.kind.toLowerCase(), kind: k.kind, namespaced: k.kind !== 'Namespace', verbs: ['patch'] }));
          res.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }));
          return;
        }
        sent.push({ url: req.url!, contentType: String(req.headers['content-type']), body: JSON.parse(body) });
        const name = (JSON.parse(body) as K8sObject).metadata.name;
        if (name === 'clash' || name === 'owned') {
          res.statusCode = 409;
          const causes = name === 'owned' ? [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.a' }] : [];
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: name === 'owned' ? 'Apply failed with 1 conflict' : 'Operation cannot be fulfilled on configmaps "clash": the object has been modified; please apply your changes to the latest version and try again', reason: 'Conflict', details: { causes }, code: 409 }));
          return;
        }
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    api = KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('every field of every rendered object reaches the API server as rendered, as an apply patch with field manager devspace', async () => {
    let count = 0;
    for (const rendered of fixtures) {
      for (const object of rendered.objects) {
        sent.length = 0;
        await applyObject(api, object, 'absent', { force: false });
        expect(sent).toHaveLength(1);
        expect(sent[0]!.contentType).toBe('application/apply-patch+yaml');
        expect(sent[0]!.url).toContain('fieldManager=devspace');
        expect(sent[0]!.url).toContain('force=false');
        expect(sent[0]!.body, `${object.kind}/${object.metadata.name}`).toEqual(JSON.parse(JSON.stringify(object)));
        count++;
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it('a 409 with field conflicts is a conflict error; one without them is the API server\'s words, not --force-conflicts advice', async () => {
    const owned = await applyObject(api, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'n' }, data: { a: '1' } }, 'absent', { force: false }).catch((e: unknown) => e);
    expect((owned as UserError).message).toBe('cannot apply ConfigMap n/owned: .data.a (owned by "kubectl-edit") is managed by another field manager');
    const clash = await applyObject(api, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'clash', namespace: 'n' }, data: {} }, 'absent', { force: false }).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(UserError);
    expect((clash as UserError).message).toBe('cannot apply ConfigMap clash: Operation cannot be fulfilled on configmaps "clash": the object has been modified; please apply your changes to the latest version and try again');
    expect((clash as UserError).nextSteps).toEqual(['Something else changed it at the same moment; run the command again.']);
  });

  it('pruning lists every kind rendering makes (a kind missing there would never be pruned)', () => {
    const listed = new Set(RENDERED_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
    for (const rendered of fixtures) for (const o of rendered.objects) if (o.kind !== 'Namespace') expect(listed, `${o.apiVersion}/${o.kind}`).toContain(`${o.apiVersion}/${o.kind}`);
  });
});
