/**
 * `devspace push [SERVICE...]`: build what changed, tag each built image by the tag policy, and
 * push it with the user's own Docker credentials — in parallel, skipping what the registry
 * already has — then record `repo@digest` per service in .devspace/images.json for deploy.
 */
import { homedir } from 'node:os';
import { execa } from 'execa';
import { ImageClient } from '../engine/images.js';
import { UserError } from '../errors.js';
import { RegistryClient } from '../registry/client.js';
import { CredentialStore, dockerConfigPath, type Credentials, type Runner } from '../registry/credentials.js';
import { formatReference } from '../registry/reference.js';
import { pushImage, type PushResult } from '../registry/push.js';
import { readPushState, recordPushes } from '../registry/state.js';
import { projectSettings } from '../compose/x-devspace.js';
import { environmentSettings, targetRepository } from '../registry/targets.js';
import { gitState } from '../tag/git.js';
import { needsGit, parseTagPolicy, renderTag, type GitState } from '../tag/tag-policy.js';
import type { GlobalOptions } from './global-options.js';
import { watchInterrupts } from './interrupts.js';
import { buildWithSavedHashes } from './images-step.js';
import { loadFromOptions } from './load-options.js';
import type { Io } from './main.js';
import { openEngineFromOptions, rendererFor, selectServices } from './session.js';

export interface PushOptions extends GlobalOptions {
  registry?: string;
  tag?: string;
  env?: string;
}

/** Runs a program for the credential helpers and git; a missing program rejects with ENOENT. */
export const execaRunner: Runner = async (file, args, input) => {
  const r = await execa(file, args, { input, reject: false, timeout: 30_000, stripFinalNewline: false });
  if (r.exitCode === undefined) throw Object.assign(new Error(r.shortMessage), { code: (r as { code?: string }).code });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

const PARALLEL = 4;

export async function runPush(names: string[], opts: PushOptions, io: Io, run: Runner = execaRunner): Promise<void> {
  const loaded = loadFromOptions(opts, io, names);
  const { project } = loaded;
  const selected = selectServices(loaded, names);
  const notBuilt = selected.filter((s) => !project.services[s]!.build);
  if (names.length > 0 && notBuilt.length > 0) {
    throw new UserError(`${notBuilt.join(', ')} ${notBuilt.length === 1 ? 'has' : 'have'} no build section: devspace pushes the images it builds`, ['Their image is pulled from where it already lives.']);
  }
  const services = selected.filter((s) => project.services[s]!.build);
  if (services.length === 0) throw new UserError('nothing to push: no selected service has a build section');

  // Everything that can be wrong with the input is checked before anything is built.
  const environment = environmentSettings(project, opts.env);
  const settings = projectSettings(project);
  const [policyText, policySource] = opts.tag ? [opts.tag, '--tag'] : environment?.tag ? [environment.tag, `x-devspace.environments.${opts.env}.tag`] : settings?.tag ? [settings.tag, 'x-devspace.tag'] : ['digest', 'default'];
  const policy = parseTagPolicy(policyText, policySource);
  const repositories = new Map(services.map((s) => [s, targetRepository(project, s, { ...(opts.registry && { registry: opts.registry }), ...(opts.env && { environment: opts.env }) })]));
  const git: GitState | undefined = needsGit(policy) ? await gitState(project.working_dir, run) : undefined;

  const emit = rendererFor(opts, io, services);
  const home = io.env['HOME'] ?? homedir();
  // One client per registry, connecting (and asking) while the engine is opened and the builds
  // are checked (RegistryClient.warmUp, prefetch).
  const store = new CredentialStore(dockerConfigPath(io.env, home), run);
  const clients = new Map<string, { client: RegistryClient; credentials: Credentials | undefined }>();
  const lastPush = readPushState(project.working_dir).services;
  for (const registry of new Set([...repositories.values()].map((r) => r.registry))) {
    const credentials = await store.get(registry);
    const client = new RegistryClient(registry, credentials);
    const mine = services.filter((s) => repositories.get(s)!.registry === registry);
    // The tags of the last push are likely this push's too (unchanged inputs): ask for them now;
    // those requests open the connections. With no last push, open them for the questions to come.
    let asked = 0;
    for (const s of mine) {
      const target = repositories.get(s)!;
      const repo = `${formatReference({ registry: target.registry, repository: target.repository })}:`;
      const last = lastPush[s]?.image;
      if (!last?.startsWith(repo)) continue;
      client.prefetch(target.repository, last.slice(repo.length));
      asked++;
    }
    if (asked === 0) client.warmUp(Math.min(PARALLEL, mine.length));
    clients.set(registry, { client, credentials });
  }
  const interrupts = watchInterrupts(() => emit({ type: 'message', level: 'info', text: 'stopping… (press Ctrl-C again to force)' }));
  try {
    const { docker } = await openEngineFromOptions(opts, io);
    const built = await buildWithSavedHashes(project, { images: new ImageClient(docker), emit, services, env: io.env, signal: interrupts.signal }, home);
    const date = new Date();
    const queue = [...services];
    const results: PushResult[] = [];
    const worker = async () => {
      for (let service = queue.shift(); service !== undefined; service = queue.shift()) {
        const image = built.get(service)!;
        const tag = renderTag(policy, { project: project.name, service, digest: image.digest, ...(git && { git }), date, env: io.env });
        const reference = { ...repositories.get(service)!, tag };
        const { client, credentials } = clients.get(reference.registry)!;
        results.push(await pushImage({ docker, emit, signal: interrupts.signal, credentials, client }, { service, imageId: image.imageId, reference }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, services.length) }, worker));
    const file = recordPushes(project.working_dir, results, date);
    for (const r of results.sort((a, b) => a.service.localeCompare(b.service))) emit({ type: 'message', level: 'info', text: `${r.service}: ${r.pinned}` });
    emit({ type: 'message', level: 'info', text: `recorded in ${file}` });
  } finally {
    for (const { client } of clients.values()) client.close();
    interrupts.dispose();
  }
}


