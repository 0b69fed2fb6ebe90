// Smoke test of the real test Kubernetes cluster (test/cluster/cluster.sh): a Deployment and a
// Service go through create, 3/3 available, scale to 5, rolling update, failure injection and
// namespace deletion against a real API server, controller-manager and scheduler (kwok fakes the
// kubelets). Fails in CI when no cluster is reachable; skipped with a printed reason elsewhere.
import { afterAll, describe, expect, it } from 'vitest';
import { FAIL_ANNOTATION, type FailMode, connectTestCluster, uniqueNamespace, waitFor } from '../cluster/cluster-env.js';

const cluster = await connectTestCluster('cluster smoke test');

interface DeploymentStatus {
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    unavailableReplicas?: number;
    observedGeneration?: number;
  };
  metadata: { generation?: number };
}

interface PodList {
  items: {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { nodeName?: string; containers: { image: string }[] };
    status: {
      phase?: string;
      conditions?: { type: string; status: string }[];
      containerStatuses?: { ready: boolean; state?: { waiting?: { reason?: string }; running?: object } }[];
    };
  }[];
}

function deployment(name: string, replicas: number, image: string, failMode?: FailMode): string {
  const annotations = failMode ? `\n      annotations:\n        ${FAIL_ANNOTATION}: ${failMode}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: ${name}}${annotations}
    spec:
      containers:
      - name: ${name}
        image: ${image}
        ports:
        - containerPort: 8080
`;
}

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;

describe.skipIf(!cluster)('test cluster smoke', () => {
  const k = cluster!;
  const ns = uniqueNamespace('smoke');
  let namespaceDeleted = false;

  const getDeployment = (name: string) => k.kubectlJson<DeploymentStatus>(['-n', ns, 'get', 'deployment', name]);

  /** Waits until the Deployment's controller has caught up and `want` replicas are updated and available. */
  const waitAvailable = (name: string, want: number) =>
    waitFor(
      `deployment ${name} to have ${want}/${want} available`,
      async () => {
        const d = await getDeployment(name);
        const s = d.status ?? {};
        return (
          s.observedGeneration === d.metadata.generation &&
          s.replicas === want &&
          s.updatedReplicas === want &&
          s.availableReplicas === want &&
          !s.unavailableReplicas &&
          d
        );
      },
      { timeoutMs: 90_000 },
    );

  afterAll(async () => {
    if (!namespaceDeleted) {
      await k.kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    }
  });

  it('has at least two Ready fake nodes', async () => {
    const nodes = await k.kubectlJson<{ items: { status: { conditions?: { type: string; status: string }[] } }[] }>([
      'get',
      'nodes',
    ]);
    const ready = nodes.items.filter((n) => n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.length).toBeGreaterThanOrEqual(2);
  });

  it('creates a namespace, a Deployment with 3 replicas and a Service; 3/3 become available', async () => {
    await k.kubectl(['create', 'namespace', ns]);
    await k.kubectl(['-n', ns, 'apply', '-f', '-'], { input: deployment('web', 3, 'registry.invalid/web:v1') });
    await k.kubectl(['-n', ns, 'apply', '-f', '-'], { input: service });
    await waitAvailable('web', 3);

    const pods = await k.kubectlJson<PodList>(['-n', ns, 'get', 'pods', '-l', 'app=web']);
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.spec.nodeName).toMatch(/^devspace-node-\d+$/);
      expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    }
    const svc = await k.kubectlJson<{ spec: { clusterIP?: string } }>(['-n', ns, 'get', 'service', 'web']);
    expect(svc.spec.clusterIP).toMatch(/^10\.96\./);
    // The EndpointSlice controller sees the pods as ready endpoints of the Service.
    await waitFor('3 ready endpoints for service web', async () => {
      const slices = await k.kubectlJson<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>([
        '-n',
        ns,
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=web',
      ]);
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
      return ready === 3;
    });
  }, 120_000);

  it('scales the Deployment to 5', async () => {
    await k.kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=5']);
    await waitAvailable('web', 5);
  }, 120_000);

  it('completes a rolling update to a new image', async () => {
    await k.kubectl(['-n', ns, 'set', 'image', 'deployment/web', 'web=registry.invalid/web:v2']);
    await k.kubectl(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    await waitAvailable('web', 5);
    const pods = await waitFor('only v2 pods left', async () => {
      const list = await k.kubectlJson<PodList>(['-n', ns, 'get', 'pods', '-l', 'app=web']);
      return list.items.length === 5 && list.items.every((p) => p.spec.containers[0]?.image.endsWith(':v2')) && list;
    });
    expect(pods.items.every((p) => p.status.phase === 'Running')).toBe(true);
  }, 120_000);

  it('fails pods on purpose with the devspace.test/fail annotation', async () => {
    const modes: FailMode[] = ['CrashLoopBackOff', 'ImagePullBackOff', 'NotReady'];
    for (const mode of modes) {
      const name = `fail-${mode.toLowerCase()}`;
      await k.kubectl(['-n', ns, 'apply', '-f', '-'], { input: deployment(name, 1, 'registry.invalid/broken:v1', mode) });
    }
    for (const mode of modes) {
      const name = `fail-${mode.toLowerCase()}`;
      const pod = await waitFor(`a ${mode} pod for ${name}`, async () => {
        const list = await k.kubectlJson<PodList>(['-n', ns, 'get', 'pods', '-l', `app=${name}`]);
        const p = list.items[0];
        const cs = p?.status.containerStatuses?.[0];
        if (!p || !cs) return undefined;
        const matches = mode === 'NotReady' ? cs.state?.running !== undefined : cs.state?.waiting?.reason === mode;
        return matches && p;
      });
      expect(pod.status.containerStatuses?.[0]?.ready).toBe(false);
      expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False' }));
      expect(pod.status.phase).toBe(mode === 'ImagePullBackOff' ? 'Pending' : 'Running');
      const d = await getDeployment(name);
      expect(d.status?.availableReplicas ?? 0).toBe(0);
    }
  }, 120_000);

  it('deleting the namespace cleans everything up', async () => {
    await k.kubectl(['delete', 'namespace', ns, '--wait=false']);
    namespaceDeleted = true;
    await waitFor(
      `namespace ${ns} to be gone`,
      async () => {
        const out = await k.kubectl(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']);
        return out.trim() === '';
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    const pods = await k.kubectl(['get', 'pods', '-n', ns, '-o', 'name']);
    expect(pods.trim()).toBe('');
  }, 150_000);
});
