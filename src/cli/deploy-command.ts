/**
 * `devspace deploy [SERVICE...]`: build what changed, get the images to the cluster (src/k8s/images/),
 * render (src/k8s/render/) with those image references, and apply in depends_on order with live
 * rollout feedback (src/k8s/cluster/deploy.ts). `deployProject` is the same without the terminal,
 * for the TUI (key `d`): events out, an AbortSignal in.
 */
import { homedir } from 'node:os';
import type { LoadedProject } from '../compose/model.js';
import { projectSettings } from '../compose/x-devspace.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { OpenedEngine } from '../engine/connect.js';
import type { Delivered } from '../k8s/images/deliver.js';
import type { Rendered } from '../k8s/manifest.js';
import { withDependencies } from '../run/converge.js';
import type { GlobalOptions } from './global-options.js';
import { watchInterrupts } from './interrupts.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions, rendererFor, selectServices } from './session.js';
import type { DeployOutcome } from '../k8s/cluster/deploy.js';

export interface DeployOptions extends GlobalOptions {
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  env?: string;
  registry?: string;
  timeout?: string;
  rollbackOnFailure?: boolean;
  forceConflicts?: boolean;
}

export interface DeployProjectInput {
  loaded: LoadedProject;
  /** Services asked for ([] = every enabled one); their dependencies are deployed with them. */
  services: string[];
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  environment?: string;
  registry?: string;
  timeoutSeconds?: number;
  rollbackOnFailure?: boolean;
  forceConflicts?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  cwd: string;
  emit: Emit;
  signal: AbortSignal;
  /** The Docker engine, opened only when a selected service has a build section. */
  openEngine: () => Promise<OpenedEngine>;
}

/** `--timeout` → seconds; else x-devspace.kubernetes.timeout; undefined = each workload's progressDeadlineSeconds. */
export function timeoutSeconds(flag: string | undefined, loaded: LoadedProject): number | undefined {
  if (flag !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(flag.trim());
    if (!m || Number(m[1]) <= 0) throw new UserError(`--timeout ${flag}: expected a number of seconds (e.g. 120, 90s or 5m)`);
    return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
  }
  return projectSettings(loaded.project)?.kubernetes?.timeout;
}

export async function deployProject(input: DeployProjectInput): Promise<DeployOutcome & { rendered: Rendered; contextName: string }> {
  const { loaded, emit, signal } = input;
  const { project } = loaded;
  const environments = projectSettings(project)?.environments ?? {};
  if (input.environment !== undefined && !(input.environment in environments)) {
    const known = Object.keys(environments);
    throw new UserError(`no environment "${input.environment}" in x-devspace.environments`, [known.length > 0 ? `Environments: ${known.join(', ')}` : 'Define one under x-devspace.environments.']);
  }
  const selected = withDependencies(project, input.services.length > 0 ? input.services : Object.keys(project.services));
  const { loadKubeconfig } = await import('../k8s/cluster/kubeconfig.js');
  const { kc, contextName } = loadKubeconfig({ ...(input.kubeconfig && { kubeconfig: input.kubeconfig }), ...(input.context && { context: input.context }), ...(input.environment && { environment: input.environment }), project, env: input.env, homeDir: input.homeDir, cwd: input.cwd });
  const { renderProject } = await import('../k8s/render/index.js');
  const { readRenderSources } = await import('../k8s/render/read-sources.js');
  // The namespace as rendering decides it (flag > environment > x-devspace > project name), before images need it.
  const sources = readRenderSources(project, { ...input.env });
  const namespace = renderProject({ project, images: {}, sources, ...(input.environment && { environment: input.environment }), ...(input.namespace && { namespace: input.namespace }) }).namespace;

  // Images: built here (unchanged inputs are skipped), then delivered by src/k8s/images/ (kind load,
  // kind's registry, or a push). A project of `image:` services only needs neither the engine nor a
  // delivery: the nodes pull what the compose file names.
  const toBuild = selected.filter((s) => project.services[s]!.build);
  let delivered: Pick<Delivered, 'images' | 'pullSecrets' | 'pullSecretNames'> = { images: {}, pullSecrets: [], pullSecretNames: [] };
  let engine: OpenedEngine | undefined;
  if (toBuild.length > 0) {
    const { buildWithSavedHashes } = await import('./images-step.js');
    const { ImageClient } = await import('../engine/images.js');
    const { deliverImages } = await import('../k8s/images/deliver.js');
    engine = await input.openEngine();
    const built = await buildWithSavedHashes(project, { images: new ImageClient(engine.docker), emit, services: toBuild, env: input.env, signal }, input.homeDir);
    delivered = await deliverImages({ loaded, services: selected, kc, contextName, namespace, ...(input.registry && { registry: input.registry }), ...(input.environment && { environment: input.environment }), env: input.env, homeDir: input.homeDir, engine, emit, signal, built });
  }
  signal.throwIfAborted();
  const imagePorts = await exposedPorts(project, selected, delivered.images, engine, input.openEngine);

  const rendered = renderProject({
    project,
    images: delivered.images,
    imagePorts,
    imagePullSecrets: delivered.pullSecretNames,
    sources,
    ...(input.environment && { environment: input.environment }),
    ...(input.namespace && { namespace: input.namespace }),
  });
  // "build: not applicable, the image is built and pushed" is what deploy just did: not worth a warning here.
  const notes = rendered.notes.filter((n) => !(n.attribute === 'build' && n.service !== undefined && toBuild.includes(n.service)));
  for (const note of notes) emit({ type: 'message', level: 'warn', text: `${note.service ? `${note.service}: ` : ''}${note.attribute}: ${note.message}` });
  const { applyRendered } = await import('../k8s/cluster/deploy.js');
  const { whereFlags } = await import('../k8s/cluster/target.js');
  const outcome = await applyRendered({
    kc,
    rendered,
    ...(input.services.length > 0 && { services: selected }),
    pullSecrets: delivered.pullSecrets,
    ...(input.timeoutSeconds !== undefined && { timeoutSeconds: input.timeoutSeconds }),
    rollbackOnFailure: input.rollbackOnFailure ?? false,
    forceConflicts: input.forceConflicts ?? false,
    emit,
    signal,
    where: whereFlags({ ...input, contextName, namespace: rendered.namespace }),
  });
  return { ...outcome, rendered, contextName };
}

