/**
 * Getting a deploy's images to the cluster's nodes, the way the cluster supports it (chooseDelivery):
 * - a registry the cluster advertises (KEP-1755 `local-registry-hosting`, any cluster): push to its
 *   `host`, pods pull `hostFromContainerRuntime/…@digest` → 'kind-registry';
 * - a kind cluster without one: load the images into its node containers → 'kind-load';
 * - any other cluster: push to the registry (--registry > environment > x-devspace) and pods pull
 *   `repo@digest` → 'registry', recorded in .devspace/images.json as `devspace push` does.
 * Services that only name an image run it as written. Pull Secrets come from the user's Docker
 * credentials for each registry pushed to; their contents are never emitted.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServiceImage } from '../../build/builder.js';
import type { LoadedProject, Project } from '../../compose/model.js';
import { projectSettings } from '../../compose/x-devspace.js';
import type { OpenedEngine } from '../../engine/connect.js';
import { ImageClient, splitReference } from '../../engine/images.js';
import { UserError } from '../../errors.js';
import type { Emit } from '../../events.js';
import { CredentialStore, dockerConfigPath, type Runner } from '../../registry/credentials.js';
import { parseReference, type ImageReference } from '../../registry/reference.js';
import { recordPushes } from '../../registry/state.js';
import { environmentSettings, targetRepository } from '../../registry/targets.js';
import { gitState } from '../../tag/git.js';
import { needsGit, parseTagPolicy, renderTag, type GitState, type TagPolicy } from '../../tag/tag-policy.js';
import type { K8sObject } from '../manifest.js';
import { kindClusterName } from './kind-cluster.js';
import { loadIntoKind } from './kind-load.js';
import { readLocalRegistry, type LocalRegistry } from './local-registry.js';
import { pullSecret } from './pull-secret.js';
import { pushImages, type PushJob } from './push-images.js';

export interface DeliverInput {
  loaded: LoadedProject;
  /** Services being deployed. */
  services: string[];
  /** Context already selected. */
  kc: KubeConfig;
  contextName: string;
  namespace: string;
  /** --registry: over the environment's and x-devspace's registry, and over kind node loading. */
  registry?: string;
  /** --env */
  environment?: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Used only when a deployed service has a build section. */
  engine: OpenedEngine;
  emit: Emit;
  signal?: AbortSignal;
  /**
   * The images the deploy command's build step produced (buildWithSavedHashes), by service. When
   * absent, deliverImages runs that build step itself (it skips what is unchanged).
   */
  built?: ReadonlyMap<string, ServiceImage>;
  /** Runs credential helpers (and git for a git tag policy); default: execa with `env`. */
  run?: Runner;
}

export interface Delivered {
  /** service -> image reference the pods run. */
  images: Record<string, string>;
  /** kubernetes.io/dockerconfigjson Secrets to apply before the workloads. */
  pullSecrets: K8sObject[];
  pullSecretNames: string[];
  how: 'kind-load' | 'kind-registry' | 'registry' | 'none';
}

export type Delivery = { how: 'kind-registry'; registry: LocalRegistry } | { how: 'kind-load'; cluster: string } | { how: 'registry' };

/**
 * How images reach this cluster (pure). An explicit --registry always pushes; otherwise a registry
 * the cluster advertises wins, then loading into kind's nodes; anything else pushes.
 */
export function chooseDelivery(input: { contextName: string; cluster?: string; localRegistry?: LocalRegistry; registryFlag?: string }): Delivery {
  if (input.registryFlag !== undefined) return { how: 'registry' };
  if (input.localRegistry) return { how: 'kind-registry', registry: input.localRegistry };
  const kind = kindClusterName(input.contextName, input.cluster);
  if (kind !== undefined) return { how: 'kind-load', cluster: kind };
  return { how: 'registry' };
}

