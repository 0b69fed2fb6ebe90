import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../manifest.js';
import { appliedBy, extractFields } from './managed-fields.js';

describe('extractFields', () => {
  it('keeps list items in the live order, not in fieldsV1 key order (a reordered pod template is a new rollout)', () => {
    const live = [
      { mountPath: '/var/cache/nginx', name: 'tmpfs-x0' },
      { mountPath: '/run', name: 'tmpfs-x1' },
      { mountPath: '/extra', name: 'theirs' },
      { mountPath: '/tmp', name: 'tmpfs-x2' },
    ];
    // As the API server writes it: keys sorted, and not every item ours.
    const fields = {
      'k:{"mountPath":"/run"}': { '.': {}, 'f:mountPath': {}, 'f:name': {} },
      'k:{"mountPath":"/tmp"}': { '.': {}, 'f:mountPath': {}, 'f:name': {} },
      'k:{"mountPath":"/var/cache/nginx"}': { '.': {}, 'f:mountPath': {}, 'f:name': {} },
    };
    expect(extractFields(live, fields)).toEqual([live[0], live[1], live[3]]);
  });

  it('keys of several fields, sets of values (Go escapes <, >, &) and positions', () => {
    const ports = [
      { containerPort: 80, protocol: 'TCP', name: 'http' },
      { containerPort: 53, protocol: 'UDP', name: 'dns' },
    ];
    expect(extractFields(ports, { 'k:{"containerPort":53,"protocol":"UDP"}': { 'f:containerPort': {}, 'f:protocol': {} }, 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:name': {} } })).toEqual([
      { containerPort: 80, protocol: 'TCP', name: 'http' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    expect(extractFields(['b', 'a<b', 'c'], { 'v:"a\\u003cb"': {}, 'v:"c"': {} })).toEqual(['a<b', 'c']);
    expect(extractFields([{ a: 1, b: 2 }, { a: 3, b: 4 }], { 'i:1': { 'f:b': {} } })).toEqual([{ b: 4 }]);
    // An atomic list (command, args) is owned whole.
    expect(extractFields(['sh', '-c', 'x'], {})).toEqual(['sh', '-c', 'x']);
  });
});

describe('appliedBy', () => {
  const live: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      namespace: 'n',
      resourceVersion: '7',
      labels: { a: '1', b: '2' },
      managedFields: [
        { manager: 'kubectl-label', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:b': {} } } } },
        { manager: 'devspace', operation: 'Apply', fieldsV1: { 'f:data': { 'f:x': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } } },
      ],
    },
    data: { x: '1', y: '2' },
  };
  it('is what that manager applied, named and placed', () => {
    expect(appliedBy(live, 'devspace')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', labels: { a: '1' } }, data: { x: '1' } });
    expect(appliedBy(live, 'kubectl-label')).toBeUndefined();
    expect(appliedBy(live, 'nobody')).toBeUndefined();
  });
});
