// Unit tests of the pure parts of getting images to a cluster: kind detection, the KEP-1755
// ConfigMap, the choice of delivery, the node-load plan and the pull Secret.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import type { Project } from '../../compose/model.js';
import { chooseDelivery, tagPolicyFor } from './deliver.js';
import { kindClusterName } from './kind-cluster.js';
import { importCommand, parseCrictlImages, parseSnapshotter } from './kind-nodes.js';
import { containerdName, planLoads } from './kind-load.js';
import { parseLocalRegistryHosting } from './local-registry.js';
import { pullSecret, pullSecretName } from './pull-secret.js';

describe('kindClusterName', () => {
  it('reads kind-<name> (kind ≥ 0.6) and <name>@kind (older kind)', () => {
    expect(kindClusterName('kind-kind')).toBe('kind');
    expect(kindClusterName('kind-dev')).toBe('dev');
    expect(kindClusterName('kind-my.cluster-2')).toBe('my.cluster-2');
    expect(kindClusterName('dev@kind')).toBe('dev');
    expect(kindClusterName('kind@kind')).toBe('kind');
  });
  it('is not fooled by other contexts', () => {
    for (const context of ['devspace-test', 'minikube', 'docker-desktop', 'k3d-dev', 'gke_proj_zone_kind-x', 'kind', 'kind-', 'kind-UPPER', 'admin@kind-prod', 'kindly']) {
      expect(kindClusterName(context), context).toBeUndefined();
    }
  });
  it('falls back on the kubeconfig cluster a renamed context points at', () => {
    expect(kindClusterName('dev', 'kind-dev')).toBe('dev');
    expect(kindClusterName('laptop', 'kind')).toBe('kind');
    expect(kindClusterName('prod', 'prod-cluster')).toBeUndefined();
  });
});

describe('parseLocalRegistryHosting (KEP-1755)', () => {
  it("reads kind's recipe: host only, so pods use host too", () => {
    const data = { 'localRegistryHosting.v1': 'host: "localhost:5001"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n' };
    expect(parseLocalRegistryHosting(data)).toEqual({ version: 1, host: 'localhost:5001', hostFromContainerRuntime: 'localhost:5001', help: 'https://kind.sigs.k8s.io/docs/user/local-registry/' });
  });
  it('uses hostFromContainerRuntime for pods when given', () => {
    const data = { 'localRegistryHosting.v1': 'host: localhost:5001\nhostFromContainerRuntime: kind-registry:5000\nhostFromClusterNetwork: kind-registry:5000\n' };
    expect(parseLocalRegistryHosting(data)).toMatchObject({ host: 'localhost:5001', hostFromContainerRuntime: 'kind-registry:5000', hostFromClusterNetwork: 'kind-registry:5000' });
  });
  it('takes the highest version it supports and ignores newer ones', () => {
    const data = { 'localRegistryHosting.v1': 'host: one:5000', 'localRegistryHosting.v7': 'host: seven:5000\nnewField: x', other: 'x' };
    expect(parseLocalRegistryHosting(data)).toMatchObject({ version: 1, host: 'one:5000' });
    expect(parseLocalRegistryHosting({ 'localRegistryHosting.v2': 'host: two:5000' })).toBeUndefined();
  });
  it('no data, or no host: no registry', () => {
    expect(parseLocalRegistryHosting(undefined)).toBeUndefined();
    expect(parseLocalRegistryHosting({})).toBeUndefined();
    expect(parseLocalRegistryHosting({ 'localRegistryHosting.v1': 'help: https://example.com' })).toBeUndefined();
  });
  it('broken YAML is the user\'s to fix, named by the ConfigMap', () => {
    const bad = () => parseLocalRegistryHosting({ 'localRegistryHosting.v1': 'host: [unclosed' });
    expect(bad).toThrow(UserError);
    expect(bad).toThrow(/kube-public\/local-registry-hosting: localRegistryHosting.v1 is not valid YAML/);
    expect(() => parseLocalRegistryHosting({ 'localRegistryHosting.v1': '- a\n- b' })).toThrow(/should be a YAML mapping/);
  });
});