/**
 * The EXPOSE ports of the images of services that list no ports or expose (a Redis reached on
 * 6379 only through its Dockerfile's EXPOSE needs them for its Service). From the engine the build
 * used; a project of `image:` services only opens one just for this, and without an engine the
 * renderer's note says the ports are unknown.
 */
async function exposedPorts(project: LoadedProject['project'], services: string[], images: Record<string, string>, engine: OpenedEngine | undefined, open: () => Promise<OpenedEngine>): Promise<Record<string, string[]>> {
  const subset = { ...project, services: Object.fromEntries(services.map((s) => [s, project.services[s]!])) };
  if (Object.values(subset.services).every((s) => s.ports?.length || s.expose?.length)) return {};
  const { readImagePorts } = await import('../k8s/render/image-ports.js');
  try {
    return await readImagePorts(subset, (engine ?? (await open())).docker, images);
  } catch {
    return {};
  }
}

export async function runDeploy(names: string[], opts: DeployOptions, io: Io): Promise<void> {
  const loaded = loadFromOptions(opts, io, names);
  selectServices(loaded, names);
  const seconds = timeoutSeconds(opts.timeout, loaded);
  const emit = rendererFor(opts, io, Object.keys(loaded.project.services));
  const interrupts = watchInterrupts(() => emit({ type: 'message', level: 'info', text: 'stopping… (press Ctrl-C again to force)' }));
  const started = Date.now();
  try {
    const outcome = await deployProject({
      loaded,
      services: names,
      ...(opts.kubeconfig && { kubeconfig: opts.kubeconfig }),
      ...(opts.context && { context: opts.context }),
      ...(opts.namespace && { namespace: opts.namespace }),
      ...(opts.env && { environment: opts.env }),
      ...(opts.registry && { registry: opts.registry }),
      ...(seconds !== undefined && { timeoutSeconds: seconds }),
      rollbackOnFailure: opts.rollbackOnFailure === true,
      forceConflicts: opts.forceConflicts === true,
      env: io.env,
      homeDir: io.env['HOME'] ?? homedir(),
      cwd: io.cwd,
      emit,
      signal: interrupts.signal,
      openEngine: () => openEngineFromOptions(opts, io),
    });
    const counts = new Map<string, number>();
    for (const a of outcome.applied) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
    const summary = [...counts].map(([action, n]) => `${n} ${action}`).join(', ');
    emit({ type: 'message', level: 'info', text: `deployed ${outcome.rendered.project} to ${outcome.contextName}/${outcome.rendered.namespace} in ${((Date.now() - started) / 1000).toFixed(1)} s (${summary}${outcome.pruned.length > 0 ? `, ${outcome.pruned.length} pruned` : ''})` });
    for (const r of outcome.results) emit({ type: 'message', level: 'info', text: `  ${r.service.padEnd(16)} ${r.workload.padEnd(28)} ${r.ready}/${r.desired} ready, ${r.available} available` });
  } finally {
    interrupts.dispose();
  }
}
