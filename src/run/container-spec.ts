/**
 * The pure mapping from one normalised compose service (one replica of it) to the Docker Engine
 * API 1.41 container-create request: the name, the `platform` query parameter, the JSON body, the
 * networks to connect after create, and every attribute of the file that the container does not
 * get, with the reason. Nothing is dropped silently: each service key is either mapped, known
 * not to concern the container (build, depends_on, …), or reported in `unsupported`.
 *
 * Image: the body names `imageName` (readable in `docker ps`, as Docker Compose does); the
 * `imageId` it resolved to goes into our labels, and the planner compares the container's
 * inspected image ID (always an ID) against it, so a tag moved in between is noticed.
 */
import type { Healthcheck as ComposeHealthcheck, Service } from '../compose/model.js';
import { formatPath, type Path } from '../compose/path.js';
import { parseDuration } from '../compose/units.js';
import { containerLabels } from '../labels.js';
import { extraHosts, links as linkList, networking, ports, shareMode, type NetworkContext } from './container-spec-network.js';
import { resources } from './container-spec-resources.js';
import { storage } from './container-spec-storage.js';
import type { ContainerCreateBody, ContainerSpec, ContainerSpecInput, Healthcheck, HostConfig, Unsupported } from './container-spec-types.js';

export type * from './container-spec-types.js';

/** Keys that shape how devspace builds, orders, scales or attaches to a service — not the container. */
export const NOT_CONTAINER_KEYS: readonly string[] = ['build', 'develop', 'depends_on', 'profiles', 'pull_policy', 'scale', 'extends', 'attach', 'env_file'];

/** Keys mapped into the create request (sub-keys that are not are reported where they are read). */
export const MAPPED_KEYS: readonly string[] = [
  'image', 'command', 'entrypoint', 'environment', 'labels', 'container_name', 'ports', 'expose', 'volumes', 'tmpfs',
  'secrets', 'configs', 'healthcheck', 'restart', 'deploy', 'user', 'working_dir', 'hostname', 'domainname', 'init',
  'tty', 'stdin_open', 'privileged', 'read_only', 'cap_add', 'cap_drop', 'stop_signal', 'stop_grace_period',
  'extra_hosts', 'dns', 'dns_search', 'dns_opt', 'networks', 'network_mode', 'mac_address', 'links', 'external_links',
  'pid', 'ipc', 'uts', 'userns_mode', 'cgroup', 'cgroup_parent', 'isolation', 'runtime', 'security_opt', 'group_add',
  'shm_size', 'sysctls', 'storage_opt', 'logging', 'volumes_from', 'platform',
  'cpus', 'cpu_shares', 'cpu_quota', 'cpu_period', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_count', 'cpu_percent', 'cpuset',
  'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness', 'oom_kill_disable', 'oom_score_adj', 'pids_limit',
  'ulimits', 'blkio_config', 'devices', 'device_cgroup_rules', 'gpus',
];

/** Keys the container cannot get, with the reason. */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  annotations: 'annotations need Engine API 1.43 (devspace speaks 1.41)',
  credential_spec: 'credential specs apply to Windows containers only',
  label_file: 'label files are not read yet; write the labels under labels:',
  post_start: 'lifecycle hooks (commands run in the container after start) are not run yet',
  pre_stop: 'lifecycle hooks (commands run in the container before stop) are not run yet',
  use_api_socket: 'mounting the Docker API socket with the user\'s credentials is not supported',
};

const DEPLOY_SWARM_ONLY: Record<string, string> = {
  labels: 'deploy.labels label the Swarm service, not its containers; use labels:',
  endpoint_mode: 'Swarm only',
  placement: 'Swarm only: a single engine places every container on itself',
  update_config: 'Swarm only: devspace recreates changed containers one by one',
  rollback_config: 'Swarm only',
};

type Report = (path: Path, message: string) => void;

const DURATIONS = [['interval', 'Interval'], ['timeout', 'Timeout'], ['start_period', 'StartPeriod']] as const;

function nanoseconds(duration: string | undefined): number | undefined {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms === undefined ? undefined : Math.round(ms * 1e6);
}

function healthcheck(hc: ComposeHealthcheck | undefined, at: Path, unsupported: Report): Healthcheck | undefined {
  if (!hc) return undefined;
  if (hc.disable) return { Test: ['NONE'] };
  const out: Healthcheck = {};
  if (hc.test) out.Test = hc.test;
  for (const [key, field] of DURATIONS) {
    const ns = nanoseconds(hc[key]);
    if (ns !== undefined) out[field] = ns;
  }
  if (hc.retries !== undefined) out.Retries = hc.retries;
  if (hc.start_interval !== undefined) unsupported([...at, 'healthcheck', 'start_interval'], 'start_interval needs Engine API 1.44; the engine probes at interval during start_period');
  return Object.keys(out).length > 0 ? out : undefined;
}