describe('chooseDelivery', () => {
  const local = { version: 1, host: 'localhost:5001', hostFromContainerRuntime: 'kind-registry:5000' };
  it('an advertised registry wins on any cluster, kind or not', () => {
    expect(chooseDelivery({ contextName: 'kind-dev', localRegistry: local })).toEqual({ how: 'kind-registry', registry: local });
    expect(chooseDelivery({ contextName: 'minikube', localRegistry: local }).how).toBe('kind-registry');
  });
  it('kind without one loads into the nodes; other clusters push', () => {
    expect(chooseDelivery({ contextName: 'kind-dev' })).toEqual({ how: 'kind-load', cluster: 'dev' });
    expect(chooseDelivery({ contextName: 'prod' })).toEqual({ how: 'registry' });
  });
  it('--registry always pushes', () => {
    expect(chooseDelivery({ contextName: 'kind-dev', registryFlag: 'ghcr.io/me' }).how).toBe('registry');
    expect(chooseDelivery({ contextName: 'kind-dev', localRegistry: local, registryFlag: 'ghcr.io/me' }).how).toBe('registry');
  });
});

describe('tagPolicyFor', () => {
  const project = (xDevspace: unknown) => ({ name: 'p', services: {}, extensions: { 'x-devspace': xDevspace } }) as unknown as Project;
  it("is devspace push's without --tag: the environment's, the project's, else the content digest", () => {
    const p = project({ tag: 'git', environments: { prod: { tag: 'v-{{.Digest}}' }, dev: {} } });
    expect(tagPolicyFor(p, 'prod')).toEqual({ kind: 'template', template: 'v-{{.Digest}}' });
    expect(tagPolicyFor(p, 'dev')).toEqual({ kind: 'git' });
    expect(tagPolicyFor(p, undefined)).toEqual({ kind: 'git' });
    expect(tagPolicyFor(project(undefined), undefined)).toEqual({ kind: 'digest' });
    expect(() => tagPolicyFor(p, 'nope')).toThrow(/no environment "nope"/);
  });
});

describe('node loading plan', () => {
  it("names images as containerd stores them", () => {
    expect(containerdName('app:1a2b')).toBe('docker.io/library/app:1a2b');
    expect(containerdName('team/app:1')).toBe('docker.io/team/app:1');
    expect(containerdName('localhost:5001/p/app:1')).toBe('localhost:5001/p/app:1');
    expect(containerdName('ghcr.io/o/app')).toBe('ghcr.io/o/app:latest');
  });
  it('reads crictl images -o json', () => {
    const json = JSON.stringify({ images: [{ id: 'sha256:aaa', repoTags: ['docker.io/library/a:1', 'docker.io/library/a:2'], repoDigests: [], size: '10' }, { id: 'sha256:bbb', repoTags: null }] });
    expect(parseCrictlImages(json)).toEqual([
      { id: 'sha256:aaa', repoTags: ['docker.io/library/a:1', 'docker.io/library/a:2'] },
      { id: 'sha256:bbb', repoTags: [] },
    ]);
    expect(parseCrictlImages('{"images":null}')).toEqual([]);
  });
  it('skips nodes holding the name with the same ID; groups nodes that lack the same images', () => {
    const images = [
      { service: 'front', ref: 'p-front:f1', imageId: 'sha256:f1' },
      { service: 'back', ref: 'p-back:b1', imageId: 'sha256:b1' },
    ];
    const plan = planLoads(images, [
      { name: 'dev-control-plane', images: [{ id: 'sha256:f1', repoTags: ['docker.io/library/p-front:f1'] }] },
      { name: 'dev-worker', images: [{ id: 'sha256:OLD', repoTags: ['docker.io/library/p-front:f1'] }] },
      { name: 'dev-worker2', images: [] },
    ]);
    expect(plan.services).toEqual({
      front: { load: ['dev-worker', 'dev-worker2'], present: ['dev-control-plane'] },
      back: { load: ['dev-control-plane', 'dev-worker', 'dev-worker2'], present: [] },
    });
    expect(plan.groups).toEqual([
      { refs: ['p-back:b1'], nodes: ['dev-control-plane'] },
      { refs: ['p-back:b1', 'p-front:f1'], nodes: ['dev-worker', 'dev-worker2'] },
    ]);
  });
  it('nothing to send when every node has everything; one image shared by two services is sent once', () => {
    const held = [{ id: 'sha256:x', repoTags: ['docker.io/library/p:x'] }];
    expect(planLoads([{ service: 'a', ref: 'p:x', imageId: 'sha256:x' }], [{ name: 'n1', images: held }]).groups).toEqual([]);
    const shared = planLoads([{ service: 'a', ref: 'p:x', imageId: 'sha256:x' }, { service: 'b', ref: 'p:x', imageId: 'sha256:x' }], [{ name: 'n1', images: [] }]);
    expect(shared.groups).toEqual([{ refs: ['p:x'], nodes: ['n1'] }]);
  });
});

