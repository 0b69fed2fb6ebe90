// `devspace deploy` of services that do not come up, as a user runs it, against the real test API
// server, controller manager and scheduler. kwok plays the kubelet: a pod template annotated
// `devspace.test/fail` (a compose `labels:` entry becomes one) crash-loops, cannot pull its image or
// never gets ready (docs/testing.md). Image-only services: nothing is built or pushed, the Deployment
// names the compose image and kwok "runs" it.
//
// What a demanding user expects, and what is asserted: exit code 1; the error names the service and
// the reason (CrashLoopBackOff with the exit code and what became of the logs, ImagePullBackOff with
// the image, not ready with the readiness probe, unschedulable with the scheduler's message); a
// crash loop or a wrong image is reported within seconds, not at the --timeout deadline (we fail fast
// on those, like Skaffold's status check: waiting does not fix them), while a pod that is merely not
// ready yet or not scheduled yet is waited on until the deadline (a slow start or a scaling cluster
// may still make it) and then reported with its reason. A progress deadline shorter than --timeout
// wins. --rollback-on-failure returns the Deployment to the previous template; without it the failing
// revision stays, and a fixed version deploys. Ctrl-C while waiting exits 130.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTestCluster, CONTEXT, FAIL_ANNOTATION, uniqueNamespace, waitFor, type FailMode } from '../cluster/cluster-env.js';
import { bin, cleanEnv, devspace, makeProject, uniqueName } from './run-env.js';

const cluster = await connectTestCluster('devspace deploy failures');

type Event = Record<string, unknown> & { type: string; time: string };
const events = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);
const rollouts = (stdout: string, service: string) => events(stdout).filter((e) => e.type === 'rollout' && e['service'] === service);