const CONDITIONS = { none: 'no', 'on-failure': 'on-failure', any: 'always' } as const;

/** `deploy.restart_policy` wins over `restart`, as in Docker Compose; its condition defaults to "any". */
function restartPolicy(service: Service, at: Path, unsupported: Report): HostConfig['RestartPolicy'] {
  const rp = service.deploy?.restart_policy;
  if (rp) {
    const where = [...at, 'deploy', 'restart_policy'];
    const name = CONDITIONS[(rp.condition ?? 'any') as keyof typeof CONDITIONS] ?? 'no';
    if (service.restart !== undefined) unsupported([...at, 'restart'], 'deploy.restart_policy is set too and is used instead');
    for (const key of ['delay', 'window'] as const) {
      if (rp[key] !== undefined) unsupported([...where, key], `the engine restarts without a ${key}; ignored`);
    }
    if (rp.max_attempts !== undefined && name !== 'on-failure') unsupported([...where, 'max_attempts'], `max_attempts applies only to condition on-failure with a single engine`);
    return { Name: name, ...(name === 'on-failure' && rp.max_attempts !== undefined && { MaximumRetryCount: rp.max_attempts }) };
  }
  if (!service.restart) return undefined;
  const [name, retries] = service.restart.split(':') as ['no' | 'always' | 'on-failure' | 'unless-stopped', string | undefined];
  return { Name: name, ...(retries !== undefined && { MaximumRetryCount: Number(retries) }) };
}

/** `seccomp=<profile file>` is read from disk by Docker Compose; this function stays pure. */
function securityOptions(options: string[] | undefined, at: Path, unsupported: Report): Pick<HostConfig, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'> {
  if (!options) return {};
  const out: Pick<HostConfig, 'SecurityOpt' | 'MaskedPaths' | 'ReadonlyPaths'> = {};
  const kept: string[] = [];
  options.forEach((opt, i) => {
    if (opt === 'systempaths=unconfined') {
      out.MaskedPaths = [];
      out.ReadonlyPaths = [];
      return;
    }
    const [key, value] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : [opt.slice(0, opt.indexOf(':')), opt.slice(opt.indexOf(':') + 1)];
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin') {
      unsupported([...at, 'security_opt', i], 'a seccomp profile file is not read yet; the default profile applies');
      return;
    }
    kept.push(opt);
  });
  if (kept.length > 0) out.SecurityOpt = kept;
  return out;
}

