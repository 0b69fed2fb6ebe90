/**
 * Kubeconfig and context, found exactly as kubectl finds them: `--kubeconfig`, else
 * `x-devspace.kubernetes.kubeconfig`, else every file of `KUBECONFIG` (a path list, merged with
 * kubectl's rule: the first file to define a name or the current-context wins; missing files are
 * skipped), else ~/.kube/config. The context: `--context`, else the environment's, else
 * `x-devspace.kubernetes.context`, else the kubeconfig's current-context.
 */
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import type { Project } from '../../compose/model.js';
import { projectSettings } from '../../compose/x-devspace.js';
import { UserError } from '../../errors.js';

export interface KubeconfigChoice {
  /** `--kubeconfig`. */
  kubeconfig?: string;
  /** `--context`. */
  context?: string;
  /** `--env`: its `context` comes before the project's. */
  environment?: string;
  project?: Project;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  cwd: string;
}

export interface ResolvedKubeconfig {
  kc: KubeConfig;
  contextName: string;
  /** The files read, in order (for messages). */
  files: string[];
  /** Where the context came from, e.g. `--context` or `current-context`. */
  contextSource: string;
}

/** Which files make up the kubeconfig, and where that list came from. */
export function kubeconfigFiles(choice: KubeconfigChoice): { files: string[]; source: string } {
  const settings = choice.project ? projectSettings(choice.project)?.kubernetes : undefined;
  if (choice.kubeconfig) return { files: [resolve(choice.cwd, choice.kubeconfig)], source: '--kubeconfig' };
  if (settings?.kubeconfig) {
    const base = choice.project!.working_dir;
    const path = settings.kubeconfig.startsWith('~/') ? join(choice.homeDir, settings.kubeconfig.slice(2)) : settings.kubeconfig;
    return { files: [isAbsolute(path) ? path : resolve(base, path)], source: 'x-devspace.kubernetes.kubeconfig' };
  }
  const list = choice.env['KUBECONFIG'];
  if (list) return { files: list.split(delimiter).filter((f) => f !== '').map((f) => resolve(choice.cwd, f)), source: 'KUBECONFIG' };
  return { files: [join(choice.homeDir, '.kube', 'config')], source: 'default (~/.kube/config)' };
}

/** Merges kubeconfig files the way kubectl does: first definition of each name wins. */
export function mergeKubeconfigs(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const kc of configs) {
    for (const c of kc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && kc.currentContext) currentContext = kc.currentContext;
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return merged;
}

/** The context to use, and where the choice came from. */
export function chooseContext(choice: KubeconfigChoice, currentContext: string): { name?: string; source: string } {
  if (choice.context) return { name: choice.context, source: '--context' };
  const settings = choice.project ? projectSettings(choice.project) : undefined;
  const fromEnv = choice.environment ? settings?.environments?.[choice.environment]?.context : undefined;
  if (fromEnv) return { name: fromEnv, source: `x-devspace.environments.${choice.environment}.context` };
  if (settings?.kubernetes?.context) return { name: settings.kubernetes.context, source: 'x-devspace.kubernetes.context' };
  if (currentContext) return { name: currentContext, source: 'current-context' };
  return { source: 'current-context' };
}

export function loadKubeconfig(choice: KubeconfigChoice): ResolvedKubeconfig {
  const { files, source } = kubeconfigFiles(choice);
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0 || (source === '--kubeconfig' && present.length < files.length)) {
    throw new UserError(`no kubeconfig: ${files.join(delimiter)} ${files.length === 1 ? 'does not exist' : 'do not exist'} (from ${source})`, [
      'Point --kubeconfig or KUBECONFIG at your cluster\'s kubeconfig, or create a cluster (e.g. `kind create cluster`).',
    ]);
  }
  const configs = present.map((file) => {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      throw new UserError(`cannot read kubeconfig ${file}: ${(error as Error).message}`, ['Check the file with `kubectl config view`.']);
    }
    return kc;
  });
  const kc = configs.length === 1 ? configs[0]! : mergeKubeconfigs(configs);
  const contexts = kc.getContexts().map((c) => c.name);
  const chosen = chooseContext(choice, kc.getCurrentContext());
  if (!chosen.name) {
    throw new UserError(`no context chosen: ${present.join(delimiter)} has no current-context`, [
      contexts.length > 0 ? `Pass --context with one of: ${contexts.join(', ')}` : 'The kubeconfig defines no contexts.',
    ]);
  }
  const context = kc.getContextObject(chosen.name);
  if (!context) {
    throw new UserError(`no context "${chosen.name}" (from ${chosen.source}) in ${present.join(delimiter)}`, [
      contexts.length > 0 ? `Contexts there: ${contexts.join(', ')}` : 'The kubeconfig defines no contexts.',
    ]);
  }
  if (!kc.getCluster(context.cluster)) {
    throw new UserError(`context "${chosen.name}" names cluster "${context.cluster}", which ${present.join(delimiter)} does not define`, ['Fix the kubeconfig (`kubectl config view`).']);
  }
  kc.setCurrentContext(chosen.name);
  return { kc: reuseConnections(kc), contextName: chosen.name, files: present, contextSource: chosen.source };
}

type AgentMaker = { createAgent(cluster: { server?: string } | null, options: Record<string, unknown>): unknown };

/**
 * client-node makes a new https.Agent for every request (KubeConfig.createAgent), so every API call
 * opens its own TLS connection: a full handshake and a new SecureContext (the client key parsed
 * again) each time, on both ends — most of a 50-service deploy's CPU. One keep-alive agent per
 * distinct set of TLS options (they come from the kubeconfig's cluster and user, so in practice
 * one) lets requests and watches reuse connections, for every command that talks to a cluster.
 * Idle kept-alive sockets are unref'd by Node, so they never hold the process. Returns `kc`.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as AgentMaker;
  const create = target.createAgent.bind(kc);
  const agents = new Map<string, unknown>();
  target.createAgent = (cluster, options) => {
    const key = JSON.stringify([cluster?.server, Object.entries(options).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('latin1') : v])]);
    let agent = agents.get(key);
    if (!agent) agents.set(key, (agent = create(cluster, { ...options, keepAlive: true })));
    return agent;
  };
  return kc;
}