describe('the import command', () => {
  it("takes the CRI's snapshotter from containerd config dump (config versions 2 and 3)", () => {
    const v2 = 'version = 2\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    sandbox_image = "x"\n    [plugins."io.containerd.grpc.v1.cri".containerd]\n      snapshotter = "fuse-overlayfs"\n      default_runtime_name = "runc"\n';
    const v3 = "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'overlayfs'\n";
    expect(parseSnapshotter(v2)).toBe('fuse-overlayfs');
    expect(parseSnapshotter(v3)).toBe('overlayfs');
    // Another plugin's snapshotter key is not the CRI's.
    expect(parseSnapshotter('[plugins."io.containerd.transfer.v1.local"]\n  snapshotter = "native"\n')).toBeUndefined();
  });
  it("is kind's, with the snapshotter when known", () => {
    expect(importCommand('overlayfs')).toEqual(['ctr', '--namespace=k8s.io', 'images', 'import', '--all-platforms', '--digests', '--snapshotter=overlayfs', '-']);
    expect(importCommand(undefined)).toEqual(['ctr', '--namespace=k8s.io', 'images', 'import', '--all-platforms', '--digests', '-']);
  });
});

describe('pull Secret', () => {
  it('is named after the registry, DNS-safe', () => {
    expect(pullSecretName('ghcr.io')).toBe('devspace-pull-ghcr-io');
    expect(pullSecretName('127.0.0.1:5000')).toBe('devspace-pull-127-0-0-1-5000');
    expect(pullSecretName('Registry.Example.com:443')).toBe('devspace-pull-registry-example-com-443');
    expect(pullSecretName(`${'a'.repeat(300)}.io`).length).toBeLessThanOrEqual(253);
  });
  it('holds a dockerconfigjson for that registry only, with our labels', () => {
    const secret = pullSecret({ registry: '127.0.0.1:5000', credentials: { username: 'u', password: 'p:w', source: 'test' }, namespace: 'ns', project: 'shop', environment: 'staging' })!;
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        name: 'devspace-pull-127-0-0-1-5000',
        namespace: 'ns',
        labels: { 'app.kubernetes.io/managed-by': 'devspace', 'app.kubernetes.io/part-of': 'shop', 'dev.devspace.project': 'shop', 'dev.devspace.environment': 'staging' },
      },
    });
    const config = JSON.parse(Buffer.from((secret['data'] as Record<string, string>)['.dockerconfigjson']!, 'base64').toString('utf8'));
    expect(config).toEqual({ auths: { '127.0.0.1:5000': { username: 'u', password: 'p:w', auth: Buffer.from('u:p:w').toString('base64') } } });
  });
  it('uses the index key for Docker Hub, as kubelet matches docker.io images', () => {
    const secret = pullSecret({ registry: 'docker.io', credentials: { username: 'u', password: 'p', source: 'test' }, namespace: 'ns', project: 'shop' })!;
    const config = JSON.parse(Buffer.from((secret['data'] as Record<string, string>)['.dockerconfigjson']!, 'base64').toString('utf8'));
    expect(Object.keys(config.auths)).toEqual(['https://index.docker.io/v1/']);
    expect(secret.metadata.labels).not.toHaveProperty('dev.devspace.environment');
  });
  it('none for an identity token, which a kubelet cannot use', () => {
    expect(pullSecret({ registry: 'r.io', credentials: { identitytoken: 't', source: 'x' }, namespace: 'n', project: 'p' })).toBeUndefined();
  });
});