export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { project, serviceName, service, number } = input;
  const at: Path = ['services', serviceName];
  const unsupportedList: Unsupported[] = [];
  const unsupported: Report = (path, message) => unsupportedList.push({ path: formatPath(path), message });

  for (const key of Object.keys(service)) {
    if (key.startsWith('x-') || MAPPED_KEYS.includes(key) || NOT_CONTAINER_KEYS.includes(key)) continue;
    unsupported([...at, key], UNSUPPORTED_KEYS[key] ?? 'not mapped to the container');
  }
  for (const key of Object.keys(service.deploy ?? {})) {
    if (key in DEPLOY_SWARM_ONLY) unsupported([...at, 'deploy', key], DEPLOY_SWARM_ONLY[key]!);
  }
  const mode = service.deploy?.mode;
  if (mode !== undefined && mode !== 'replicated') unsupported([...at, 'deploy', 'mode'], `mode "${mode}" is Swarm only; runs as replicated`);
  // With the image's entrypoint kept, the engine reads an empty Cmd as "the image's CMD"
  // (with an entrypoint set in the file, an empty Cmd does mean no arguments).
  if (service.command?.length === 0 && (service.entrypoint === undefined || service.entrypoint === null)) {
    unsupported([...at, 'command'], 'an empty command cannot clear the image\'s CMD while the image\'s entrypoint is kept (the engine reads an empty Cmd as "the image\'s"); the image\'s CMD runs');
  }

  const name = service.container_name ?? `${project.name}-${serviceName}-${number}`;
  const containerOf = (other: string) =>
    input.serviceContainer?.(other) ?? project.services[other]?.container_name ?? `${project.name}-${other}-1`;
  const net: NetworkContext = { projectNetworks: project.networks, networkName: input.networkName, containerOf, unsupported };
  const links = linkList(net, service);
  const { mode: networkMode, extra, ...networkFields } = networking(net, { service, serviceName, containerName: name, links }, at);
  const { exposed, bindings } = ports(net, service, at);

  const hostConfig: HostConfig = {
    ...storage({ project, volumeName: input.volumeName, anonymousVolumes: input.anonymousVolumes ?? {}, unsupported }, service, at),
    ...(Object.keys(bindings).length > 0 && { PortBindings: bindings }),
    ...(networkMode !== undefined && { NetworkMode: networkMode }),
    ...resources(service, at, unsupported),
    ...securityOptions(service.security_opt, at, unsupported),
  };
  const set = <K extends keyof HostConfig>(field: K, value: HostConfig[K] | undefined) => {
    if (value !== undefined) hostConfig[field] = value;
  };
  set('RestartPolicy', restartPolicy(service, at, unsupported));
  set('Init', service.init);
  set('Privileged', service.privileged);
  set('ReadonlyRootfs', service.read_only);
  set('CapAdd', service.cap_add);
  set('CapDrop', service.cap_drop);
  set('ExtraHosts', extraHosts(service.extra_hosts));
  set('Links', links.length > 0 ? links : undefined);
  set('VolumesFrom', service.volumes_from?.map((v) => {
    if (v.startsWith('container:')) return v.slice('container:'.length);
    const [source, access] = v.split(':') as [string, string | undefined];
    return `${containerOf(source)}${access ? `:${access}` : ''}`;
  }));
  set('Dns', service.dns);
  set('DnsSearch', service.dns_search);
  set('DnsOptions', service.dns_opt);
  set('GroupAdd', service.group_add?.map(String));
  set('IpcMode', shareMode(net, service.ipc));
  set('PidMode', shareMode(net, service.pid));
  set('UTSMode', service.uts);
  set('UsernsMode', service.userns_mode);
  set('CgroupnsMode', service.cgroup);
  set('CgroupParent', service.cgroup_parent);
  set('Isolation', service.isolation);
  set('Runtime', service.runtime);
  set('StorageOpt', service.storage_opt && Object.fromEntries(Object.entries(service.storage_opt).map(([k, v]) => [k, String(v)])));
  set('ShmSize', service.shm_size);
  set('Sysctls', service.sysctls);
  if (service.logging) {
    const options = Object.entries(service.logging.options ?? {}).filter(([, v]) => v !== null);
    hostConfig.LogConfig = { Type: service.logging.driver ?? '', Config: Object.fromEntries(options.map(([k, v]) => [k, String(v)])) };
  }

  const env = Object.entries(service.environment ?? {}).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
  const graceMs = service.stop_grace_period === undefined ? undefined : parseDuration(service.stop_grace_period);
  const check = healthcheck(service.healthcheck, at, unsupported);
  const body: ContainerCreateBody = {
    Image: input.imageName || input.imageId,
    // Ours win: a user label can never hide which project, service or config a container has.
    Labels: { ...service.labels, ...containerLabels(project.name, serviceName, number, input.configHash, input.imageId) },
    ...(service.command !== undefined && service.command !== null && { Cmd: service.command }),
    ...(service.entrypoint !== undefined && service.entrypoint !== null && { Entrypoint: service.entrypoint }),
    ...(env.length > 0 && { Env: env }),
    ...(Object.keys(exposed).length > 0 && { ExposedPorts: exposed }),
    ...(service.user !== undefined && { User: service.user }),
    ...(service.working_dir !== undefined && { WorkingDir: service.working_dir }),
    ...(service.hostname !== undefined && { Hostname: service.hostname }),
    ...(service.domainname !== undefined && { Domainname: service.domainname }),
    ...(service.tty !== undefined && { Tty: service.tty }),
    ...(service.stdin_open !== undefined && { OpenStdin: service.stdin_open }),
    ...(service.stop_signal !== undefined && { StopSignal: service.stop_signal }),
    // Rounded up: a container is never killed sooner than the file allows.
    ...(graceMs !== undefined && { StopTimeout: Math.ceil(graceMs / 1000) }),
    ...(check && { Healthcheck: check }),
    ...networkFields,
    ...(service.mac_address !== undefined && { MacAddress: service.mac_address }),
    HostConfig: hostConfig,
  };
  return { name, ...(service.platform && { platform: service.platform }), body, extraNetworks: extra, unsupported: unsupportedList };
}

/**
 * The argument for dockerode's createContainer. Its query and body must be given apart: given
 * one object, dockerode sends all of it as the body *and* as the query string, which puts the
 * whole environment in the URL (and may exceed the engine's header limit).
 */
export function createContainerOptions(spec: ContainerSpec): { _query: { name: string; platform?: string }; _body: ContainerCreateBody } {
  return { _query: { name: spec.name, ...(spec.platform && { platform: spec.platform }) }, _body: spec.body };
}
