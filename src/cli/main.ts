import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';
import { addGlobalOptions, globalOptions } from './global-options.js';
import { VERSION } from './version.js';

/** Where a command writes; injected so tests and renderers never touch process.stdout directly. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stdout is a terminal (colour, and later the TUI). */
  isTTY?: boolean;
}


/** Builds the command tree. Actions load their stage lazily so start-up stays fast. */
export function buildProgram(io: Io): Command {
  const program = new Command('devspace')
    .description('One compose file from laptop to cluster: build, run, hot-reload, push and deploy.')
    .version(VERSION, '--version', 'print the version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  addGlobalOptions(program);
  program.addHelpText(
    'after',
    `
Environment:
  COMPOSE_FILE, COMPOSE_PROJECT_NAME, COMPOSE_PROFILES, COMPOSE_PATH_SEPARATOR,
  COMPOSE_DISABLE_ENV_FILE, DOCKER_HOST, DOCKER_CONFIG, KUBECONFIG, NO_COLOR

Exit codes: 0 success, 1 user error (bad input, failed service, failed rollout),
            70 internal error (a bug in devspace: please report it), 130 interrupted`,
  );

  program
    .command('config')
    .description('print the fully resolved, normalised compose model')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--services', 'list the enabled services, one per line')
    .option('--volumes', 'list the named volumes, one per line')
    .option('--networks', 'list the networks, one per line')
    .option('--profiles', 'list every profile named in the file, one per line')
    .option('--images', 'list the image each service runs, one per line')
    .option('--hash <services>', 'print "SERVICE HASH" for a comma list of services, or * for all')
    .option('-q, --quiet', 'only validate; print nothing on success')
    .action(async (opts, cmd: Command) => {
      const { runConfig } = await import('./config-command.js');
      await runConfig({ ...globalOptions(cmd), ...opts }, io);
    });

  program
    .command('up')
    .argument('[services...]', 'services to start, with their dependencies (default: all enabled)')
    .description('build what changed, start the services, stream logs and hot-reload on save')
    .option('-d, --detach', 'return once every service is running (and healthy where it has a healthcheck)')
    .option('--no-watch', 'do not watch files (attached mode watches by default; --detach never does)')
    .option('--poll', 'poll the file system instead of inotify/FSEvents (network drives, some VM mounts)')
    .option('--build', 'build images even when their inputs are unchanged')
    .option('--no-deps', 'do not start the services the named ones depend on')
    .option('--force-recreate', 'recreate containers even when nothing changed')
    .option('--remove-orphans', 'remove containers of services no longer in the file')
    .option('--wait-timeout <seconds>', 'how long to wait for dependencies and, with --detach, for health', '120')
    .action(async (services: string[], opts, cmd: Command) => {
      const { runUp } = await import('./up-command.js');
      await runUp(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('down')
    .description("remove exactly this project's containers and networks, found by label")
    .option('-v, --volumes', 'also remove named volumes')
    .addOption(new Option('--rmi <which>', 'also remove images: local (built by devspace) or all').choices(['local', 'all']))
    .action(async (opts, cmd: Command) => {
      const { runDown } = await import('./down-command.js');
      await runDown({ ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('build')
    .argument('[services...]', 'services to build (default: all with a build section)')
    .description('build and tag images in parallel, dependency-ordered, cached by content digest')
    .option('--no-cache', 'do not use the build cache (and rebuild even when inputs are unchanged)')
    .option('--pull', 'always try to pull newer base images')
    .option('--parallel <n>', 'how many builds run at once (default: x-devspace.build.parallel, else 4)')
    .action(async (services: string[], opts, cmd: Command) => {
      const { runBuild } = await import('./build-command.js');
      await runBuild(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('watch')
    .argument('[services...]', 'services to watch')
    .description('watch files and sync, restart or rebuild a project that is already up (develop.watch rules)')
    .option('--poll', 'poll the file system instead of inotify/FSEvents (network drives, some VM mounts)')
    .option('--wait-timeout <seconds>', 'how long a rebuilt service may take to become ready', '120')
    .action(async (services: string[], opts, cmd: Command) => {
      const { runWatch } = await import('./watch-command.js');
      await runWatch(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('push')
    .argument('[services...]', 'services to push')
    .description("build what changed, tag and push the built images with the user's Docker credentials")
    .option('--registry <registry>', 'registry (host[:port][/namespace]) for every service, over x-devspace.registry')
    .option('--tag <policy>', 'tag policy: digest (default), git, or a template with {{.Service}} {{.Project}} {{.GitCommit}} {{.Digest}} {{.Date}} {{.Env.NAME}}')
    .option('--env <environment>', 'take registry and tag from x-devspace.environments.<environment>')
    .action(async (services: string[], opts, cmd: Command) => {
      const { runPush } = await import('./push-command.js');
      await runPush(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('deploy')
    .argument('[services...]', 'services to deploy, with their dependencies (default: all enabled)')
    .description('build, push or load images, apply manifests and wait for the rollout')
    .option('--context <context>', 'kubeconfig context (default: x-devspace.kubernetes.context, else the current context)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'namespace (default: x-devspace, else the project name)')
    .option('--env <environment>', 'environment overlay from x-devspace.environments')
    .option('--registry <registry>', 'registry to push to, over x-devspace.registry')
    .option('--timeout <seconds>', 'rollout deadline per service')
    .option('--rollback-on-failure', 'roll back a Deployment whose rollout fails')
    .option('--force-conflicts', 'take over fields owned by another field manager')
    .action(async (services: string[], opts, cmd: Command) => {
      const { runDeploy } = await import('./deploy-command.js');
      await runDeploy(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('render')
    .description('print or write the Kubernetes manifests without applying them')
    .option('--env <environment>', 'environment overlay from x-devspace.environments')
    .option('-n, --namespace <namespace>', 'namespace (default: x-devspace, else the project name)')
    .option('-o, --output <dir>', 'write one file per object to this directory')
    .option('--helm', 'write a Helm chart (values for image tags and replicas) to --output')
    .option('--show-secrets', 'print Secret values instead of hiding them')
    .action(async (opts, cmd: Command) => {
      const { runRender } = await import('./render-command.js');
      await runRender({ ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('delete')
    .description('remove what deploy applied, found by label')
    .option('--context <context>', 'kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('-n, --namespace <namespace>', 'namespace')
    .option('--env <environment>', 'environment overlay from x-devspace.environments')
    .action(async (opts, cmd: Command) => {
      const { runDelete } = await import('./delete-command.js');
      await runDelete({ ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('scale')
    .argument('<service=replicas...>', 'for example front=5')
    .description('scale services on the cluster')
    .option('--context <context>', 'kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('-n, --namespace <namespace>', 'namespace')
    .option('--env <environment>', 'environment overlay from x-devspace.environments')
    .option('--timeout <seconds>', 'rollout deadline per service')
    .option('--force-conflicts', 'take over spec.replicas when another field manager owns it')
    .action(async (pairs: string[], opts, cmd: Command) => {
      const { runScale } = await import('./scale-command.js');
      await runScale(pairs, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('ps')
    .argument('[services...]', 'services (default: all)')
    .description("status of the project's containers (found by label)")
    .option('-a, --all', 'include stopped containers')
    .option('--context <context>', 'show the cluster side')
    .option('--kubeconfig <path>', 'kubeconfig file (with --context)')
    .option('-n, --namespace <namespace>', 'namespace (with --context; default: x-devspace, else the project name)')
    .option('--env <environment>', 'environment overlay from x-devspace.environments (with --context)')
    .action(async (services: string[], opts, cmd: Command) => {
      if (opts.context) {
        const { runClusterPs } = await import('./cluster-status-command.js');
        return runClusterPs(services, { ...globalOptions(cmd), ...opts }, io);
      }
      const { runPs } = await import('./ps-command.js');
      await runPs(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('logs')
    .argument('[services...]', 'services (default: all)')
    .description('logs of the services, prefixed by container')
    .option('-f, --follow', 'follow the output (across restarts) until Ctrl-C')
    .option('--tail <lines>', 'lines from the end of each log, or "all"')
    .option('--since <time>', 'only logs since this time (RFC 3339, Unix seconds, or a duration such as 10m)')
    .option('-t, --timestamps', 'show timestamps')
    .option('--context <context>', 'show the cluster side')
    .option('--kubeconfig <path>', 'kubeconfig file (with --context)')
    .option('-n, --namespace <namespace>', 'namespace (with --context; default: x-devspace, else the project name)')
    .option('--env <environment>', 'environment overlay from x-devspace.environments (with --context)')
    .action(async (services: string[], opts, cmd: Command) => {
      if (opts.context) {
        const { runClusterLogs } = await import('./cluster-status-command.js');
        return runClusterLogs(services, { ...globalOptions(cmd), ...opts }, io);
      }
      const { runLogs } = await import('./logs-command.js');
      await runLogs(services, { ...globalOptions(cmd), ...opts }, io);
    });
  program
    .command('doctor')
    .description('which Docker engine (and later registry and cluster) devspace would use, and what is wrong')
    .action(async (_opts, cmd: Command) => {
      const { runDoctor } = await import('./doctor-command.js');
      await runDoctor(globalOptions(cmd), io);
    });
  return program;
}

/** Parses argv and runs the command. Throws the errors of errors.ts; bin/devspace prints them. */
export async function main(argv: string[], io: Io): Promise<void> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end in a CommanderError with exit code 0.
      if (error.exitCode === 0) return;
      throw new UserError(error.message.replace(/^error: /, ''), ['Run `devspace --help` for usage.']);
    }
    throw error;
  }
}
