// `devspace deploy` of the example app (fixtures/voting-app) to the real test cluster, as a user
// runs it: bin/devspace with --context/--kubeconfig, the images built by the real engine and pushed
// to the real plain test registry (the test cluster is not kind), objects applied to the real API
// server. kwok's nodes run nothing, so "Ready" is what the API says (pods, Deployments,
// EndpointSlices), never a connection. One project, one namespace, one sequence of commands: the
// tests below run in order and each starts from what the one before left.
//
// The copy of the example gets a file-based `secrets:` entry for `front`; the back end's named
// volume becomes a PersistentVolumeClaim, which binds to a hostPath PersistentVolume made here (the
// cluster has no provisioner) and removed at the end.
//
// Two smaller describes below use `image:`-only projects (no build, no push): a user whose rights
// are a RoleBinding in one namespace, and two projects deployed into the same namespace.
import { Buffer } from 'node:buffer';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestCluster, CONTEXT, uniqueNamespace, waitFor } from '../cluster/cluster-env.js';
import { dockerEngineOrSkip } from '../integration/docker-env.js';
import { manifestDigest, registryOrSkip, tags } from '../registry/registry-env.js';
import { devspace, makeProject, projectNames, root } from './run-env.js';

const cluster = await connectTestCluster('devspace deploy of the example app');
const engine = await dockerEngineOrSkip('devspace deploy of the example app');
const registries = await registryOrSkip('devspace deploy of the example app');

type Event = Record<string, unknown> & { type: string };
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
/** Plain output without the time stamps: `front   | deployment/front ready (…)`. */
const plainLines = (stdout: string) => stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));

