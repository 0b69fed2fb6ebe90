import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../manifest.js';
import { othersIn } from './delete.js';

const o = (kind: string, name: string, labels?: Record<string, string>, extra: object = {}): K8sObject => ({ apiVersion: 'v1', kind, metadata: { name, ...(labels && { labels }) }, ...extra }) as K8sObject;
const ours = { 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': 'shop' };

describe('othersIn: what keeps a namespace devspace created', () => {
  it('ignores the project own objects and what Kubernetes puts in every namespace', () => {
    expect(
      othersIn(
        [
          o('Deployment', 'web', ours),
          o('Pod', 'web-1', { ...ours, 'app.kubernetes.io/name': 'web' }),
          o('PersistentVolumeClaim', 'data', { ...ours, 'dev.devspace.environment': 'prod' }),
          o('ConfigMap', 'kube-root-ca.crt'),
          o('ServiceAccount', 'default'),
          o('Secret', 'default-token-x', undefined, { type: 'kubernetes.io/service-account-token' }),
          o('RoleBinding', 'system:image-pullers'),
        ],
        'app.kubernetes.io/managed-by=devspace,dev.devspace.project=shop',
      ),
    ).toEqual([]);
  });

  it('counts another project, another environment when one is selected, and anything added by hand', () => {
    const others = othersIn(
      [
        o('Deployment', 'web', ours),
        o('Deployment', 'api', { 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': 'billing' }),
        o('Deployment', 'web', { ...ours, 'dev.devspace.environment': 'staging' }),
        o('Secret', 'tls-cert', undefined, { type: 'kubernetes.io/tls' }),
        o('Pod', 'debug'),
      ],
      'app.kubernetes.io/managed-by=devspace,dev.devspace.project=shop,dev.devspace.environment=prod',
    );
    expect(others.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual(['Deployment/web', 'Deployment/api', 'Deployment/web', 'Secret/tls-cert', 'Pod/debug']);
  });
});
