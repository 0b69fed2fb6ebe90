// `devspace deploy --context kind-<name>` as a user runs it, on a kind cluster without a local
// registry: the built image is loaded into the kind node containers and the Deployment runs it by
// its content tag with imagePullPolicy IfNotPresent; a second deploy loads nothing and changes nothing.
// PLAYED, not real: kind's node images cannot be pulled here, so the nodes are containers built from
// fixtures/kind-node (busybox with stand-ins for crictl/ctr/containerd, see its README) carrying
// kind's labels, and the `kind-<name>` context points at the real test API server (kwok's pods run
// nothing, so nobody pulls the image). Real: bin/devspace, the engine, the API server, the apply.
import { execa } from 'execa';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestCluster, CONTEXT, uniqueNamespace } from '../cluster/cluster-env.js';
import { docker, dockerEngineOrSkip } from '../integration/docker-env.js';
import { devspace, makeProject, projectNames, root } from './run-env.js';

const cluster = await connectTestCluster('devspace deploy to kind (played nodes)');
const engine = await dockerEngineOrSkip('devspace deploy to kind (played nodes)');

const TEST_LABEL = 'dev.devspace.test=kind-load-e2e';
type Event = Record<string, unknown> & { type: string };
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);

describe.skipIf(!cluster || !engine)('devspace deploy to a kind context without a local registry', () => {
  const project = projectNames();
  const run = `${process.pid}${Math.random().toString(36).slice(2, 6)}`;
  const kindName = `e2e-${run}`;
  const nodeImage = `devspace-test/kind-node:e2e-${run}`;
  const nodes = [`${kindName}-control-plane`, `${kindName}-worker`];
  const namespace = uniqueNamespace('kindload');
  let kubeconfig: string;

  beforeAll(async () => {
    await docker(['build', '-q', '-t', nodeImage, '--label', TEST_LABEL, join(root, 'fixtures/kind-node')]);
    for (const [i, node] of nodes.entries()) {
      await docker(['run', '-d', '--name', node, '--label', TEST_LABEL, '--label', `io.x-k8s.kind.cluster=${kindName}`, '--label', `io.x-k8s.kind.role=${i === 0 ? 'control-plane' : 'worker'}`, nodeImage]);
    }
    // The user's kubeconfig as kind would have written it: a context kind-<name> (here: for the test cluster).
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'devspace-kind-kubeconfig-')), 'config');
    copyFileSync(cluster!.kubeconfig, kubeconfig);
    const view = await cluster!.kubectlJson<{ contexts: { name: string; context: { cluster: string; user: string } }[] }>(['config', 'view']);
    const base = view.contexts.find((c) => c.name === CONTEXT)!.context;
    await execa(cluster!.kubectlPath, ['--kubeconfig', kubeconfig, 'config', 'set-context', `kind-${kindName}`, `--cluster=${base.cluster}`, `--user=${base.user}`]);
  }, 120_000);

  afterAll(async () => {
    await cluster?.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    const ids = String((await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`], { reject: false })).stdout).trim();
    if (ids) await docker(['rm', '-f', ...ids.split('\n')], { reject: false });
    await docker(['rmi', '-f', nodeImage], { reject: false });
  }, 120_000);

  it('loads the image into the nodes, the Deployment runs its content tag with IfNotPresent; a second deploy loads and changes nothing', async () => {
    const name = project('kindload');
    const dir = makeProject({ 'compose.yaml': `name: ${name}\nservices:\n  app:\n    build: ./app\n    expose: ["8080"]\n`, 'app/Dockerfile': 'FROM busybox:latest\nCOPY stamp /stamp\n', 'app/stamp': `${name}\n` });
    const args = ['--json', 'deploy', '--kubeconfig', kubeconfig, '--context', `kind-${kindName}`, '-n', namespace];

    const first = await devspace(args, dir, {}, 240_000);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const loads = events(first.stdout).filter((e) => e.type === 'image-load');
    expect(loads).toHaveLength(1);
    expect(loads[0]).toMatchObject({ service: 'app', nodes, skipped: false });
    const image = loads[0]!['image'] as string;
    expect(image).toMatch(new RegExp(`^${name}-app:[0-9a-f]{16}$`));

    const deployment = await cluster!.kubectlJson<{ spec: { template: { spec: { containers: { image: string; imagePullPolicy: string }[] } } } }>(['-n', namespace, 'get', 'deployment', 'app']);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image, imagePullPolicy: 'IfNotPresent' });
    for (const node of nodes) {
      expect(String((await docker(['exec', node, 'ls', '/var/lib/fake-node/imports'])).stdout).trim()).toBe('1.tar');
    }

    const second = await devspace(args, dir, {}, 240_000);
    expect(second.exitCode).toBe(0);
    expect(events(second.stdout).filter((e) => e.type === 'image-load')).toMatchObject([{ service: 'app', image, nodes, skipped: true }]);
    expect(events(second.stdout).filter((e) => e.type === 'k8s-object' && e['action'] !== 'unchanged')).toEqual([]);
    for (const node of nodes) {
      expect(String((await docker(['exec', node, 'ls', '/var/lib/fake-node/imports'])).stdout).trim()).toBe('1.tar');
    }

    const removed = await devspace(['delete', '--kubeconfig', kubeconfig, '--context', `kind-${kindName}`, '-n', namespace], dir, {}, 120_000);
    expect(removed.exitCode).toBe(0);
  }, 600_000);
});
