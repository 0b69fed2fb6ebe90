// The applying layer of `devspace deploy` (src/k8s/cluster/{deploy,apply,prune}.ts) against the REAL
// test API server (test/cluster): the module functions are called directly on objects rendered
// from small compose files (loadProject → renderProject), and what a user would see is checked
// with kubectl:
// - server-side apply as field manager `devspace`; a second apply of the same objects changes nothing;
// - dependency order: a dependency is applied and rolled out before its dependents are applied;
// - a field owned by another field manager is a conflict (user error naming the field and the
//   manager, pointing to --force-conflicts); with force, devspace takes the field;
// - pruning deletes what we applied before and no longer render, found by our labels only;
// - our own configuration rebuilt from managedFields (what scale and rollback re-apply) is a no-op
//   on the server, and scaling changes the replicas only, never the pod template;
// - a registry that needs auth (the AUTH test registry, credentials through the test credential
//   helper): a pull Secret in the namespace, referenced by the pods; the credentials in no event;
// - an object the API server rejects (422) is a user error with the server's words and a hint;
// - `bin/devspace deploy` exits as soon as it is done (keep-alive connections do not hold it).
// Fails in CI without a cluster (and, for the pull Secret, without the engine and registries).
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/compose/load-project.js';
import { openEngine, type OpenedEngine } from '../../src/engine/connect.js';
import { UserError } from '../../src/errors.js';
import type { DevspaceEvent } from '../../src/events.js';
import { applyObject } from '../../src/k8s/cluster/apply.js';
import { appliedBy } from '../../src/k8s/cluster/managed-fields.js';
import { scaleWorkload } from '../../src/k8s/cluster/scale.js';
import { listOurs, prune } from '../../src/k8s/cluster/prune.js';
import { k8sProjectSelector } from '../../src/labels.js';
import { applyRendered, type ApplyRenderedOptions, type DeployOutcome } from '../../src/k8s/cluster/deploy.js';
import { reuseConnections } from '../../src/k8s/cluster/kubeconfig.js';
import { deliverImages } from '../../src/k8s/images/deliver.js';
import type { K8sObject, RenderInput } from '../../src/k8s/manifest.js';
import { renderProject } from '../../src/k8s/render/index.js';
import { readRenderSources } from '../../src/k8s/render/read-sources.js';
import { connectTestCluster, CONTEXT, uniqueNamespace, waitFor } from '../cluster/cluster-env.js';
import { bin, cleanEnv, root } from '../e2e/run-env.js';
import { CREDENTIAL_HELPER_DIR, registryOrSkip } from '../registry/registry-env.js';
import { docker, dockerEngineOrSkip, removeImagesLabelled } from './docker-env.js';

const cluster = await connectTestCluster('k8s cluster (apply, prune, conflicts)');
const engine = cluster ? await dockerEngineOrSkip('k8s cluster: pull Secret for an auth registry') : false;
const registries = cluster ? await registryOrSkip('k8s cluster: pull Secret for an auth registry') : undefined;

const run = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const home = mkdtempSync(join(tmpdir(), 'devspace-k8s-cluster-home-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: home, ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }) };
/** Every namespace a test deploys to; removed at the end (they all carry the test run's project names). */
const namespaces: string[] = [];
const projects: string[] = [];
const dirs: string[] = [home];

/** db (no dependencies) and web (depends on db); `web: false` leaves web out, as if removed from the file. */
function composeFile(name: string, { web = true, extra = '' }: { web?: boolean; extra?: string } = {}): string {
  return [
    `name: ${name}`,
    'services:',
    '  db:',
    '    image: redis:7',
    '    expose: ["6379"]',
    ...(web ? ['  web:', '    image: nginx:1.27', '    ports: ["8080:80"]', '    depends_on: [db]'] : []),
    extra,
  ].join('\n');
}

function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-k8s-cluster-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function newProject(prefix: string): { name: string; namespace: string } {
  const name = `${prefix}-${run}`;
  const namespace = uniqueNamespace(prefix);
  projects.push(name);
  namespaces.push(namespace);
  return { name, namespace };
}

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster!.kubeconfig);
  kc.setCurrentContext(CONTEXT);
  return reuseConnections(kc);
}
/** One KubeConfig for all tests, as one deploy uses one for everything (its agents are shared). */
const kc = cluster ? kubeConfig() : (undefined as unknown as KubeConfig);

