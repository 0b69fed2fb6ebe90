// Getting a deploy's images to a cluster (src/k8s/images/deliverImages), against the REAL test
// API server (test/cluster), the REAL test registries (test/registry) and the real Docker engine:
// - a cluster that advertises a local registry (the KEP-1755 ConfigMap kube-public/
//   local-registry-hosting, created here and deleted afterwards) gets the images pushed to its
//   `host` and referenced by `hostFromContainerRuntime/…@sha256:…`;
// - any other context pushes to --registry and references `repo@digest`, recorded in
//   .devspace/images.json; without a registry it is a user error naming the context;
// - a registry that needs auth gets a kubernetes.io/dockerconfigjson pull Secret from the user's
//   Docker credentials (here through the real test credential helper), which the API server accepts;
// - kind node loading. PLAYED, not real: kind's node images cannot be pulled here, so the "nodes"
//   are containers built from fixtures/kind-node (busybox with stand-ins for `crictl` and `ctr`,
//   see its README) carrying kind's labels. What is real: the node lookup by label through the
//   engine, `docker save` streamed through exec into the import command kind runs, and the skip.
//   The kind *context* is the real API server under a `kind-<name>` context name (the image
//   references are not pulled by anyone: kwok's pods run nothing).
import { KubeConfig } from '@kubernetes/client-node';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/compose/load-project.js';
import { openEngine, type OpenedEngine } from '../../src/engine/connect.js';
import { UserError } from '../../src/errors.js';
import type { DevspaceEvent } from '../../src/events.js';
import { deliverImages, type DeliverInput } from '../../src/k8s/images/deliver.js';
import { connectTestCluster, CONTEXT, uniqueNamespace } from '../cluster/cluster-env.js';
import { CREDENTIAL_HELPER_DIR, manifestDigest, registryOrSkip } from '../registry/registry-env.js';
import { docker, dockerEngineOrSkip, removeImagesLabelled } from './docker-env.js';

const cluster = await connectTestCluster('k8s images (deliverImages)');
const engine = await dockerEngineOrSkip('k8s images (deliverImages)');
const registries = await registryOrSkip('k8s images (deliverImages)');

const KIND_NODE_DIR = fileURLToPath(new URL('../../fixtures/kind-node/', import.meta.url));
const TEST_LABEL = 'dev.devspace.test=k8s-images';
const run = `${process.pid}${Math.random().toString(36).slice(2, 6)}`;
const projects: string[] = [];