/** The tag policy `devspace push` would use without --tag: the environment's, the project's, else the content digest. */
export function tagPolicyFor(project: Project, environment: string | undefined): TagPolicy {
  const fromEnv = environmentSettings(project, environment)?.tag;
  if (fromEnv) return parseTagPolicy(fromEnv, `x-devspace.environments.${environment}.tag`);
  const fromProject = projectSettings(project)?.tag;
  if (fromProject) return parseTagPolicy(fromProject, 'x-devspace.tag');
  return { kind: 'digest' };
}

export async function deliverImages(input: DeliverInput): Promise<Delivered> {
  const { project } = input.loaded;
  const images: Record<string, string> = {};
  for (const s of input.services) {
    const image = project.services[s]?.image;
    if (!project.services[s]?.build && image) images[s] = image;
  }
  const buildable = input.services.filter((s) => project.services[s]?.build);
  if (buildable.length === 0) return { images, pullSecrets: [], pullSecretNames: [], how: 'none' };

  const cluster = input.kc.getContextObject(input.contextName)?.cluster;
  const localRegistry = await readLocalRegistry(input.kc, input.contextName);
  const delivery = chooseDelivery({ contextName: input.contextName, ...(cluster && { cluster }), ...(localRegistry && { localRegistry }), ...(input.registry !== undefined && { registryFlag: input.registry }) });
  // Everything that can be wrong with the input is checked before anything is built or sent.
  const repositories = new Map(delivery.how === 'kind-load' ? [] : buildable.map((s) => [s, repositoryFor(input, delivery, s)]));
  const run = input.run ?? envRunner(input.env);
  const policy = delivery.how === 'kind-load' ? ({ kind: 'digest' } as const) : tagPolicyFor(project, input.environment);
  const git: GitState | undefined = needsGit(policy) ? await gitState(project.working_dir, run) : undefined;
  input.emit({ type: 'message', level: 'info', text: describe(delivery, input.contextName) });

  const { docker } = input.engine;
  const built = input.built ?? (await buildNow(input, buildable));
  const date = new Date();
  const tagOf = (s: string) => renderTag(policy, { project: project.name, service: s, digest: builtImage(built, s).digest, ...(git && { git }), date, env: input.env });

  if (delivery.how === 'kind-load') {
    const engineImages = new ImageClient(docker);
    const load = await Promise.all(
      buildable.map(async (service) => {
        const image = builtImage(built, service);
        // A tag unique to the content: pods then run it with IfNotPresent, and a changed image is a new name.
        const ref = `${splitReference(image.image).repo}:${tagOf(service)}`;
        const info = await engineImages.inspect(image.imageId);
        if (!info?.RepoTags?.includes(ref)) await engineImages.tag(image.imageId, ref);
        return { service, ref, imageId: image.imageId };
      }),
    );
    await loadIntoKind({ docker, cluster: delivery.cluster, contextName: input.contextName, images: load, emit: input.emit, ...(input.signal && { signal: input.signal }) });
    for (const l of load) images[l.service] = l.ref;
    return { images, pullSecrets: [], pullSecretNames: [], how: 'kind-load' };
  }

  const store = new CredentialStore(dockerConfigPath(input.env, input.homeDir), run);
  const jobs: PushJob[] = buildable.map((service) => ({ service, imageId: builtImage(built, service).imageId, reference: { ...repositories.get(service)!, tag: tagOf(service) } }));
  const results = await pushImages({ docker, store, jobs, emit: input.emit, ...(input.signal && { signal: input.signal }) });

  // Pods name the registry as the container runtime reaches it; credentials are the ones for where we pushed.
  const pullHost = (registry: string) => (delivery.how === 'kind-registry' ? delivery.registry.hostFromContainerRuntime : registry);
  for (const r of results) {
    const repository = repositories.get(r.service)!.repository;
    images[r.service] = delivery.how === 'kind-registry' ? `${delivery.registry.hostFromContainerRuntime}/${repository}@${r.digest}` : r.pinned;
  }
  if (delivery.how === 'registry') {
    const file = recordPushes(project.working_dir, results, date);
    input.emit({ type: 'message', level: 'info', text: `pushed images recorded in ${file}` });
  }
  const pullSecrets = await secretsFor(input, [...new Set(jobs.map((j) => j.reference.registry))], store, pullHost);
  return { images, pullSecrets, pullSecretNames: pullSecrets.map((s) => s.metadata.name), how: delivery.how };
}