function render(dir: string, namespace: string, extra: Partial<RenderInput> = {}) {
  const { project } = loadProject({ cwd: dir, env: baseEnv, home });
  return renderProject({ project, images: {}, sources: readRenderSources(project, baseEnv), namespace, ...extra });
}

async function deploy(dir: string, namespace: string, options: Partial<ApplyRenderedOptions> = {}): Promise<{ events: DevspaceEvent[]; outcome?: DeployOutcome; error?: unknown }> {
  const events: DevspaceEvent[] = [];
  const rendered = options.rendered ?? render(dir, namespace);
  try {
    const outcome = await applyRendered({ kc, rendered, rollbackOnFailure: false, forceConflicts: false, timeoutSeconds: 30, emit: (e) => events.push(e), ...options });
    return { events, outcome };
  } catch (error) {
    return { events, error };
  }
}

const objectEvents = (events: DevspaceEvent[]) => events.filter((e): e is Extract<DevspaceEvent, { type: 'k8s-object' }> => e.type === 'k8s-object');
const kubectlJson = <T>(args: string[]) => cluster!.kubectlJson<T>(args);
type Live = { metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1?: Record<string, unknown> }[] }; spec?: Record<string, unknown> };
type LiveList = { items: Live[] };
const names = async (namespace: string, kinds: string) => (await kubectlJson<LiveList>(['-n', namespace, 'get', kinds])).items.map((o) => `${(o as unknown as { kind: string }).kind}/${o.metadata.name}`).sort();

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (!cluster) return;
  for (const namespace of namespaces) await cluster.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
}, 60_000);

