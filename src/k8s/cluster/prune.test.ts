import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../manifest.js';
import { forbidden, pruneCandidates } from './prune.js';

const obj = (kind: string, name: string, extra: Partial<K8sObject> = {}): K8sObject => ({ apiVersion: 'v1', kind, metadata: { name }, ...extra });

describe('pruneCandidates', () => {
  const sts = obj('StatefulSet', 'db', { spec: { volumeClaimTemplates: [{ metadata: { name: 'pgdata' } }] } });
  it('removes what is no longer rendered, keeps claims and what another object owns', () => {
    const existing = [obj('Deployment', 'web'), obj('Service', 'web'), obj('ConfigMap', 'web-env'), obj('PersistentVolumeClaim', 'uploads'), obj('Secret', 'token', { metadata: { name: 'token', ownerReferences: [{ kind: 'Deployment' }] } })];
    const { remove, keptClaims } = pruneCandidates(existing, [obj('ConfigMap', 'web-env')]);
    expect(remove.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'Service/web']);
    expect(keptClaims.map((o) => o.metadata.name)).toEqual(['uploads']);
  });

  it('the claims of a rendered StatefulSet (<template>-<statefulset>-<ordinal>) are in use: neither removed nor reported', () => {
    const existing = [sts, obj('PersistentVolumeClaim', 'pgdata-db-0'), obj('PersistentVolumeClaim', 'pgdata-db-12'), obj('PersistentVolumeClaim', 'pgdata-db-x'), obj('PersistentVolumeClaim', 'pgdata-dbx-0')];
    const { remove, keptClaims } = pruneCandidates(existing, [sts]);
    expect(remove).toEqual([]);
    expect(keptClaims.map((o) => o.metadata.name)).toEqual(['pgdata-db-x', 'pgdata-dbx-0']);
    // Without the StatefulSet, its claims are kept (their data) and reported.
    expect(pruneCandidates(existing, []).keptClaims.map((o) => o.metadata.name)).toEqual(['pgdata-db-0', 'pgdata-db-12', 'pgdata-db-x', 'pgdata-dbx-0']);
  });
});

describe('forbidden', () => {
  const error = { code: 403, body: JSON.stringify({ kind: 'Status', message: 'namespaces "shop" is forbidden: User "dev" cannot delete resource "namespaces"', code: 403 }) };
  it('names the resource, where, the server\'s words and the kubectl auth can-i check', () => {
    const inNamespace = forbidden('list', 'Ingress', 'shop', error, 'why');
    expect(inNamespace.message).toBe('cannot list ingresses in namespace shop: namespaces "shop" is forbidden: User "dev" cannot delete resource "namespaces"');
    expect(inNamespace.nextSteps).toEqual(['why', 'Ask for the permission (check with: kubectl auth can-i list ingresses -n shop), or use another context or namespace.']);
    const cluster = forbidden('delete', 'Namespace', '', error, 'why');
    expect(cluster.message).toMatch(/^cannot delete namespaces: /);
    expect(cluster.nextSteps[1]).toContain('kubectl auth can-i delete namespaces)');
  });
});