function repositoryFor(input: DeliverInput, delivery: Exclude<Delivery, { how: 'kind-load' }>, service: string): ImageReference {
  const { project } = input.loaded;
  if (delivery.how === 'kind-registry') return parseReference(`${delivery.registry.host}/${project.name}/${service}`);
  try {
    return targetRepository(project, service, { ...(input.registry !== undefined && { registry: input.registry }), ...(input.environment !== undefined && { environment: input.environment }) });
  } catch (error) {
    if (!(error instanceof UserError) || !/^no registry to push/.test(error.message)) throw error;
    throw new UserError(`no registry to push ${service} to for context "${input.contextName}": it is not a kind cluster and advertises no local registry (ConfigMap kube-public/local-registry-hosting), so its nodes can only pull the image from a registry`, [
      'Pass one: devspace deploy --registry ghcr.io/my-org',
      'or set it for the project (x-devspace: {registry: ghcr.io/my-org}) or for the environment (x-devspace.environments.<name>.registry).',
    ]);
  }
}

async function secretsFor(input: DeliverInput, registries: string[], store: CredentialStore, pullHost: (registry: string) => string): Promise<K8sObject[]> {
  const secrets: K8sObject[] = [];
  for (const registry of registries.sort()) {
    const credentials = await store.get(registry);
    if (!credentials) continue;
    const secret = pullSecret({ registry: pullHost(registry), credentials, namespace: input.namespace, project: input.loaded.project.name, ...(input.environment !== undefined && { environment: input.environment }) });
    if (secret) secrets.push(secret);
    else {
      input.emit({
        type: 'message',
        level: 'warn',
        text: `the credentials for ${registry} (${credentials.source}) are an identity token, which the cluster's nodes cannot use: no pull Secret made; if the cluster cannot pull from ${registry}, create one with kubectl create secret docker-registry`,
      });
    }
  }
  return secrets;
}

function describe(delivery: Delivery, context: string): string {
  switch (delivery.how) {
    case 'kind-registry':
      return `images: context ${context} advertises the local registry ${delivery.registry.host} (pods pull from ${delivery.registry.hostFromContainerRuntime}); pushing there`;
    case 'kind-load':
      return `images: kind cluster "${delivery.cluster}" has no local registry; images go straight into its nodes`;
    case 'registry':
      return `images: pushing to the registry for context ${context}`;
  }
}

function builtImage(built: ReadonlyMap<string, ServiceImage>, service: string): ServiceImage {
  const image = built.get(service);
  if (!image) throw new UserError(`${service} has a build section but no built image was handed to the deploy`, ['Run devspace build, then deploy again.']);
  return image;
}

async function buildNow(input: DeliverInput, services: string[]): Promise<ReadonlyMap<string, ServiceImage>> {
  const { buildWithSavedHashes } = await import('../../cli/images-step.js');
  return buildWithSavedHashes(input.loaded.project, { images: new ImageClient(input.engine.docker), emit: input.emit, services, env: input.env, ...(input.signal && { signal: input.signal }) }, input.homeDir);
}

/** Credential helpers and git run with the deploy's environment (PATH and the helpers' variables). */
function envRunner(env: Readonly<Record<string, string | undefined>>): Runner {
  return async (file, args, stdin) => {
    const { execa } = await import('execa');
    const r = await execa(file, args, { input: stdin, env: { ...env }, extendEnv: false, reject: false, timeout: 30_000, stripFinalNewline: false });
    if (r.exitCode === undefined) throw Object.assign(new Error(r.shortMessage), { code: (r as { code?: string }).code });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
}