describe.skipIf(!cluster)('applying a rendered project on the real API server', () => {
  it('applies with server-side apply as field manager devspace; a second apply of the same objects changes nothing', async () => {
    const { name, namespace } = newProject('ssa');
    const dir = projectDir({ 'compose.yaml': composeFile(name) });
    const first = await deploy(dir, namespace);
    expect(first.error).toBeUndefined();
    expect(objectEvents(first.events).map((e) => `${e.kind}/${e.name} ${e.action}`).sort()).toEqual(
      ['Deployment/db created', 'Deployment/web created', `Namespace/${namespace} created`, 'Service/db created', 'Service/web created'].sort(),
    );
    expect(first.outcome!.results.map((r) => `${r.service} ${r.state} ${r.ready}/${r.desired}`)).toEqual(['db ready 1/1', 'web ready 1/1']);

    // What kubectl shows: every object of ours applied (operation Apply) by devspace and by no one else.
    const live = await kubectlJson<LiveList>(['-n', namespace, 'get', 'deployments,services', '--show-managed-fields']);
    expect(live.items).toHaveLength(4);
    for (const o of live.items) {
      const appliers = (o.metadata.managedFields ?? []).filter((m) => m.operation === 'Apply').map((m) => m.manager);
      expect(appliers, o.metadata.name).toEqual(['devspace']);
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': name });
    }
    const web = live.items.find((o) => (o as unknown as { kind: string }).kind === 'Deployment' && o.metadata.name === 'web')!;
    const owned = web.metadata.managedFields!.find((m) => m.manager === 'devspace')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    expect(Object.keys(owned['f:spec'])).toEqual(expect.arrayContaining(['f:replicas', 'f:selector', 'f:template']));
    const ns = await kubectlJson<Live>(['get', 'namespace', namespace]);
    expect(ns.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': name });

    // Again, nothing changed: every object unchanged, the same resourceVersions on the server.
    const second = await deploy(dir, namespace);
    expect(second.error).toBeUndefined();
    expect(new Set(objectEvents(second.events).map((e) => e.action))).toEqual(new Set(['unchanged']));
    const again = await kubectlJson<LiveList>(['-n', namespace, 'get', 'deployments,services']);
    expect(again.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort()).toEqual(live.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort());
    expect(second.outcome!.pruned).toEqual([]);
  }, 60_000);

  it('applies in dependency order: db is applied and rolled out before web (depends_on) is applied', async () => {
    const { name, namespace } = newProject('order');
    const dir = projectDir({ 'compose.yaml': composeFile(name) });
    const { events, error } = await deploy(dir, namespace);
    expect(error).toBeUndefined();
    const at = (match: (e: DevspaceEvent) => boolean, what: string) => {
      const i = events.findIndex(match);
      expect(i, what).toBeGreaterThanOrEqual(0);
      return i;
    };
    const applied = (kind: string, n: string) => at((e) => e.type === 'k8s-object' && e.kind === kind && e.name === n, `${kind}/${n} applied`);
    const dbReady = at((e) => e.type === 'rollout' && e.service === 'db' && e.state === 'ready', 'db ready');
    const webFirst = Math.min(applied('Deployment', 'web'), applied('Service', 'web'));
    expect(applied('Deployment', 'db')).toBeLessThan(dbReady);
    expect(applied('Service', 'db')).toBeLessThan(dbReady);
    expect(dbReady).toBeLessThan(webFirst);
    expect(events.slice(0, webFirst).some((e) => e.type === 'rollout' && e.service === 'web')).toBe(false);
    // The server agrees: web was created after db had an available replica.
    const db = await kubectlJson<{ status: { conditions: { type: string; lastTransitionTime: string }[] } }>(['-n', namespace, 'get', 'deployment', 'db']);
    const web = await kubectlJson<{ metadata: { creationTimestamp: string } }>(['-n', namespace, 'get', 'deployment', 'web']);
    const available = db.status.conditions.find((c) => c.type === 'Available')!.lastTransitionTime;
    expect(Date.parse(web.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(available));
  }, 60_000);

  it('a field another manager owns is a conflict naming the field and the manager; --force-conflicts takes it', async () => {
    const { name, namespace } = newProject('conflict');
    const dir = projectDir({ 'compose.yaml': composeFile(name) });
    expect((await deploy(dir, namespace)).error).toBeUndefined();

    // Someone else applies a different image for web's container with their own field manager
    // (kubectl already tells them it is devspace's; they force it).
    const theirs = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } } } };
    await cluster!.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=someone-else', '-f', '-'], { input: JSON.stringify(theirs) });
    const conflicted = await deploy(dir, namespace);
    expect(conflicted.error).toBeInstanceOf(UserError);
    const error = conflicted.error as UserError;
    expect(error.message).toContain('Deployment');
    expect(error.message).toContain('web');
    expect(error.message).toContain('.spec.template.spec.containers[name="web"].image');
    expect(error.message).toContain('"someone-else"');
    expect(error.nextSteps.join('\n')).toContain('--force-conflicts');
    const image = () => cluster!.kubectl(['-n', namespace, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(await image()).toBe('nginx:1.26');

    // kubectl scale: a field changed by an update (subresource scale), not an apply.
    await cluster!.kubectl(['-n', namespace, 'scale', 'deployment', 'db', '--replicas=3']);
    const scaled = await deploy(dir, namespace);
    expect(scaled.error).toBeInstanceOf(UserError);
    expect((scaled.error as UserError).message).toContain(`cannot apply Deployment ${namespace}/db: .spec.replicas (owned by "kubectl" through its scale subresource) is managed by another field manager`);
    expect((scaled.error as UserError).nextSteps.join('\n')).toContain('--force-conflicts');
    expect((scaled.error as UserError).nextSteps.join('\n')).toContain('devspace scale SERVICE=N');

    const forced = await deploy(dir, namespace, { forceConflicts: true });
    expect(forced.error).toBeUndefined();
    expect(await image()).toBe('nginx:1.27');
    expect(await cluster!.kubectl(['-n', namespace, 'get', 'deployment', 'db', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
    const owners = async (deployment: string) => (await kubectlJson<Live>(['-n', namespace, 'get', 'deployment', deployment, '--show-managed-fields'])).metadata.managedFields!;
    // The fields are devspace's now: someone-else owns nothing of web's container any more, kubectl no longer db's replicas.
    expect(JSON.stringify((await owners('web')).find((m) => m.manager === 'someone-else')?.fieldsV1 ?? {})).not.toContain('f:image');
    const dbOwners = await owners('db');
    expect(dbOwners.filter((m) => m.manager !== 'devspace' && JSON.stringify(m.fieldsV1 ?? {}).includes('"f:replicas"') && m.subresource !== 'status')).toEqual([]);
  }, 60_000);

  it('prunes what it applied before and no longer renders, by its labels only', async () => {
    const { name, namespace } = newProject('prune');
    const dir = projectDir({ 'compose.yaml': composeFile(name) });
    expect((await deploy(dir, namespace)).error).toBeUndefined();
    // In the same namespace: something without labels, and another project's (also devspace's) objects.
    const other = `other-${run}`;
    const labels = { 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': other, 'app.kubernetes.io/name': 'web' };
    const foreign = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-ours', namespace }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-config', namespace, labels }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other-web', namespace, labels }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } },
    ];
    await cluster!.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: foreign }) });

    writeFileSync(join(dir, 'compose.yaml'), composeFile(name, { web: false }));
    const { events, outcome, error } = await deploy(dir, namespace);
    expect(error).toBeUndefined();
    expect(objectEvents(events).filter((e) => e.action === 'pruned').map((e) => `${e.kind}/${e.name}`).sort()).toEqual(['Deployment/web', 'Service/web']);
    expect(outcome!.pruned.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/web', 'Service/web']);
    expect(await names(namespace, 'deployments,services')).toEqual(['Deployment/db', 'Service/db', 'Service/other-web']);
    expect((await names(namespace, 'configmaps')).filter((n) => n !== 'ConfigMap/kube-root-ca.crt')).toEqual(['ConfigMap/not-ours', 'ConfigMap/other-config']);
    // The Deployment's ReplicaSet and pods go with it (garbage collector).
    await waitFor('web pods gone', async () => (await kubectlJson<LiveList>(['-n', namespace, 'get', 'pods,replicasets', '-l', 'app.kubernetes.io/name=web,dev.devspace.project=' + name])).items.length === 0, { timeoutMs: 20_000 });
  }, 60_000);

  it('prune leaves the claims a rendered StatefulSet made alone, silently; once the StatefulSet is gone it keeps them and says so', async () => {
    const { name, namespace } = newProject('claims');
    const dir = projectDir({ 'compose.yaml': `name: ${name}\nservices:\n  db:\n    image: postgres:17\n    volumes: [pgdata:/var/lib/postgresql/data]\n    x-devspace: {workload: statefulset}\nvolumes:\n  pgdata:\n` });
    const rendered = render(dir, namespace);
    // Applied one by one: without a volume provisioner the pod never starts, so there is no rollout to wait for.
    const api = KubernetesObjectApi.makeApiClient(kc);
    for (const o of rendered.objects) await applyObject(api, o, 'absent', { force: false });
    const selector = k8sProjectSelector(name);
    const claims = await waitFor('the StatefulSet controller makes the claim', async () => {
      const ours = await listOurs(api, namespace, selector);
      return ours.has('PersistentVolumeClaim/pgdata-db-0') && ours;
    }, { timeoutMs: 20_000 });
    expect(claims.get('PersistentVolumeClaim/pgdata-db-0')!.metadata.labels).toMatchObject({ 'dev.devspace.project': name });

    const events: DevspaceEvent[] = [];
    expect(await prune(api, claims.values(), rendered.objects, namespace, (e) => events.push(e))).toEqual([]);
    expect(events).toEqual([]);

    // db removed from the compose file: its StatefulSet and Service go, the claim and its data stay, said once.
    const removed = await prune(api, (await listOurs(api, namespace, selector)).values(), [], namespace, (e) => events.push(e));
    expect(removed.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Service/db-headless', 'StatefulSet/db']);
    expect(events.filter((e) => e.type === 'message')).toEqual([{ type: 'message', level: 'warn', text: 'PersistentVolumeClaim pgdata-db-0 is no longer rendered; kept with its data (devspace delete removes it)' }]);
    expect(await names(namespace, 'persistentvolumeclaims')).toEqual(['PersistentVolumeClaim/pgdata-db-0']);
  }, 60_000);

  it('what devspace applied, read back from managedFields (scale and rollback do this), applies again as no change', async () => {
    // The kitchen sink has every mapping: env lists, ports keyed by port+protocol, probes, volumes, mounts, HPA, Ingress.
    // And `api`: lists (mounts, volumes, env) whose order is not their keys' sorted order, with a fixed replica count.
    const { name, namespace } = newProject('fields');
    const env = { ...baseEnv, KITCHEN_SINK_API_KEY: 'key' };
    const { project } = loadProject({ cwd: join(root, 'fixtures/k8s/kitchen-sink'), env, home });
    const rendered = renderProject({ project, images: {}, sources: readRenderSources(project, env), namespace, imagePullSecrets: ['regcred'] });
    const apiDir = projectDir({ 'compose.yaml': `name: ${name}\nservices:\n  api:\n    image: nginx:1.27\n    tmpfs: [/var/cache/nginx, /run, /tmp]\n    environment: {ZED: "1", ALPHA: "2"}\n    healthcheck: {test: ["CMD", "true"]}\n    scale: 2\n` });
    rendered.objects.push(...render(apiDir, namespace).objects.filter((o) => o.kind !== 'Namespace'));
    // A fixed nodePort is allocated cluster-wide: another namespace (an earlier run's, still terminating) may hold it.
    for (const o of rendered.objects) for (const port of (o.kind === 'Service' ? (o.spec as { ports: { nodePort?: number }[] }).ports : [])) delete port.nodePort;
    const api = KubernetesObjectApi.makeApiClient(kc);
    for (const o of rendered.objects) await applyObject(api, o, 'absent', { force: false });
    // Controllers change these objects meanwhile (status, finalizers), so a resourceVersion says
    // little here: a server-side dry run of our extracted intent must leave the live object as it is.
    const strip = (o: K8sObject) => {
      const { status: _status, ...rest } = JSON.parse(JSON.stringify(o)) as K8sObject;
      const { resourceVersion: _rv, managedFields: _mf, ...metadata } = rest.metadata;
      return { ...rest, metadata };
    };
    let checked = 0;
    for (const o of rendered.objects) {
      const live = (await api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, ...(o.kind !== 'Namespace' && { namespace }) } })) as unknown as K8sObject;
      const ours = appliedBy(live, 'devspace');
      expect(ours, `${o.kind}/${o.metadata.name}`).toBeDefined();
      const dry = (await api.patch(ours!, undefined, 'All', 'devspace', false, PatchStrategy.ServerSideApply)) as unknown as K8sObject;
      expect(strip(dry), `${o.kind}/${o.metadata.name}`).toEqual(strip(live));
      expect(appliedBy(dry, 'devspace'), `${o.kind}/${o.metadata.name}`).toEqual(ours);
      checked++;
    }
    expect(checked).toBeGreaterThan(15);

    // So `devspace scale` changes the replicas and nothing else: same pod template, no new rollout.
    const deployments = rendered.objects.filter((o) => o.kind === 'Deployment' && (o.spec as { replicas?: number }).replicas !== undefined);
    expect(deployments.map((d) => d.metadata.name)).toContain('api');
    for (const d of deployments) {
      const before = await kubectlJson<{ metadata: { generation: number }; spec: { replicas: number; template: unknown } }>(['-n', namespace, 'get', 'deployment', d.metadata.name]);
      await scaleWorkload(api, namespace, 'Deployment', d.metadata.name, before.spec.replicas + 1, false);
      const after = await kubectlJson<typeof before>(['-n', namespace, 'get', 'deployment', d.metadata.name]);
      expect(after.spec.replicas, d.metadata.name).toBe(before.spec.replicas + 1);
      expect(after.spec.template, d.metadata.name).toEqual(before.spec.template);
      expect(after.metadata.generation, d.metadata.name).toBe(before.metadata.generation + 1);
    }
  }, 60_000);

  it('a user who may not list a kind there (RBAC): a kind the project renders none of is skipped with a warning and the deploy goes on; one it must list is a user error naming the permission', async () => {
    const { name, namespace } = newProject('rbac');
    // The namespace is the cluster admin's; the user (a service account) may manage workloads, Services and ConfigMaps there, not Secrets.
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'deployer', namespace },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['services', 'configmaps', 'pods', 'pods/log', 'events', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
      ],
    };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer', namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' }, subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }] };
    await cluster!.kubectl(['create', 'namespace', namespace]);
    await cluster!.kubectl(['-n', namespace, 'create', 'serviceaccount', 'deployer']);
    await cluster!.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [role, binding] }) });
    const token = (await cluster!.kubectl(['-n', namespace, 'create', 'token', 'deployer', '--duration=10m'])).trim();
    const user = new KubeConfig();
    const admin = kubeConfig();
    user.loadFromOptions({ clusters: [admin.getCurrentCluster()!], users: [{ name: 'deployer', token }], contexts: [{ name: 'deployer', cluster: admin.getCurrentCluster()!.name, user: 'deployer' }], currentContext: 'deployer' });
    const dir = projectDir({ 'compose.yaml': composeFile(name) });

    // The project renders no Secret: deploy skips that kind with a warning and deploys the rest.
    const { error, events } = await deploy(dir, namespace, { kc: user });
    expect(error).toBeUndefined();
    const warning = `your user may not list secrets in namespace ${namespace}: any that devspace applied there before are not pruned`;
    expect(events).toContainEqual({ type: 'message', level: 'warn', text: warning });

    // Without leave to skip it (a project that renders Secrets, or has a pull Secret), the same
    // forbidden list is a user error naming the permission.
    const listError = await listOurs(KubernetesObjectApi.makeApiClient(user), namespace, k8sProjectSelector(name)).then(() => undefined, (e: unknown) => e);
    expect(listError).toBeInstanceOf(UserError);
    expect((listError as UserError).message).toMatch(new RegExp(`^cannot list secrets in namespace ${namespace}: secrets is forbidden: User "system:serviceaccount:${namespace}:deployer" cannot list`));
    expect((listError as UserError).nextSteps.join('\n')).toContain(`kubectl auth can-i list secrets -n ${namespace}`);
  }, 60_000);

  it('an object the API server rejects (422, a kind it does not serve, a namespace being deleted) is a user error with the server\'s reason and a hint', async () => {
    const { name, namespace } = newProject('invalid');
    // A memory reservation above the limit: compose takes it, the API server does not.
    const extra = ['  bad:', '    image: busybox:1.36', '    deploy:', '      resources:', '        limits: {memory: 64M}', '        reservations: {memory: 128M}'].join('\n');
    const dir = projectDir({ 'compose.yaml': composeFile(name, { web: false, extra }) });
    const { error, events } = await deploy(dir, namespace);
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.message).toMatch(/^cannot apply Deployment bad: /);
    expect(e.message).toContain('Invalid value');
    expect(e.message).toContain('must be less than or equal to memory limit');
    expect(e.nextSteps.join('\n')).toContain('devspace render');
    expect(objectEvents(events).some((o) => o.name === 'bad')).toBe(false);

    // One object by itself, with a label value the API server refuses.
    const api = KubernetesObjectApi.makeApiClient(kc);
    const bad: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-label', namespace, labels: { tier: 'not valid!' } }, data: {} };
    const single = await applyObject(api, bad, 'absent', { force: false }).catch((x: unknown) => x);
    expect(single).toBeInstanceOf(UserError);
    expect((single as UserError).message).toMatch(/^cannot apply ConfigMap bad-label: .*metadata\.labels: Invalid value: "not valid!"/);
    expect((single as UserError).nextSteps.join('\n')).toContain('devspace render');

    // A kind or an API group the cluster does not serve.
    for (const apiVersion of ['v1', 'autoscaling/v9']) {
      const unserved = await applyObject(api, { apiVersion, kind: 'Gadget', metadata: { name: 'g', namespace } }, 'absent', { force: false }).catch((x: unknown) => x);
      expect(unserved, apiVersion).toBeInstanceOf(UserError);
      expect((unserved as UserError).message, apiVersion).toMatch(/^cannot apply Gadget g: /);
      expect((unserved as UserError).nextSteps.join('\n'), apiVersion).toContain('kubectl api-resources');
    }

    // A namespace being deleted (a finalizer holds it): new objects are refused with a 403 that is not about RBAC.
    const { namespace: doomed } = newProject('doomed');
    await cluster!.kubectl(['create', 'namespace', doomed]);
    await cluster!.kubectl(['-n', doomed, 'create', 'configmap', 'hold']);
    await cluster!.kubectl(['-n', doomed, 'patch', 'configmap', 'hold', '-p', '{"metadata":{"finalizers":["devspace.test/hold"]}}']);
    await cluster!.kubectl(['delete', 'namespace', doomed, '--wait=false']);
    try {
      const refused = await applyObject(api, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: doomed }, data: {} }, 'absent', { force: false }).catch((x: unknown) => x);
      expect(refused).toBeInstanceOf(UserError);
      expect((refused as UserError).message).toContain('because it is being terminated');
      expect((refused as UserError).nextSteps).toEqual([`Namespace ${doomed} is being deleted: wait until \`kubectl get namespace ${doomed}\` says NotFound, then deploy again.`]);
    } finally {
      await cluster!.kubectl(['-n', doomed, 'patch', 'configmap', 'hold', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    }
  }, 60_000);
});