interface Deployment {
  metadata: { annotations?: Record<string, string>; generation: number };
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  status: { observedGeneration?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}

describe.skipIf(!cluster)('devspace deploy: honest rollout failures', () => {
  const k = cluster!;
  const prefix = uniqueNamespace('deployfail');
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await k.kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  /** A project of one image-only service `web` (and its namespace), failing in `mode` when given. */
  function project(test: string) {
    const name = uniqueName(`df-${test}`).toLowerCase();
    const namespace = `${prefix}-${test}`;
    namespaces.push(namespace);
    const dir = makeProject({});
    const write = (service: string) => writeFileSync(join(dir, 'compose.yaml'), `name: ${name}\nservices:\n${service}`);
    return { name, namespace, dir, write };
  }

  async function deploy(p: { dir: string; namespace: string }, extra: string[], timeoutMs = 60_000) {
    const started = performance.now();
    const result = await devspace(['--json', 'deploy', '--kubeconfig', k.kubeconfig, '--context', CONTEXT, '-n', p.namespace, ...extra], p.dir, {}, timeoutMs);
    return { ...result, seconds: (performance.now() - started) / 1000 };
  }

  const web = (image: string, fail?: FailMode | 'none', extra = '') =>
    `  web:\n    image: ${image}\n    expose: ["8080"]\n${fail && fail !== 'none' ? `    labels:\n      ${FAIL_ANNOTATION}: ${fail}\n` : ''}${extra}`;

  const deployment = (namespace: string) => k.kubectlJson<Deployment>(['-n', namespace, 'get', 'deployment', 'web']);

  it('CrashLoopBackOff: exit 1 within seconds (not at the 60 s deadline), naming the service, the reason, the exit code and the logs', async () => {
    const p = project('crash');
    p.write(web('example.com/acme/web:crash', 'CrashLoopBackOff'));
    const r = await deploy(p, ['--timeout', '60']);
    console.log(`[deploy-failures] CrashLoopBackOff reported after ${r.seconds.toFixed(2)} s (--timeout 60)`);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toMatch(/^error: rollout failed: web: web-[a-z0-9]+-[a-z0-9]+: container web keeps crashing \(CrashLoopBackOff, last exit code 1; 1 restart\)/m);
    // kwok runs no container, so there is no log to show: the user is told why instead of nothing.
    expect(r.stderr).toMatch(/last log lines of web:\n\s+\(no log of the crashed container: .+\)/);
    expect(r.stderr).not.toMatch(/"kind":"Status"|\bat .+\.(c?js|ts):\d+/); // no raw JSON, no stack trace
    const last = rollouts(r.stdout, 'web').at(-1)!;
    expect(last).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', workload: 'deployment/web', desired: 1, ready: 0 });
    expect(last['pod']).toMatch(/^web-/);
    expect((last['logs'] as string[]).length).toBeGreaterThan(0);

    // The same again, nothing to change: the Deployment and its pods come from the first list, not
    // from watch events; still the crash loop, at once.
    const again = await deploy(p, ['--timeout', '60']);
    console.log(`[deploy-failures] unchanged redeploy of the crash loop reported after ${again.seconds.toFixed(2)} s`);
    expect(again.exitCode).toBe(1);
    expect(again.seconds).toBeLessThan(15);
    expect(events(again.stdout).filter((e) => e.type === 'k8s-object' && e['action'] !== 'unchanged')).toEqual([]);
    expect(again.stderr).toMatch(/^error: rollout failed: web: web-\S+: container web keeps crashing \(CrashLoopBackOff/m);
  }, 60_000);

  it('ImagePullBackOff: exit 1 within seconds, naming the service and the image; a first deploy has nothing to roll back to', async () => {
    const p = project('pull');
    p.write(web('example.com/acme/web:no-such-tag', 'ImagePullBackOff'));
    const r = await deploy(p, ['--timeout', '60', '--rollback-on-failure']);
    console.log(`[deploy-failures] ImagePullBackOff reported after ${r.seconds.toFixed(2)} s (--timeout 60)`);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toMatch(/^error: rollout failed: web: web-\S+: cannot pull image "example\.com\/acme\/web:no-such-tag" \(ImagePullBackOff\)/m);
    expect(rollouts(r.stdout, 'web').at(-1)).toMatchObject({ state: 'failed', reason: 'ImagePullBackOff' });
    expect(events(r.stdout).some((e) => e.type === 'message' && String(e['text']) === 'web: no previous revision to roll back to (first deploy)')).toBe(true);
    expect((await deployment(p.namespace)).spec.template.spec.containers[0]!.image).toBe('example.com/acme/web:no-such-tag');
  }, 60_000);

  it('one service crash-looping fails the deploy at once, while an unrelated one is still rolling out; its dependents are not deployed', async () => {
    const p = project('failfast');
    p.write(`${web('example.com/acme/web:v1', 'none', '    depends_on: [api, cache]\n')}  api:\n    image: example.com/acme/api:v1\n    expose: ["8080"]\n    labels:\n      ${FAIL_ANNOTATION}: CrashLoopBackOff\n  cache:\n    image: example.com/acme/cache:v1\n    expose: ["6379"]\n    labels:\n      ${FAIL_ANNOTATION}: NotReady\n`);
    const r = await deploy(p, ['--timeout', '60']);
    console.log(`[deploy-failures] a crash loop beside a not-ready service reported after ${r.seconds.toFixed(2)} s (--timeout 60)`);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toMatch(/^error: rollout failed: api: api-\S+: container api keeps crashing \(CrashLoopBackOff/m);
    expect(r.stderr).toMatch(/Not deployed: web \(waits for api(, cache)?\)\./);
    // cache is still rolling out (or not yet seen) when api's crash loop is the verdict.
    expect(r.stderr).toMatch(/Not waited for \(still rolling out\): cache \(/);
    expect(events(r.stdout).some((e) => e.type === 'k8s-object' && e['kind'] === 'Deployment' && e['name'] === 'web')).toBe(false);
  }, 60_000);

  it('a service is deployed as soon as what it depends on is ready, not after an unrelated slow one', async () => {
    const p = project('order');
    // web depends on api (ready at once); cache never gets ready. With waves, web waited for cache.
    p.write(`${web('example.com/acme/web:v1', 'none', '    depends_on: [api]\n')}  api:\n    image: example.com/acme/api:v1\n    expose: ["8080"]\n  cache:\n    image: example.com/acme/cache:v1\n    expose: ["6379"]\n    labels:\n      ${FAIL_ANNOTATION}: NotReady\n`);
    const r = await deploy(p, ['--timeout', '6']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: rollout failed: cache: /m);
    expect(r.stderr).not.toMatch(/Not deployed/);
    const readyAt = (service: string) => events(r.stdout).findIndex((e) => e.type === 'rollout' && e['service'] === service && e['state'] === 'ready');
    expect(readyAt('web')).toBeGreaterThan(readyAt('api'));
    expect(readyAt('api')).toBeGreaterThanOrEqual(0);
    const live = await deployment(p.namespace);
    expect(live.status?.availableReplicas).toBe(1);
  }, 60_000);

  it('a namespace being deleted is refused at once, instead of waiting for objects the namespace controller removes', async () => {
    const p = project('terminating');
    p.write(web('example.com/acme/web:v1'));
    // A ConfigMap with a finalizer keeps the namespace Terminating until the finalizer goes.
    await k.kubectl(['create', 'namespace', p.namespace]);
    await k.kubectl(['apply', '-f', '-'], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hold, namespace: ${p.namespace}, finalizers: [devspace.test/hold]}\n` });
    await k.kubectl(['delete', 'namespace', p.namespace, '--wait=false']);
    try {
      const r = await deploy(p, ['--timeout', '60']);
      expect(r.exitCode).toBe(1);
      expect(r.seconds).toBeLessThan(15);
      expect(r.stderr).toContain(`error: namespace ${p.namespace} is being deleted`);
      expect(r.stderr).toContain('deploy again');
    } finally {
      await k.kubectl(['-n', p.namespace, 'patch', 'configmap', 'hold', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    }
  }, 60_000);

  it('a StatefulSet crash-looping: exit 1 within seconds; --rollback-on-failure says it returns Deployments only', async () => {
    const p = project('sts');
    p.write(`  db:\n    image: example.com/acme/db:v1\n    expose: ["5432"]\n    labels:\n      ${FAIL_ANNOTATION}: CrashLoopBackOff\n    x-devspace:\n      workload: statefulset\n`);
    const r = await deploy(p, ['--timeout', '60', '--rollback-on-failure']);
    console.log(`[deploy-failures] StatefulSet CrashLoopBackOff reported after ${r.seconds.toFixed(2)} s (--timeout 60)`);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toMatch(/^error: rollout failed: db: db-0: container db keeps crashing \(CrashLoopBackOff, last exit code 1; 1 restart\)/m);
    expect(rollouts(r.stdout, 'db').at(-1)).toMatchObject({ state: 'failed', reason: 'CrashLoopBackOff', workload: 'statefulset/db', pod: 'db-0' });
    expect(events(r.stdout).some((e) => e.type === 'message' && /db: --rollback-on-failure returns Deployments only/.test(String(e['text'])))).toBe(true);
  }, 60_000);

  it('NotReady (failing readiness): said within seconds while waiting, then exit 1 at the deadline with the reason', async () => {
    const p = project('notready');
    p.write(web('example.com/acme/web:v1', 'NotReady'));
    const r = await deploy(p, ['--timeout', '5']);
    const seen = rollouts(r.stdout, 'web');
    const start = Date.parse(events(r.stdout)[0]!.time);
    const told = seen.find((e) => e['reason'] === 'NotReady' && e['state'] === 'progressing');
    expect(told, r.stdout).toBeDefined();
    const toldAfter = (Date.parse(told!.time) - start) / 1000;
    console.log(`[deploy-failures] NotReady said after ${toldAfter.toFixed(2)} s, deploy failed after ${r.seconds.toFixed(2)} s (--timeout 5)`);
    expect(toldAfter).toBeLessThan(4);
    expect(told!['message']).toMatch(/container web is running but not ready \(its readiness probe has not succeeded\)/);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeGreaterThanOrEqual(5);
    expect(r.seconds).toBeLessThan(15);
    expect(r.stderr).toMatch(/^error: rollout failed: web: not rolled out after 5 s: .*container web is running but not ready \(its readiness probe has not succeeded\)/m);
    expect(seen.at(-1)).toMatchObject({ state: 'failed', reason: 'NotReady' });
  }, 60_000);

  it('Unschedulable: the scheduler\'s message, said while waiting and in the error', async () => {
    const p = project('unsched');
    // The kwok nodes have 1 TiB of memory each.
    p.write(web('example.com/acme/web:v1', 'none', '    deploy:\n      resources:\n        reservations:\n          memory: 5000g\n'));
    const r = await deploy(p, ['--timeout', '4']);
    console.log(`[deploy-failures] Unschedulable: deploy failed after ${r.seconds.toFixed(2)} s (--timeout 4)`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: rollout failed: web: not rolled out after 4 s: .*web-\S+: cannot be scheduled: 0\/2 nodes are available: 2 Insufficient memory/m);
    expect(rollouts(r.stdout, 'web').find((e) => e['state'] === 'progressing' && e['reason'] === 'Unschedulable')).toBeDefined();
  }, 60_000);

  it('a progress deadline shorter than --timeout wins: ProgressDeadlineExceeded', async () => {
    const p = project('deadline');
    p.write(web('example.com/acme/web:v1'));
    const good = await deploy(p, ['--timeout', '30']);
    expect(good.exitCode, good.stderr).toBe(0);
    // Someone set the Deployment's progressDeadlineSeconds (we do not own the field, so it stays).
    await k.kubectl(['-n', p.namespace, 'patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"progressDeadlineSeconds":3}}']);
    p.write(web('example.com/acme/web:v2', 'NotReady'));
    const r = await deploy(p, ['--timeout', '30']);
    console.log(`[deploy-failures] ProgressDeadlineExceeded (progressDeadlineSeconds 3, --timeout 30) after ${r.seconds.toFixed(2)} s`);
    expect(r.exitCode).toBe(1);
    expect(r.seconds).toBeLessThan(20);
    expect(r.stderr).toMatch(/^error: rollout failed: web: exceeded its progress deadline \(ReplicaSet "web-\S+" has timed out progressing\.\); web-\S+: container web is running but not ready/m);
  }, 90_000);

  it('--rollback-on-failure returns the Deployment to the previous template; without it the failing revision stays; a fix deploys', async () => {
    const p = project('rollback');
    p.write(web('example.com/acme/web:good'));
    const first = await deploy(p, ['--timeout', '30']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect((await deployment(p.namespace)).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    p.write(web('example.com/acme/web:bad', 'CrashLoopBackOff'));
    const failed = await deploy(p, ['--timeout', '30', '--rollback-on-failure']);
    console.log(`[deploy-failures] --rollback-on-failure: failed, rolled back and ready again after ${failed.seconds.toFixed(2)} s`);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/^error: rollout failed: web: .*keeps crashing \(CrashLoopBackOff.*\(rolled back to the previous revision\)/m);
    expect(failed.stdout).toContain('web: rolling back to revision 1');
    expect(rollouts(failed.stdout, 'web').at(-1)).toMatchObject({ state: 'rolled-back', ready: 1, available: 1 });
    const back = await deployment(p.namespace);
    expect(back.spec.template.spec.containers[0]!.image).toBe('example.com/acme/web:good');
    expect(back.spec.template.metadata.annotations?.[FAIL_ANNOTATION]).toBeUndefined();
    // kubectl rollout undo's way: the good ReplicaSet becomes revision 3; the bad one (2) is scaled to 0.
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const history = await k.kubectl(['-n', p.namespace, 'rollout', 'history', 'deployment/web']);
    expect(history.split('\n').filter((l) => /^\d+\s/.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['2', '3']);
    const sets = await k.kubectlJson<{ items: { metadata: { annotations: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[] }>(['-n', p.namespace, 'get', 'replicasets']);
    const byRevision = Object.fromEntries(sets.items.map((s) => [s.metadata.annotations['deployment.kubernetes.io/revision'], { image: s.spec.template.spec.containers[0]!.image, replicas: s.spec.replicas }]));
    expect(byRevision).toEqual({ '2': { image: 'example.com/acme/web:bad', replicas: 0 }, '3': { image: 'example.com/acme/web:good', replicas: 1 } });
    await k.kubectl(['-n', p.namespace, 'rollout', 'status', 'deployment/web', '--timeout=20s'], { timeoutMs: 30_000 });

    // Without the flag: exit 1, the failing revision stays, and the error says the flag exists.
    const stays = await deploy(p, ['--timeout', '30']);
    expect(stays.exitCode).toBe(1);
    expect(stays.stderr).toContain('CrashLoopBackOff');
    expect(stays.stderr).toContain('Run with --rollback-on-failure');
    const left = await deployment(p.namespace);
    expect(left.spec.template.spec.containers[0]!.image).toBe('example.com/acme/web:bad');
    expect(left.spec.template.metadata.annotations?.[FAIL_ANNOTATION]).toBe('CrashLoopBackOff');

    // The fix: the crash-looping pods of the previous revision must not fail it.
    p.write(web('example.com/acme/web:fixed'));
    const fixed = await deploy(p, ['--timeout', '30']);
    console.log(`[deploy-failures] fix over a crash-looping revision ready after ${fixed.seconds.toFixed(2)} s`);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(rollouts(fixed.stdout, 'web').some((e) => e['state'] === 'failed')).toBe(false);
    const now = await deployment(p.namespace);
    expect(now.spec.template.spec.containers[0]!.image).toBe('example.com/acme/web:fixed');
    expect(now.status).toMatchObject({ readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 });
  }, 120_000);

  it('Ctrl-C while waiting for a rollout exits 130, "interrupted"', async () => {
    const p = project('sigint');
    p.write(web('example.com/acme/web:v1', 'NotReady'));
    const child = execa(bin, ['--json', 'deploy', '--kubeconfig', k.kubeconfig, '--context', CONTEXT, '-n', p.namespace, '--timeout', '60'], { cwd: p.dir, env: cleanEnv(), extendEnv: false, reject: false, timeout: 60_000 });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor('the rollout to be waited on', async () => rollouts(out, 'web').some((e) => e['reason'] === 'NotReady'), { timeoutMs: 20_000, intervalMs: 50 });
    const sent = performance.now();
    child.kill('SIGINT');
    const r = await child;
    console.log(`[deploy-failures] Ctrl-C: exited after ${((performance.now() - sent) / 1000).toFixed(2)} s`);
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('interrupted');
    expect(performance.now() - sent).toBeLessThan(5000);
  }, 60_000);
});
