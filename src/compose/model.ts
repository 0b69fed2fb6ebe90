/**
 * The normalised compose model: every short form turned into its long form, paths absolute,
 * env files read, defaults that matter made explicit. Keys keep the compose spelling
 * (snake_case) so that `devspace config` prints what a compose user recognises.
 */
import type { Diagnostic } from '../errors.js';
import type { RawService } from './schema.js';

export interface PortConfig {
  target: number;
  /** A host port or range ("8080", "8000-8010"); absent means a random host port. */
  published?: string;
  host_ip?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
  app_protocol?: string;
  name?: string;
}

export interface ServiceVolume {
  type: 'bind' | 'volume' | 'tmpfs' | 'cluster' | 'npipe' | 'image';
  /** Absolute host path for binds, volume name for volumes; absent for anonymous volumes. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; recursive?: string; selinux?: 'z' | 'Z' };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number; mode?: number };
  image?: { subpath?: string };
}

export interface FileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart: boolean;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

export interface BuildConfig {
  /** Absolute path of the context directory (or a git/URL context as written). */
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  target?: string;
  tags?: string[];
  cache_from?: string[];
  cache_to?: string[];
  platforms?: string[];
  additional_contexts?: Record<string, string>;
  labels?: Record<string, string>;
  network?: string;
  no_cache?: boolean;
  pull?: boolean;
  shm_size?: number;
  extra_hosts?: string[];
  ssh?: string[];
  secrets?: FileReference[];
  privileged?: boolean;
  [key: string]: unknown;
}

export interface ResourceSpec {
  cpus?: number;
  /** Bytes. */
  memory?: number;
  pids?: number;
  devices?: unknown[];
  generic_resources?: unknown[];
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  resources?: { limits?: ResourceSpec; reservations?: ResourceSpec };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface WatchRule {
  /** Absolute path watched. */
  path: string;
  action: 'rebuild' | 'sync' | 'restart' | 'sync+restart' | 'sync+exec';
  target?: string;
  ignore?: string[];
  include?: string[];
  initial_sync?: boolean;
  exec?: { command: string[]; user?: string; privileged?: boolean; working_dir?: string; environment?: Record<string, string | null> };
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
  [key: string]: unknown;
}

type Replaced =
  | 'build' | 'command' | 'entrypoint' | 'environment' | 'env_file' | 'ports' | 'expose' | 'volumes'
  | 'depends_on' | 'healthcheck' | 'deploy' | 'develop' | 'labels' | 'annotations' | 'networks'
  | 'secrets' | 'configs' | 'extends' | 'profiles' | 'extra_hosts' | 'tmpfs' | 'dns' | 'dns_search'
  | 'sysctls' | 'ulimits' | 'mem_limit' | 'mem_reservation' | 'memswap_limit' | 'shm_size' | 'user'
  | 'stop_grace_period' | 'expose' | 'label_file';

/** One service, normalised. Attributes not listed here keep the shape the spec gives them. */
export interface Service extends Omit<RawService, Replaced> {
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  env_file?: { path: string; required: boolean; format?: string }[];
  ports?: PortConfig[];
  expose?: string[];
  volumes?: ServiceVolume[];
  depends_on?: Record<string, DependsOn>;
  healthcheck?: Healthcheck;
  deploy?: DeployConfig;
  develop?: { watch?: WatchRule[] };
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  networks?: Record<string, ServiceNetwork | null>;
  secrets?: FileReference[];
  configs?: FileReference[];
  profiles?: string[];
  extra_hosts?: string[];
  tmpfs?: string[];
  dns?: string[];
  dns_search?: string[];
  sysctls?: Record<string, string>;
  ulimits?: Record<string, { soft: number; hard: number } | number>;
  mem_limit?: number;
  mem_reservation?: number;
  memswap_limit?: number;
  shm_size?: number;
  user?: string;
  stop_grace_period?: string;
}

export interface Resource {
  name: string;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface Project {
  name: string;
  /** The project directory (absolute). */
  working_dir: string;
  compose_files: string[];
  services: Record<string, Service>;
  networks: Record<string, Resource>;
  volumes: Record<string, Resource>;
  secrets: Record<string, Resource>;
  configs: Record<string, Resource>;
  /** Top-level `x-*` extensions, `x-devspace` included (validated). */
  extensions: Record<string, unknown>;
}

/** What loading produces: the project, services left out by profiles, and warnings. */
export interface LoadedProject {
  project: Project;
  disabled: Record<string, Service>;
  /** Every profile named by any service. */
  allProfiles: string[];
  warnings: Diagnostic[];
  /** Every file the project is read from (compose files, extends and include targets, env files), absolute. */
  sources: string[];
}