describe.skipIf(!cluster || !engine || !registries)('a registry that needs auth', () => {
  let opened: OpenedEngine;
  beforeAll(async () => {
    opened = await openEngine({ env: baseEnv, homeDir: home });
  });
  afterAll(async () => {
    for (const name of projects) await removeImagesLabelled(`dev.devspace.project=${name}`);
  }, 60_000);

  it('creates a dockerconfigjson pull Secret in the namespace that the pods reference; the credentials are in no event', async () => {
    const { auth } = registries!;
    const { name, namespace } = newProject('pull');
    const dir = projectDir({
      'compose.yaml': `name: ${name}\nservices:\n  app:\n    build: ./app\n`,
      'app/Dockerfile': 'FROM busybox:latest\nCOPY stamp /stamp\n',
      'app/stamp': `${run}\n`,
    });
    const config = mkdtempSync(join(tmpdir(), 'devspace-dockercfg-'));
    dirs.push(config);
    writeFileSync(join(config, 'config.json'), JSON.stringify({ credHelpers: { [auth.host]: 'devspace-test' } }));
    writeFileSync(join(config, 'creds'), `${auth.host}=${auth.auth.username}:${auth.auth.password}\n`);
    const env = { ...baseEnv, DOCKER_CONFIG: config, DEVSPACE_TEST_CREDS_FILE: join(config, 'creds'), PATH: `${CREDENTIAL_HELPER_DIR}:${baseEnv.PATH}` };
    const events: DevspaceEvent[] = [];
    const emit = (e: DevspaceEvent) => events.push(e);
    const loaded = loadProject({ cwd: dir, env });
    const delivered = await deliverImages({ loaded, services: ['app'], kc, contextName: CONTEXT, namespace, registry: auth.host, env, homeDir: home, engine: opened, emit });
    const rendered = renderProject({ project: loaded.project, images: delivered.images, imagePullSecrets: delivered.pullSecretNames, sources: readRenderSources(loaded.project, env), namespace });
    const { error } = await deploy(dir, namespace, { rendered, pullSecrets: delivered.pullSecrets, emit });
    expect(error).toBeUndefined();

    const secretName = `devspace-pull-${auth.host.replace(/[.:]/g, '-')}`;
    const secret = await kubectlJson<{ type: string; data: Record<string, string>; metadata: Live['metadata'] }>(['-n', namespace, 'get', 'secret', secretName]);
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(secret.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'devspace', 'dev.devspace.project': name });
    const { username, password } = auth.auth;
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    expect(JSON.parse(Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString('utf8'))).toEqual({ auths: { [auth.host]: { username, password, auth: basic } } });
    expect(objectEvents(events).filter((e) => e.kind === 'Secret')).toMatchObject([{ name: secretName, namespace, action: 'created' }]);

    const template = await cluster!.kubectl(['-n', namespace, 'get', 'deployment', 'app', '-o', 'jsonpath={.spec.template.spec.imagePullSecrets[*].name} {.spec.template.spec.containers[0].image}']);
    expect(template).toMatch(new RegExp(`^${secretName} ${auth.host.replace(/\./g, '\\.')}/${name}/app@sha256:[0-9a-f]{64}$`));
    const pods = await kubectlJson<{ items: { spec: { imagePullSecrets?: { name: string }[] } }[] }>(['-n', namespace, 'get', 'pods', '-l', `dev.devspace.project=${name}`]);
    expect(pods.items.length).toBeGreaterThan(0);
    for (const pod of pods.items) expect(pod.spec.imagePullSecrets).toEqual([{ name: secretName }]);

    // Neither the password, nor its base64 forms, nor the Secret's data in anything emitted.
    const emitted = JSON.stringify(events);
    for (const secretText of [password, basic, secret.data['.dockerconfigjson']!]) expect(emitted).not.toContain(secretText);

    // Deployed again with nothing changed: the Secret is kept (not pruned) and unchanged.
    const again: DevspaceEvent[] = [];
    expect((await deploy(dir, namespace, { rendered, pullSecrets: delivered.pullSecrets, emit: (e) => again.push(e) })).error).toBeUndefined();
    expect(objectEvents(again).filter((e) => e.kind === 'Secret')).toMatchObject([{ name: secretName, action: 'unchanged' }]);
    expect(objectEvents(again).some((e) => e.action === 'pruned')).toBe(false);
  }, 90_000);
});

describe.skipIf(!cluster)('bin/devspace deploy', () => {
  it('exits as soon as the deploy is done (no keep-alive connection or watch holds the process)', async () => {
    const { name, namespace } = newProject('exit');
    const dir = projectDir({ 'compose.yaml': composeFile(name) });
    const started = Date.now();
    let doneAt = 0;
    const child = execa(bin, ['deploy', '--kubeconfig', cluster!.kubeconfig, '--context', CONTEXT, '-n', namespace], { cwd: dir, env: cleanEnv({ CI: 'true', HOME: home }), extendEnv: false, reject: false, timeout: 45_000 });
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!doneAt && /deployed /.test(chunk.toString())) doneAt = Date.now();
    });
    const result = await child;
    const exitedAt = Date.now();
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(doneAt).toBeGreaterThan(0);
    expect(exitedAt - doneAt).toBeLessThan(1_500);
    expect(exitedAt - started).toBeLessThan(30_000);
  }, 60_000);
});