/** A project with one built service (`app`, FROM busybox, carrying `stamp`) and one that only names an image. */
function makeProject(prefix: string, stamp: string): { dir: string; name: string } {
  const name = `${prefix}-${run}`;
  projects.push(name);
  const dir = mkdtempSync(join(tmpdir(), 'devspace-k8s-images-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'compose.yaml'), `name: ${name}\nservices:\n  app:\n    build: ./app\n  cache:\n    image: busybox:latest\n`);
  writeFileSync(join(dir, 'app/Dockerfile'), 'FROM busybox:latest\nCOPY stamp /stamp\n');
  writeFileSync(join(dir, 'app/stamp'), `${stamp}\n`);
  return { dir, name };
}

/** The test cluster's kubeconfig with an extra context of the given name for the same cluster and user. */
function kubeConfig(contextName: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster!.kubeconfig);
  const base = kc.getContextObject(CONTEXT)!;
  if (contextName !== CONTEXT) kc.addContext({ name: contextName, cluster: base.cluster, user: base.user });
  kc.setCurrentContext(contextName);
  return kc;
}

let opened: OpenedEngine;
const home = mkdtempSync(join(tmpdir(), 'devspace-k8s-images-home-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: home, ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }) };

function input(project: { dir: string; name: string }, contextName: string, events: DevspaceEvent[], extra: Partial<DeliverInput> = {}): DeliverInput {
  const env = { ...baseEnv, ...extra.env };
  const loaded = loadProject({ cwd: project.dir, env });
  return { loaded, services: ['app', 'cache'], kc: kubeConfig(contextName), contextName, namespace: 'images-test', env, homeDir: home, engine: opened, emit: (e) => events.push(e), ...extra };
}

const imageId = async (ref: string) => String((await docker(['image', 'inspect', '-f', '{{.Id}}', ref])).stdout).trim();

beforeAll(async () => {
  if (cluster && engine && registries) opened = await openEngine({ env: baseEnv, homeDir: home });
});

afterAll(async () => {
  if (!engine) return;
  const nodes = String((await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`], { reject: false })).stdout).trim();
  if (nodes) await docker(['rm', '-f', ...nodes.split('\n')], { reject: false });
  // The played node image: its tag goes in its describe's afterAll, while node containers still
  // use it, so the image itself can only go now that they are gone.
  await removeImagesLabelled(TEST_LABEL);
  for (const name of projects) await removeImagesLabelled(`dev.devspace.project=${name}`);
}, 120_000);

describe.skipIf(!cluster || !engine || !registries)('deliverImages against the real API server and registries', () => {
  const { plain, auth } = registries ?? ({} as NonNullable<typeof registries>);

  it('a kind context whose cluster advertises a local registry (KEP-1755): push to host, pods pull hostFromContainerRuntime/…@digest', async () => {
    const project = makeProject('kep', 'kep');
    const kindName = `kep-${run}`;
    // hostFromContainerRuntime is a name only the (played) node runtime would resolve; nothing pulls it here.
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
      data: { 'localRegistryHosting.v1': `host: "${plain.host}"\nhostFromContainerRuntime: "kind-registry:5000"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n` },
    };
    await cluster!.kubectl(['apply', '-f', '-'], { input: JSON.stringify(configMap) });
    const events: DevspaceEvent[] = [];
    let delivered;
    try {
      delivered = await deliverImages(input(project, `kind-${kindName}`, events));
    } finally {
      // Other test files (and other people) share this cluster: never leave the ConfigMap behind.
      await cluster!.kubectl(['-n', 'kube-public', 'delete', 'configmap', 'local-registry-hosting', '--ignore-not-found']);
    }
    expect(delivered.how).toBe('kind-registry');
    expect(delivered.images['cache']).toBe('busybox:latest');
    const ref = delivered.images['app']!;
    expect(ref).toMatch(new RegExp(`^kind-registry:5000/${project.name}/app@sha256:[0-9a-f]{64}$`));
    const pushed = events.find((e): e is Extract<DevspaceEvent, { type: 'push-done' }> => e.type === 'push-done')!;
    const tag = pushed.image.slice(pushed.image.lastIndexOf(':') + 1);
    // The registry the ConfigMap names really holds the image, under the digest the pods pin.
    expect(await manifestDigest(plain, `${project.name}/app`, tag)).toBe(ref.slice(ref.indexOf('@') + 1));
    expect(events.some((e) => e.type === 'image-load')).toBe(false);
    expect(delivered.pullSecrets).toEqual([]);
  }, 240_000);

  it('a context that is not kind, with --registry: push, refs repo@digest recorded in .devspace/images.json; a second delivery sends nothing', async () => {
    const project = makeProject('reg', 'reg');
    const events: DevspaceEvent[] = [];
    const delivered = await deliverImages(input(project, CONTEXT, events, { registry: plain.host }));
    expect(delivered.how).toBe('registry');
    const ref = delivered.images['app']!;
    expect(ref).toMatch(new RegExp(`^${plain.host.replace(/\./g, '\\.')}/${project.name}/app@sha256:[0-9a-f]{64}$`));
    expect(delivered.images['cache']).toBe('busybox:latest');
    expect(delivered.pullSecrets).toEqual([]);
    expect(delivered.pullSecretNames).toEqual([]);
    const recorded = JSON.parse(readFileSync(join(project.dir, '.devspace/images.json'), 'utf8')) as { services: Record<string, { pinned: string; image: string }> };
    expect(recorded.services['app']!.pinned).toBe(ref);
    const tag = recorded.services['app']!.image.split(':').pop()!;
    expect(await manifestDigest(plain, `${project.name}/app`, tag)).toBe(ref.split('@')[1]);

    const again: DevspaceEvent[] = [];
    const second = await deliverImages(input(project, CONTEXT, again, { registry: plain.host }));
    expect(second.images['app']).toBe(ref);
    expect(again.filter((e) => e.type === 'push-done')).toMatchObject([{ skipped: true }]);
    expect(again.some((e) => e.type === 'push-start')).toBe(false);
  }, 240_000);

  it('a context that is not kind and no registry anywhere: a user error naming the context, before anything is built', async () => {
    const project = makeProject('noreg', 'noreg');
    const events: DevspaceEvent[] = [];
    const error = await deliverImages(input(project, CONTEXT, events)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`context "${CONTEXT}"`);
    expect((error as UserError).nextSteps.join('\n')).toMatch(/--registry/);
    expect(events.some((e) => e.type === 'build-start')).toBe(false);
  }, 60_000);

  it('a cluster that does not answer: a user error naming the context and its server, before anything is built', async () => {
    const project = makeProject('down', 'down');
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'gone', server: `https://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
      currentContext: 'gone',
    });
    const events: DevspaceEvent[] = [];
    const error = await deliverImages({ ...input(project, CONTEXT, events, { registry: plain.host }), kc, contextName: 'gone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`cannot ask the cluster of context gone (https://127.0.0.1:${port}) for its local registry`);
    expect(events.some((e) => e.type === 'build-start')).toBe(false);
  }, 60_000);

  it('a registry that needs auth: a dockerconfigjson pull Secret from the credential helper, accepted by the API server; the password is in no event', async () => {
    const project = makeProject('auth', 'auth');
    const config = mkdtempSync(join(tmpdir(), 'devspace-dockercfg-'));
    writeFileSync(join(config, 'config.json'), JSON.stringify({ credHelpers: { [auth.host]: 'devspace-test' } }));
    writeFileSync(join(config, 'creds'), `${auth.host}=${auth.auth.username}:${auth.auth.password}\n`);
    const env = { DOCKER_CONFIG: config, DEVSPACE_TEST_CREDS_FILE: join(config, 'creds'), PATH: `${CREDENTIAL_HELPER_DIR}:${process.env.PATH ?? ''}` };
    const events: DevspaceEvent[] = [];
    const delivered = await deliverImages(input(project, CONTEXT, events, { registry: auth.host, env }));
    expect(delivered.how).toBe('registry');
    expect(delivered.images['app']).toMatch(new RegExp(`^${auth.host.replace(/\./g, '\\.')}/${project.name}/app@sha256:`));
    const name = `devspace-pull-${auth.host.replace(/[.:]/g, '-')}`;
    expect(delivered.pullSecretNames).toEqual([name]);
    const [secret] = delivered.pullSecrets;
    expect(secret).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name, namespace: 'images-test', labels: { 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': project.name } } });
    const dockerconfig = JSON.parse(Buffer.from((secret!['data'] as Record<string, string>)['.dockerconfigjson']!, 'base64').toString('utf8'));
    const { username, password } = auth.auth;
    expect(dockerconfig).toEqual({ auths: { [auth.host]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') } } });
    expect(JSON.stringify(events)).not.toContain(password);

    // The API server takes the Secret as it is, with strict field validation.
    const ns = uniqueNamespace('images');
    await cluster!.kubectl(['create', 'namespace', ns]);
    try {
      const out = await cluster!.kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], { input: JSON.stringify({ ...secret, metadata: { ...secret!.metadata, namespace: ns } }) });
      expect(out.trim()).toBe(`secret/${name}`);
    } finally {
      await cluster!.kubectl(['delete', 'namespace', ns, '--wait=false']);
    }
  }, 240_000);
});

describe.skipIf(!cluster || !engine || !registries)('deliverImages into kind nodes (nodes PLAYED by fixtures/kind-node containers)', () => {
  const nodeImage = `devspace-test/kind-node:${run}`;
  const kindName = `dev-${run}`;
  const otherName = `other-${run}`;
  const nodes = [`${kindName}-control-plane`, `${kindName}-worker`];

  async function startNode(cluster: string, name: string, role: string): Promise<void> {
    // Not --privileged as kind's nodes are: this engine cannot grant that (a part not played faithfully).
    await docker(['run', '-d', '--name', name, '--label', TEST_LABEL, '--label', `io.x-k8s.kind.cluster=${cluster}`, '--label', `io.x-k8s.kind.role=${role}`, nodeImage]);
  }
  const inNode = async (node: string, command: string) => String((await docker(['exec', node, 'sh', '-c', command])).stdout);
  const imports = async (node: string) => (await inNode(node, 'ls /var/lib/fake-node/imports')).split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    await docker(['build', '-q', '-t', nodeImage, '--label', TEST_LABEL, KIND_NODE_DIR]);
    await startNode(kindName, nodes[0]!, 'control-plane');
    await startNode(kindName, nodes[1]!, 'worker');
    await startNode(otherName, `${otherName}-control-plane`, 'control-plane');
  }, 120_000);
  afterAll(async () => {
    await docker(['rmi', '-f', nodeImage], { reject: false });
  });

  it('loads the built image into every node of that cluster only, skips nodes that have it, sends a changed image again', async () => {
    const project = makeProject('kind', 'one');
    const events: DevspaceEvent[] = [];
    const delivered = await deliverImages(input(project, `kind-${kindName}`, events));
    expect(delivered.how).toBe('kind-load');
    expect(delivered.pullSecrets).toEqual([]);
    expect(delivered.images['cache']).toBe('busybox:latest');
    const ref = delivered.images['app']!;
    expect(ref).toMatch(new RegExp(`^${project.name}-app:[0-9a-f]{16}$`));
    const id = await imageId(ref);
    expect(events.filter((e) => e.type === 'image-load')).toMatchObject([{ service: 'app', image: ref, nodes, skipped: false }]);

    // The archive really reached each node: its manifest names our tag, and the image config (whose digest is the image ID) is in it.
    for (const node of nodes) {
      expect(await imports(node)).toEqual(['1.tar']);
      const manifest = JSON.parse(await inNode(node, 'tar -xOf /var/lib/fake-node/imports/1.tar manifest.json')) as { Config: string; RepoTags: string[] }[];
      expect(manifest).toHaveLength(1);
      expect(manifest[0]!.RepoTags).toEqual([ref]);
      expect(manifest[0]!.Config).toContain(id.replace('sha256:', ''));
      expect((await inNode(node, 'tar -tf /var/lib/fake-node/imports/1.tar')).split('\n')).toContain(manifest[0]!.Config);
    }
    // The other kind cluster's node got nothing and was not even asked.
    expect(await imports(`${otherName}-control-plane`)).toEqual([]);
    expect((await inNode(`${otherName}-control-plane`, 'cat /var/lib/fake-node/calls 2>/dev/null || true')).trim()).toBe('');

    const calls = async (node: string) => (await inNode(node, 'cat /var/lib/fake-node/calls')).trim().split('\n');
    for (const node of nodes) {
      expect(await calls(node)).toEqual(['crictl images -o json', 'containerd config dump', 'ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -']);
    }

    // Unchanged: every node is asked what it has (one command), and nothing is sent.
    const again: DevspaceEvent[] = [];
    const second = await deliverImages(input(project, `kind-${kindName}`, again));
    expect(second.images['app']).toBe(ref);
    expect(again.filter((e) => e.type === 'image-load')).toMatchObject([{ service: 'app', image: ref, nodes, skipped: true }]);
    for (const node of nodes) {
      expect(await imports(node)).toEqual(['1.tar']);
      expect((await calls(node)).slice(3)).toEqual(['crictl images -o json']);
    }

    // A node added since (kind's worker2) is the only one that gets it.
    const added = `${kindName}-worker2`;
    await startNode(kindName, added, 'worker');
    const third: DevspaceEvent[] = [];
    await deliverImages(input(project, `kind-${kindName}`, third));
    expect(third.filter((e) => e.type === 'image-load')).toMatchObject([{ service: 'app', nodes: [added], skipped: false }]);
    for (const node of nodes) expect(await imports(node)).toEqual(['1.tar']);
    expect(await imports(added)).toEqual(['1.tar']);

    // A changed image is a new tag, sent to every node again.
    writeFileSync(join(project.dir, 'app/stamp'), 'two\n');
    const changed: DevspaceEvent[] = [];
    const next = await deliverImages(input(project, `kind-${kindName}`, changed));
    expect(next.images['app']).not.toBe(ref);
    expect(next.images['app']).toMatch(new RegExp(`^${project.name}-app:[0-9a-f]{16}$`));
    for (const node of [...nodes, added]) {
      expect(await imports(node)).toEqual(['1.tar', '2.tar']);
      expect(await inNode(node, 'tar -xOf /var/lib/fake-node/imports/2.tar manifest.json')).toContain(next.images['app']);
    }
    expect(await imports(`${otherName}-control-plane`)).toEqual([]);
  }, 300_000);

  it('a kind context whose cluster has no node on this engine: a user error that says where to look', async () => {
    const project = makeProject('nonode', 'nonode');
    const error = await deliverImages(input(project, `kind-absent-${run}`, [])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(new RegExp(`context kind-absent-${run} is a kind cluster, but the Docker engine devspace uses has no node containers labelled io.x-k8s.kind.cluster=absent-${run}`));
  }, 120_000);
});