interface Obj {
  kind: string;
  metadata: { name: string; resourceVersion: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Deployment extends Obj {
  spec: { replicas?: number; template: { spec: { containers: { name: string; image: string; volumeMounts?: { name: string; mountPath: string }[] }[]; volumes?: { name: string; secret?: { secretName: string } }[] } } };
  status: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number; conditions?: { type: string; status: string }[] };
}

describe.skipIf(!cluster || !engine || !registries)('devspace deploy of the example app to the test cluster', () => {
  const k = cluster!;
  const name = projectNames()('deploy');
  const namespace = uniqueNamespace('e2e-deploy');
  const registry = `${registries!.plain.host}/e2e-deploy`;
  const selector = `app.kubernetes.io/managed-by=devspace,dev.devspace.project=${name}`;
  const secretValue = `s3cr3t-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const pv = `${namespace}-redis-data`;
  const where = ['--context', CONTEXT, '--kubeconfig', k.kubeconfig, '-n', namespace];
  const dockerConfig = mkdtempSync(join(tmpdir(), 'devspace-e2e-deploy-docker-'));
  const env = { DOCKER_CONFIG: dockerConfig };
  /** Every stdout and stderr that deploy printed, for the secret check. */
  const printed: string[] = [];
  let dir: string;

  const run = async (args: string[], timeout = 240_000) => {
    const started = Date.now();
    const r = await devspace(['-p', name, ...args], dir, env, timeout);
    const out = { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), seconds: (Date.now() - started) / 1000 };
    if (args.includes('deploy')) printed.push(out.stdout, out.stderr);
    return out;
  };
  const deploy = (json = false) => run([...(json ? ['--json'] : []), 'deploy', '--registry', registry, ...where]);
  const get = <T = Obj>(...args: string[]) => k.kubectlJson<T>(['-n', namespace, 'get', ...args]);
  const deployment = (n: string) => get<Deployment>('deployment', n);
  /** kind/name → resourceVersion of everything that carries the project's labels (and the Namespace). */
  const ours = async () => {
    const list = await get<{ items: Obj[] }>('configmaps,secrets,services,deployments,replicasets,pods,persistentvolumeclaims,horizontalpodautoscalers', '-l', selector);
    const ns = await k.kubectlJson<Obj>(['get', 'namespace', namespace]);
    return Object.fromEntries([...list.items, ns].map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
  };
  const expectNoStackTrace = (text: string) => {
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(text).not.toMatch(/Headers: \{/);
  };

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'devspace-e2e-deploy-')), 'voting-app');
    cpSync(join(root, 'fixtures', 'voting-app'), dir, { recursive: true });
    // A file-based secret for front (compose `secrets:`): it must reach a Secret and nothing else.
    writeFileSync(join(dir, 'api-token.txt'), `${secretValue}\n`);
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    expect(compose).toContain('    build: ./front\n');
    writeFileSync(join(dir, 'compose.yaml'), compose.replace('    build: ./front\n', '    build: ./front\n    secrets:\n      - api-token\n') + 'secrets:\n  api-token:\n    file: ./api-token.txt\n');
    // The claim redis-data (no storage class) binds to this volume, reserved for our namespace.
    await k.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: pv, labels: { 'dev.devspace.test': 'deploy-e2e' } },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${pv}` }, claimRef: { namespace, name: 'redis-data' } },
      }),
    });
  });

  afterAll(async () => {
    // The product's own delete is what the tests check; this is the safety net (our namespace, our volume).
    await k.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await k.kubectl(['delete', 'persistentvolume', pv, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('deploys the example: both Deployments available, Services, recommended labels, images pinned by digest, rollout progress shown', async () => {
    const first = await deploy();
    expectNoStackTrace(first.stderr);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    console.log(`[deploy e2e] first deploy (build, push, apply, rollout): ${first.seconds.toFixed(1)} s`);
    const lines = plainLines(first.stdout);

    // What the user sees: every object created, each rollout followed to ready, back (a dependency) before front is applied.
    for (const object of ['namespace/' + namespace, 'secret/api-token', 'configmap/front-env', 'persistentvolumeclaim/redis-data', 'deployment/back', 'service/back', 'deployment/front', 'service/front', 'horizontalpodautoscaler/front']) {
      expect(lines).toContain(`${object} created`);
    }
    for (const service of ['back', 'front']) {
      const rollout = lines.filter((l) => new RegExp(`^${service} +\\| deployment/${service} `).test(l));
      expect(rollout.length, lines.join('\n')).toBeGreaterThan(0);
      expect(rollout.at(-1)).toMatch(new RegExp(`^${service} +\\| deployment/${service} ready \\(1/1 ready, 1 updated, 1 available\\)`));
    }
    const backReady = lines.findIndex((l) => /^back +\| deployment\/back ready/.test(l));
    expect(backReady).toBeLessThan(lines.indexOf('deployment/front created'));
    expect(lines.join('\n')).toMatch(new RegExp(`^deployed ${name} to ${CONTEXT}/${namespace} in \\d+\\.\\d s \\(9 created\\)$`, 'm'));

    // As kubectl shows it: both Deployments available at their current generation.
    for (const service of ['back', 'front']) {
      const d = await deployment(service);
      expect(d.status.observedGeneration).toBe(d.metadata.generation);
      expect(d.status).toMatchObject({ replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
      expect(d.status.conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'True' }));
      // Pinned to what the registry serves: <registry>/<project>/<service>@sha256:…, the digest of the pushed tag.
      const image = d.spec.template.spec.containers[0]!.image;
      const m = new RegExp(`^${registry.replace(/\./g, '\\.')}/${name}/${service}@(sha256:[0-9a-f]{64})$`).exec(image);
      expect(m, image).not.toBeNull();
      const pushed = await tags(registries!.plain, `e2e-deploy/${name}/${service}`);
      expect(pushed).toHaveLength(1);
      expect(await manifestDigest(registries!.plain, `e2e-deploy/${name}/${service}`, pushed[0]!)).toBe(m![1]);
      // The recommended labels, on the workload and its pods.
      const labels = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': `${name}-${service}`, 'app.kubernetes.io/component': service, 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'devspace', 'app.kubernetes.io/version': m![1]!.slice(7, 19), 'dev.devspace.project': name };
      expect(d.metadata.labels).toMatchObject(labels);
      const pods = await get<{ items: Obj[] }>('pods', '-l', `app.kubernetes.io/instance=${name}-${service}`);
      expect(pods.items).toHaveLength(1);
      expect(pods.items[0]!.metadata.labels).toMatchObject(labels);
      expect(pods.items[0]!.status).toMatchObject({ phase: 'Running' });
    }

    // Services: back is a ClusterIP Service on 6379 (from the image's EXPOSE) whose endpoint is the ready back pod,
    // so REDIS=back (in front's ConfigMap) resolves in the cluster; front is a LoadBalancer on 80.
    const back = await get('service', 'back');
    expect(back.spec).toMatchObject({ type: 'ClusterIP', ports: [expect.objectContaining({ port: 6379, targetPort: 6379, protocol: 'TCP' })] });
    expect(back.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'back', 'app.kubernetes.io/part-of': name });
    // (The EndpointSlice controller follows the pod's readiness on its own, a moment after the rollout.)
    type Slices = { items: { endpoints?: { conditions: { ready?: boolean }; targetRef?: { name: string } }[]; ports?: { port: number }[] }[] };
    const slices = await waitFor('the back pod as a ready endpoint of Service back', async () => {
      const found = await get<Slices>('endpointslices', '-l', 'kubernetes.io/service-name=back');
      return found.items.flatMap((s) => s.endpoints ?? []).some((e) => e.conditions.ready) && found;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    const endpoints = slices.items.flatMap((s) => s.endpoints ?? []);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ conditions: { ready: true }, targetRef: { name: expect.stringMatching(/^back-/) } });
    expect(slices.items.flatMap((s) => s.ports ?? []).map((p) => p.port)).toEqual([6379]);
    expect((await get('configmap', 'front-env')).data).toMatchObject({ REDIS: 'back' });
    expect((await get('service', 'front')).spec).toMatchObject({ type: 'LoadBalancer', ports: [expect.objectContaining({ port: 80 })] });

    // The named volume's claim bound to the volume made for it, mounted by back.
    expect(await get('persistentvolumeclaim', 'redis-data')).toMatchObject({ spec: { volumeName: pv }, status: { phase: 'Bound' } });
  }, 300_000);

  it('a second deploy with nothing changed changes nothing, says so, and is quick', async () => {
    const before = await ours();
    const again = await deploy(true);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stderr).toBe('');
    const ev = events(again.stdout);
    expect(ev.filter((e) => e.type === 'build-cached').map((e) => e['service']).sort()).toEqual(['back', 'front']);
    expect(ev.filter((e) => e.type === 'build-start')).toEqual([]);
    expect(ev.filter((e) => e.type === 'push-done').every((e) => e['skipped'] === true)).toBe(true);
    const objects = ev.filter((e) => e.type === 'k8s-object');
    expect(objects).toHaveLength(9);
    expect(objects.filter((e) => e['action'] !== 'unchanged')).toEqual([]);
    expect(ev.filter((e) => e.type === 'rollout').map((e) => [e['service'], e['state']])).toEqual([
      ['back', 'ready'],
      ['front', 'ready'],
    ]);
    expect(ev.filter((e) => e.type === 'message').map((e) => e['text'])).toContainEqual(expect.stringMatching(new RegExp(`^deployed ${name} to ${CONTEXT}/${namespace} in \\d+\\.\\d s \\(9 unchanged\\)$`)));
    expect(await ours()).toEqual(before);
    console.log(`[deploy e2e] no-change redeploy: ${again.seconds.toFixed(2)} s (whole command, node start included)`);
    expect(again.seconds).toBeLessThan(10);
  }, 60_000);

  it('an image change (a file in front/) builds and pushes front only and rolls it out: new image, new ReplicaSet, next generation', async () => {
    const old = await deployment('front');
    const oldBack = await deployment('back');
    const oldSets = (await get<{ items: Obj[] }>('replicasets', '-l', `app.kubernetes.io/instance=${name}-front`)).items.map((r) => r.metadata.name);
    appendFileSync(join(dir, 'front', 'templates', 'index.html'), `<!-- changed by the deploy e2e test ${Date.now()} -->\n`);

    const changed = await deploy();
    expect(changed.exitCode, changed.stdout + changed.stderr).toBe(0);
    const lines = plainLines(changed.stdout);
    expect(lines).toContainEqual(expect.stringMatching(/^front +\| building /));
    expect(lines).not.toContainEqual(expect.stringMatching(/^back +\| building /));
    expect(lines).toContainEqual(expect.stringMatching(/^front +\| pushed /));
    expect(lines).toContain('deployment/front configured');
    expect(lines).not.toContain('deployment/back configured');
    // The rollout was waited for: progress first, ready last, then the summary.
    const rollout = lines.filter((l) => /^front +\| deployment\/front /.test(l));
    expect(rollout.length).toBeGreaterThan(1);
    expect(rollout[0]).toMatch(/rolling out/);
    expect(rollout.at(-1)).toMatch(/ready \(1\/1 ready, 1 updated, 1 available\)/);
    expect(lines.findIndex((l) => l === rollout.at(-1))).toBeLessThan(lines.findIndex((l) => l.startsWith(`deployed ${name} `)));

    const now = await deployment('front');
    const image = now.spec.template.spec.containers[0]!.image;
    expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(image).not.toBe(old.spec.template.spec.containers[0]!.image);
    expect(now.metadata.generation).toBe(old.metadata.generation! + 1);
    // Rolled out when deploy returned: the new generation observed, every replica new and available, the old ones gone.
    expect(now.status.observedGeneration).toBe(now.metadata.generation);
    expect(now.status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    const sets = (await get<{ items: (Obj & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } })[] }>('replicasets', '-l', `app.kubernetes.io/instance=${name}-front`)).items;
    const fresh = sets.filter((r) => !oldSets.includes(r.metadata.name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.spec).toMatchObject({ replicas: 1 });
    expect(fresh[0]!.spec.template.spec.containers[0]!.image).toBe(image);
    expect(sets.filter((r) => oldSets.includes(r.metadata.name)).map((r) => r.spec.replicas)).toEqual([0]);
    // back did not change at all.
    expect((await deployment('back')).metadata.resourceVersion).toBe(oldBack.metadata.resourceVersion);
  }, 240_000);

  it('devspace scale front=5 gets 5/5 ready and a later deploy keeps it (autoscaled); scale back=2 lasts until the next deploy, which says so', async () => {
    const scaled = await run(['scale', 'front=5', ...where], 120_000);
    expectNoStackTrace(scaled.stderr);
    expect(scaled.exitCode, scaled.stdout + scaled.stderr).toBe(0);
    const lines = plainLines(scaled.stdout);
    expect(lines).toContain('front: 5/5 ready');
    // front has an autoscaler (x-devspace.autoscale): the user is told that it may change the count.
    expect(scaled.stdout + scaled.stderr).toMatch(/warning: front: autoscaled between 1 and 10 by HorizontalPodAutoscaler front/);
    const d = await deployment('front');
    expect(d.spec.replicas).toBe(5);
    expect(d.status).toMatchObject({ replicas: 5, readyReplicas: 5, availableReplicas: 5, updatedReplicas: 5 });
    const pods = await get<{ items: Obj[] }>('pods', '-l', `app.kubernetes.io/instance=${name}-front`);
    expect(pods.items.filter((p) => (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toHaveLength(5);

    // The Deployment of an autoscaled service has no replicas in the manifest, so a redeploy must not reset them.
    const again = await deploy(true);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(events(again.stdout).filter((e) => e.type === 'k8s-object' && e['action'] !== 'unchanged')).toEqual([]);
    expect((await deployment('front')).spec.replicas).toBe(5);

    // Outside the autoscaler's range the count would not stay: a user error that says what to change.
    const tooMany = await run(['scale', 'front=20', ...where], 60_000);
    expect(tooMany.exitCode).toBe(1);
    expectNoStackTrace(tooMany.stderr);
    expect(tooMany.stderr).toMatch(/front is autoscaled between 1 and 10/);
    expect((await deployment('front')).spec.replicas).toBe(5);

    // back is not autoscaled: its count is the compose file's, and a deploy puts it back, saying so.
    const back = await run(['scale', 'back=2', ...where], 120_000);
    expect(back.exitCode, back.stdout + back.stderr).toBe(0);
    expect(plainLines(back.stdout)).toContain('back: 2/2 ready');
    expect((await deployment('back')).status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    const reset = await deploy();
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);
    const resetLines = plainLines(reset.stdout);
    expect(resetLines).toContain('back: 2 → 1 replica, as the compose file says (devspace scale lasts until the next deploy)');
    expect(resetLines).toContain('deployment/back configured');
    expect(resetLines).not.toContain('deployment/front configured');
    expect((await deployment('back')).spec.replicas).toBe(1);
    expect((await deployment('front')).spec.replicas).toBe(5);
    await waitFor('the second back pod to be gone', async () => (await get<{ items: Obj[] }>('pods', '-l', `app.kubernetes.io/instance=${name}-back`)).items.length === 1, { timeoutMs: 30_000 });
  }, 240_000);

  it('devspace ps --context shows the workloads and their pods (table and --json); logs --context says clearly that kwok pods have none', async () => {
    const ps = await run(['ps', ...where], 60_000);
    expect(ps.exitCode, ps.stderr).toBe(0);
    expect(ps.stderr).toBe('');
    const table = ps.stdout.split('\n');
    expect(table[0]).toMatch(/^SERVICE +WORKLOAD +DESIRED +READY +UPDATED +AVAILABLE +STATUS$/);
    expect(table).toContainEqual(expect.stringMatching(/^back +deployment\/back +1 +1 +1 +1 +ready$/));
    expect(table).toContainEqual(expect.stringMatching(/^front +deployment\/front +5 +5 +5 +5 +ready$/));
    expect(table).toContainEqual(expect.stringMatching(/^POD +SERVICE +STATUS +READY +RESTARTS +REASON$/));
    expect(table.filter((l) => /^front-\S+ +front +Running +yes +0$/.test(l))).toHaveLength(5);
    expect(table.filter((l) => /^back-\S+ +back +Running +yes +0$/.test(l))).toHaveLength(1);

    const json = await run(['ps', '--json', ...where], 60_000);
    expect(json.exitCode).toBe(0);
    const status = JSON.parse(json.stdout) as { context: string; namespace: string; workloads: Record<string, unknown>[]; pods: { service: string; phase: string; ready: boolean }[] };
    expect(status).toMatchObject({ context: CONTEXT, namespace });
    expect(status.workloads).toEqual([
      expect.objectContaining({ service: 'back', kind: 'Deployment', name: 'back', desired: 1, ready: 1, available: 1, status: 'ready' }),
      expect.objectContaining({ service: 'front', kind: 'Deployment', name: 'front', desired: 5, ready: 5, available: 5, status: 'ready' }),
    ]);
    expect(status.pods.map((p) => p.service)).toEqual(['back', 'front', 'front', 'front', 'front', 'front']);
    expect(status.pods.every((p) => p.phase === 'Running' && p.ready)).toBe(true);

    // kwok runs no containers and its nodes serve no logs: one clear line per pod, a non-zero exit, no stack trace.
    const logs = await run(['logs', 'back', ...where], 60_000);
    expectNoStackTrace(logs.stdout + logs.stderr);
    expect(logs.exitCode).toBe(1);
    expect(logs.stdout).toMatch(/^\S+ warning: back: no logs from back-\S+: .*404/m);
    expect(logs.stderr).toMatch(/no logs could be read/);
  }, 120_000);

  it('the secret reached the cluster as a Secret, and no deploy printed it (plain or --json)', async () => {
    const secret = await get('secret', 'api-token');
    expect(secret.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': name });
    expect(Buffer.from(secret.data!['api-token']!, 'base64').toString()).toContain(secretValue);
    const front = await deployment('front');
    expect(front.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'api-token' }) }));
    expect(front.spec.template.spec.containers[0]!.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/run/secrets/api-token' }));
    // Not in any ConfigMap, in clear or base64.
    const maps = JSON.stringify(await get('configmaps'));
    expect(maps).not.toContain(secretValue);
    expect(maps).not.toContain(Buffer.from(secretValue).toString('base64').slice(0, 16));
    // Never printed: every deploy of this file, plain and --json, stdout and stderr.
    expect(printed.length).toBeGreaterThanOrEqual(8);
    for (const text of printed) {
      expect(text).not.toContain(secretValue);
      expect(text).not.toContain(Buffer.from(secretValue).toString('base64').slice(0, 16));
    }
  }, 60_000);

  it('devspace delete leaves nothing with our labels and removes the namespace it created; a second delete is fine', async () => {
    const removed = await run(['delete', ...where], 180_000);
    expectNoStackTrace(removed.stderr);
    expect(removed.exitCode, removed.stdout + removed.stderr).toBe(0);
    expect(plainLines(removed.stdout).join('\n')).toMatch(new RegExp(`^${name} on ${CONTEXT}/${namespace}: deleted 8 objects and the namespace ${namespace}$`, 'm'));
    console.log(`[deploy e2e] delete: ${removed.seconds.toFixed(1)} s`);
    // delete returns once the namespace is gone, and with it everything in it.
    await expect(k.kubectl(['get', 'namespace', namespace])).rejects.toThrow(/NotFound/);
    expect((await get<{ items: Obj[] }>('all,configmaps,secrets,persistentvolumeclaims,horizontalpodautoscalers', '-l', selector)).items).toEqual([]);
    // The volume is left as Kubernetes leaves it (Retain): released, with its data, for us to remove.
    expect(await k.kubectlJson(['get', 'persistentvolume', pv])).toMatchObject({ status: { phase: 'Released' } });

    const twice = await run(['delete', ...where], 60_000);
    expect(twice.exitCode, twice.stdout + twice.stderr).toBe(0);
    expect(twice.stderr).toBe('');
    expect(plainLines(twice.stdout).join('\n')).toMatch(new RegExp(`^${name} on ${CONTEXT}/${namespace}: nothing to delete$`, 'm'));
    // And the cluster-side views say there is nothing, rather than printing nothing.
    const ps = await run(['ps', ...where], 60_000);
    expect([ps.exitCode, ps.stdout]).toEqual([0, `nothing deployed in ${CONTEXT}/${namespace}`]);
    const logs = await run(['logs', ...where], 60_000);
    expect(logs.exitCode).toBe(0);
    expect(logs.stderr).toBe(`no running pods of ${name} in ${CONTEXT}/${namespace}: see devspace ps --context ${CONTEXT} --kubeconfig ${k.kubeconfig} -n ${namespace}, or deploy first`);
  }, 240_000);
});

// The usual on a shared cluster: a user whose rights are a RoleBinding in one namespace that someone
// else made (no Namespace read, no events). deploy, scale and delete work there and leave the
// Namespace alone; what rollout feedback lacks (pod events) is said once.
describe.skipIf(!cluster)('devspace deploy by a user with rights in the namespace only', () => {
  const k = cluster!;
  const name = projectNames()('deploy-rbac');
  const namespace = uniqueNamespace('e2e-deploy-rbac');
  const selector = `app.kubernetes.io/managed-by=devspace,dev.devspace.project=${name}`;
  let kubeconfig: string;
  let dir: string;
  const run = (args: string[]) => devspace(['-p', name, ...args, '--context', 'limited', '--kubeconfig', kubeconfig, '-n', namespace], dir, {}, 60_000);

  beforeAll(async () => {
    dir = makeProject({ 'compose.yaml': 'services:\n  web:\n    image: registry.example/shop/web:1.0\n    expose: ["8080"]\n' });
    await k.kubectl(['create', 'namespace', namespace]);
    await k.kubectl(['-n', namespace, 'create', 'serviceaccount', 'limited']);
    const resources = ['configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'pods', 'pods/log', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'ingresses'];
    await k.kubectl(['-n', namespace, 'apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'limited' }, rules: [{ apiGroups: ['', 'apps', 'autoscaling', 'networking.k8s.io'], resources, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }] },
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'limited' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'limited' }, subjects: [{ kind: 'ServiceAccount', name: 'limited', namespace }] },
        ],
      }),
    });
    const token = (await k.kubectl(['-n', namespace, 'create', 'token', 'limited', '--duration', '10m'])).trim();
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'devspace-e2e-deploy-rbac-')), 'config');
    writeFileSync(kubeconfig, readFileSync(k.kubeconfig));
    const view = await k.kubectlJson<{ contexts: { name: string; context: { cluster: string } }[] }>(['config', 'view']);
    const base = view.contexts.find((c) => c.name === CONTEXT)!.context;
    await execa(k.kubectlPath, ['--kubeconfig', kubeconfig, 'config', 'set-credentials', 'limited', `--token=${token}`]);
    await execa(k.kubectlPath, ['--kubeconfig', kubeconfig, 'config', 'set-context', 'limited', `--cluster=${base.cluster}`, '--user=limited']);
  });

  afterAll(async () => {
    await k.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('deploys, scales and deletes without touching the Namespace, and says that pod events cannot be read', async () => {
    const deployed = await run(['deploy', '--timeout', '30']);
    expect(deployed.stderr).not.toMatch(/internal error|^\s+at /m);
    expect(deployed.exitCode, String(deployed.stdout) + String(deployed.stderr)).toBe(0);
    const lines = plainLines(String(deployed.stdout));
    expect(lines).toContain(`warning: your user may not list events in namespace ${namespace}: rollout reports go without the pods' events`);
    expect(lines).toContain('deployment/web created');
    expect(lines).toContainEqual(expect.stringMatching(/^web +\| deployment\/web ready \(1\/1 ready/));
    expect(lines).not.toContain(`namespace/${namespace} created`);
    expect((await k.kubectlJson<{ metadata: { labels?: Record<string, string> } }>(['get', 'namespace', namespace])).metadata.labels).not.toHaveProperty('app.kubernetes.io/managed-by');

    const scaled = await run(['scale', 'web=3']);
    expect(scaled.exitCode, String(scaled.stdout) + String(scaled.stderr)).toBe(0);
    expect(plainLines(String(scaled.stdout))).toContain('web: 3/3 ready');

    const removed = await run(['delete']);
    expect(removed.exitCode, String(removed.stdout) + String(removed.stderr)).toBe(0);
    expect(plainLines(String(removed.stdout)).join('\n')).toMatch(new RegExp(`^${name} on limited/${namespace}: deleted \\d+ objects$`, 'm'));
    expect((await k.kubectlJson<{ items: unknown[] }>(['-n', namespace, 'get', 'all,configmaps,secrets', '-l', selector])).items).toEqual([]);
    expect((await k.kubectlJson<{ status: { phase: string } }>(['get', 'namespace', namespace])).status.phase).toBe('Active');
  }, 120_000);
});

// Two compose projects deployed into one namespace with the same -n: the Namespace stays the first
// one's, and deleting either project never takes the other's objects with it.
describe.skipIf(!cluster)('two projects deployed into one namespace', () => {
  const k = cluster!;
  const names = projectNames();
  const [first, second] = [names('deploy-ns-a'), names('deploy-ns-b')];
  const namespace = uniqueNamespace('e2e-deploy-shared');
  const dirs: Record<string, string> = {};
  const run = (project: string, args: string[]) => devspace(['-p', project, ...args, '--context', CONTEXT, '--kubeconfig', k.kubeconfig, '-n', namespace], dirs[project]!, {}, 120_000);
  const deployments = async () => (await k.kubectlJson<{ items: Obj[] }>(['-n', namespace, 'get', 'deployments'])).items.map((d) => `${d.metadata.labels?.['dev.devspace.project']}/${d.metadata.name}`).sort();

  beforeAll(() => {
    for (const [project, service] of [[first, 'shop'], [second, 'billing']] as const) {
      dirs[project] = makeProject({ 'compose.yaml': `services:\n  ${service}:\n    image: registry.example/${service}:1.0\n    expose: ["8080"]\n` });
    }
  });

  afterAll(async () => {
    await k.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('keeps the namespace while the other project is in it, and removes it with the last one', async () => {
    for (const project of [first, second]) {
      const r = await run(project, ['deploy', '--timeout', '30']);
      expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(0);
    }
    expect(await deployments()).toEqual([`${second}/billing`, `${first}/shop`].sort());
    // The second deploy did not take the Namespace over.
    expect((await k.kubectlJson<Obj>(['get', 'namespace', namespace])).metadata.labels).toMatchObject({ 'dev.devspace.project': first });

    const a = await run(first, ['delete']);
    expect(a.exitCode, String(a.stdout) + String(a.stderr)).toBe(0);
    const aLines = plainLines(String(a.stdout));
    expect(aLines.find((l) => l.startsWith(`warning: namespace ${namespace} kept: `))).toMatch(new RegExp(`^warning: namespace ${namespace} kept: it holds \\d+ objects that are not this project's: .*deployment/billing \\(project ${second}\\)`));
    expect(aLines).toContainEqual(`${first} on ${CONTEXT}/${namespace}: deleted 2 objects`);
    expect(await deployments()).toEqual([`${second}/billing`]);

    const b = await run(second, ['delete']);
    expect(b.exitCode, String(b.stdout) + String(b.stderr)).toBe(0);
    expect(plainLines(String(b.stdout))).toContainEqual(`${second} on ${CONTEXT}/${namespace}: deleted 2 objects and the namespace ${namespace}`);
    await expect(k.kubectl(['get', 'namespace', namespace])).rejects.toThrow(/NotFound/);
  }, 180_000);
});
