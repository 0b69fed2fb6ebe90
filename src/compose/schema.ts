/**
 * The shape of one compose file after interpolation, as the Compose Specification defines it,
 * written as zod schemas (strict objects: unknown keys are errors, `x-*` keys are allowed
 * anywhere the spec allows them). Scalars that interpolation may have turned into strings
 * ("3", "true") are coerced the way Docker Compose does. Short forms (ports, volumes, …) are
 * accepted here and turned into long forms by normalise-*.ts.
 */
// A namespace import, not `import { z }`: esbuild can then leave out the parts of zod we do not use
// (its 40-odd locales, JSON Schema): half the bundle, and less to load at every start.
import * as z from 'zod';

// Compose files are parsed once per run: zod's JIT (compiling parsers with new Function) costs
// more at start-up than it saves.
z.config({ jitless: true });

const EXTENSION = /^x-/;

/** A strict object that also accepts `x-*` extension keys. */
export function strictObject<T extends z.ZodRawShape>(shape: T): z.ZodObject<T, z.core.$strip> {
  // Typed as a plain object: extension keys are kept at run time but reached by name only.
  const schema = z.object(shape).catchall(z.unknown()).superRefine((value, ctx) => {
    // `when` makes this run even when a known key is invalid, so all problems surface together.
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value)) {
      if (!(key in shape) && !EXTENSION.test(key)) {
        ctx.addIssue({ code: 'custom', message: `unknown key "${key}"`, path: [key], params: { unknownKey: key, known: Object.keys(shape) } });
      }
    }
  }, { when: () => true } as never);
  return schema as unknown as z.ZodObject<T, z.core.$strip>;
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True', 'y', 'Y', 'yes', 'YES', 'Yes', 'on', 'ON', 'On']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False', 'n', 'N', 'no', 'NO', 'No', 'off', 'OFF', 'Off']);

export const bool = z.union([
  z.boolean(),
  z.string().refine((s) => TRUE.has(s) || FALSE.has(s), { message: 'expected a boolean (true or false)' }).transform((s) => TRUE.has(s)),
]);
export const int = z.union([
  z.number().int('expected a whole number'),
  z.string().regex(/^[-+]?\d+$/, 'expected a whole number').transform(Number),
]);
export const number = z.union([
  z.number(),
  z.string().regex(/^[-+]?(\d+\.?\d*|\.\d+)$/, 'expected a number').transform(Number),
]);
/** Byte sizes and durations are kept as written here and parsed by units.ts. */
export const stringOrNumber = z.union([z.string(), z.number()]);
export const str = z.string();
export const listOfStrings = z.array(z.string());
export const stringOrList = z.union([z.string(), listOfStrings]);
/** A `KEY: value` mapping or a `KEY=value` list (environment, labels, args, …). */
export const listOrDict = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.string()),
]);
const stringMap = z.record(z.string(), z.string());
const extraHosts = z.union([z.record(z.string(), stringOrList), z.array(z.string())]);

const externalSchema = z.union([bool, strictObject({ name: str.optional() })]);

const blkioLimit = strictObject({ path: str, rate: stringOrNumber });
const blkioWeight = strictObject({ path: str, weight: int });

export const buildSchema = z.union([
  z.string(),
  strictObject({
    context: str.optional(),
    dockerfile: str.optional(),
    dockerfile_inline: str.optional(),
    entitlements: listOfStrings.optional(),
    args: listOrDict.optional(),
    ssh: listOrDict.optional(),
    labels: listOrDict.optional(),
    cache_from: listOfStrings.optional(),
    cache_to: listOfStrings.optional(),
    no_cache: bool.optional(),
    no_cache_filter: stringOrList.optional(),
    additional_contexts: listOrDict.optional(),
    network: str.optional(),
    provenance: z.union([str, bool]).optional(),
    sbom: z.union([str, bool]).optional(),
    pull: bool.optional(),
    target: str.optional(),
    shm_size: stringOrNumber.optional(),
    extra_hosts: extraHosts.optional(),
    isolation: str.optional(),
    privileged: bool.optional(),
    secrets: z.array(z.union([str, strictObject({ source: str, target: str.optional(), uid: str.optional(), gid: str.optional(), mode: z.union([str, int]).optional() })])).optional(),
    tags: listOfStrings.optional(),
    ulimits: z.record(z.string(), z.union([int, strictObject({ soft: int, hard: int })])).optional(),
    platforms: listOfStrings.optional(),
  }),
]);

const healthcheckSchema = strictObject({
  disable: bool.optional(),
  interval: str.optional(),
  retries: int.optional(),
  test: stringOrList.optional(),
  timeout: str.optional(),
  start_period: str.optional(),
  start_interval: str.optional(),
});

const resourceLimits = strictObject({
  cpus: z.union([number, z.string()]).optional(),
  memory: stringOrNumber.optional(),
  pids: int.optional(),
});
const deviceRequest = strictObject({
  capabilities: listOfStrings,
  count: z.union([str, int]).optional(),
  device_ids: listOfStrings.optional(),
  driver: str.optional(),
  options: listOrDict.optional(),
});
const deploySchema = strictObject({
  mode: z.enum(['replicated', 'global', 'replicated-job', 'global-job']).optional(),
  endpoint_mode: z.enum(['vip', 'dnsrr']).optional(),
  replicas: int.optional(),
  labels: listOrDict.optional(),
  rollback_config: z.record(z.string(), z.unknown()).optional(),
  update_config: strictObject({
    parallelism: int.optional(),
    delay: str.optional(),
    failure_action: str.optional(),
    monitor: str.optional(),
    max_failure_ratio: number.optional(),
    order: z.enum(['start-first', 'stop-first']).optional(),
  }).optional(),
  resources: strictObject({
    limits: resourceLimits.optional(),
    reservations: strictObject({
      cpus: z.union([number, z.string()]).optional(),
      memory: stringOrNumber.optional(),
      generic_resources: z.array(z.unknown()).optional(),
      devices: z.array(deviceRequest).optional(),
    }).optional(),
  }).optional(),
  restart_policy: strictObject({
    condition: z.enum(['none', 'on-failure', 'any']).optional(),
    delay: str.optional(),
    max_attempts: int.optional(),
    window: str.optional(),
  }).optional(),
  placement: strictObject({
    constraints: listOfStrings.optional(),
    preferences: z.array(strictObject({ spread: str.optional() })).optional(),
    max_replicas_per_node: int.optional(),
  }).optional(),
});

const watchItem = strictObject({
  path: str,
  action: z.enum(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']),
  target: str.optional(),
  ignore: stringOrList.optional(),
  include: stringOrList.optional(),
  initial_sync: bool.optional(),
  exec: strictObject({
    command: stringOrList,
    user: str.optional(),
    privileged: bool.optional(),
    working_dir: str.optional(),
    environment: listOrDict.optional(),
  }).optional(),
});
export const developSchema = strictObject({ watch: z.array(watchItem).optional() });

const serviceHook = strictObject({
  command: stringOrList,
  user: str.optional(),
  privileged: bool.optional(),
  working_dir: str.optional(),
  environment: listOrDict.optional(),
});

const portLong = strictObject({
  name: str.optional(),
  mode: z.enum(['host', 'ingress']).optional(),
  host_ip: str.optional(),
  target: int.optional(),
  published: z.union([str, int]).optional(),
  protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
  app_protocol: str.optional(),
});

const volumeLong = strictObject({
  type: z.enum(['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image']),
  source: str.optional(),
  target: str.optional(),
  read_only: bool.optional(),
  consistency: str.optional(),
  bind: strictObject({
    propagation: str.optional(),
    create_host_path: bool.optional(),
    recursive: z.enum(['enabled', 'disabled', 'writable', 'readonly']).optional(),
    selinux: z.enum(['z', 'Z']).optional(),
  }).optional(),
  volume: strictObject({ nocopy: bool.optional(), subpath: str.optional() }).optional(),
  // A string mode is octal ("1777"), so it must not be coerced to a decimal number by `int`.
  tmpfs: strictObject({ size: stringOrNumber.optional(), mode: z.union([z.number().int('expected a whole number'), str]).optional() }).optional(),
  image: strictObject({ subpath: str.optional() }).optional(),
});

const fileReference = z.union([
  str,
  strictObject({ source: str, target: str.optional(), uid: z.union([str, int]).optional(), gid: z.union([str, int]).optional(), mode: z.union([str, int]).optional() }),
]);

const dependsOn = z.union([
  listOfStrings,
  z.record(z.string(), strictObject({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']), restart: bool.optional(), required: bool.optional() })),
]);

const serviceNetworks = z.union([
  listOfStrings,
  z.record(z.string(), z.union([
    z.null(),
    strictObject({
      aliases: listOfStrings.optional(),
      interface_name: str.optional(),
      ipv4_address: str.optional(),
      ipv6_address: str.optional(),
      link_local_ips: listOfStrings.optional(),
      mac_address: str.optional(),
      driver_opts: z.record(z.string(), stringOrNumber).optional(),
      priority: int.optional(),
      gw_priority: int.optional(),
    }),
  ])),
]);

const envFile = z.union([
  str,
  z.array(z.union([str, strictObject({ path: str, required: bool.optional(), format: str.optional() })])),
]);

const extendsSchema = z.union([str, strictObject({ service: str, file: str.optional() })]);

export const serviceSchema = strictObject({
  annotations: listOrDict.optional(),
  attach: bool.optional(),
  blkio_config: strictObject({
    device_read_bps: z.array(blkioLimit).optional(),
    device_read_iops: z.array(blkioLimit).optional(),
    device_write_bps: z.array(blkioLimit).optional(),
    device_write_iops: z.array(blkioLimit).optional(),
    weight: int.optional(),
    weight_device: z.array(blkioWeight).optional(),
  }).optional(),
  build: buildSchema.optional(),
  cap_add: listOfStrings.optional(),
  cap_drop: listOfStrings.optional(),
  cgroup: z.enum(['host', 'private']).optional(),
  cgroup_parent: str.optional(),
  command: z.union([z.null(), stringOrList]).optional(),
  configs: z.array(fileReference).optional(),
  container_name: str.optional(),
  cpu_count: int.optional(),
  cpu_percent: int.optional(),
  cpu_shares: int.optional(),
  cpu_quota: int.optional(),
  cpu_period: int.optional(),
  cpu_rt_period: stringOrNumber.optional(),
  cpu_rt_runtime: stringOrNumber.optional(),
  cpus: number.optional(),
  cpuset: str.optional(),
  credential_spec: z.record(z.string(), z.unknown()).optional(),
  depends_on: dependsOn.optional(),
  deploy: deploySchema.optional(),
  develop: developSchema.optional(),
  device_cgroup_rules: listOfStrings.optional(),
  devices: z.array(z.union([str, strictObject({ source: str, target: str.optional(), permissions: str.optional() })])).optional(),
  dns: stringOrList.optional(),
  dns_opt: listOfStrings.optional(),
  dns_search: stringOrList.optional(),
  domainname: str.optional(),
  entrypoint: z.union([z.null(), stringOrList]).optional(),
  env_file: envFile.optional(),
  label_file: stringOrList.optional(),
  environment: listOrDict.optional(),
  expose: z.array(z.union([str, int])).optional(),
  extends: extendsSchema.optional(),
  external_links: listOfStrings.optional(),
  extra_hosts: extraHosts.optional(),
  gpus: z.union([z.literal('all'), z.array(deviceRequest.or(z.record(z.string(), z.unknown())))]).optional(),
  group_add: z.array(z.union([str, int])).optional(),
  healthcheck: healthcheckSchema.optional(),
  hostname: str.optional(),
  image: str.optional(),
  init: bool.optional(),
  ipc: str.optional(),
  isolation: str.optional(),
  labels: listOrDict.optional(),
  links: listOfStrings.optional(),
  logging: strictObject({ driver: str.optional(), options: z.record(z.string(), z.union([str, z.number(), z.null()])).optional() }).optional(),
  mac_address: str.optional(),
  mem_limit: stringOrNumber.optional(),
  mem_reservation: stringOrNumber.optional(),
  mem_swappiness: int.optional(),
  memswap_limit: stringOrNumber.optional(),
  network_mode: str.optional(),
  networks: serviceNetworks.optional(),
  oom_kill_disable: bool.optional(),
  oom_score_adj: int.optional(),
  pid: z.union([str, z.null()]).optional(),
  pids_limit: int.optional(),
  platform: str.optional(),
  ports: z.array(z.union([int, str, portLong])).optional(),
  post_start: z.array(serviceHook).optional(),
  pre_stop: z.array(serviceHook).optional(),
  privileged: bool.optional(),
  profiles: listOfStrings.optional(),
  pull_policy: z.string().optional(),
  read_only: bool.optional(),
  restart: str.optional(),
  runtime: str.optional(),
  scale: int.optional(),
  security_opt: listOfStrings.optional(),
  shm_size: stringOrNumber.optional(),
  secrets: z.array(fileReference).optional(),
  sysctls: listOrDict.optional(),
  stdin_open: bool.optional(),
  stop_grace_period: str.optional(),
  stop_signal: str.optional(),
  storage_opt: z.record(z.string(), z.unknown()).optional(),
  tmpfs: stringOrList.optional(),
  tty: bool.optional(),
  ulimits: z.record(z.string(), z.union([int, strictObject({ soft: int, hard: int })])).optional(),
  use_api_socket: bool.optional(),
  user: z.union([str, int]).optional(),
  uts: str.optional(),
  userns_mode: str.optional(),
  volumes: z.array(z.union([str, volumeLong])).optional(),
  volumes_from: listOfStrings.optional(),
  working_dir: str.optional(),
});

export const networkSchema = z.union([z.null(), strictObject({
  name: str.optional(),
  driver: str.optional(),
  driver_opts: z.record(z.string(), stringOrNumber).optional(),
  ipam: strictObject({
    driver: str.optional(),
    config: z.array(strictObject({ subnet: str.optional(), ip_range: str.optional(), gateway: str.optional(), aux_addresses: stringMap.optional() })).optional(),
    options: stringMap.optional(),
  }).optional(),
  external: externalSchema.optional(),
  internal: bool.optional(),
  enable_ipv4: bool.optional(),
  enable_ipv6: bool.optional(),
  attachable: bool.optional(),
  labels: listOrDict.optional(),
})]);

export const volumeSchema = z.union([z.null(), strictObject({
  name: str.optional(),
  driver: str.optional(),
  driver_opts: z.record(z.string(), stringOrNumber).optional(),
  external: externalSchema.optional(),
  labels: listOrDict.optional(),
})]);

const fileObject = {
  name: str.optional(),
  environment: str.optional(),
  file: str.optional(),
  external: externalSchema.optional(),
  labels: listOrDict.optional(),
  template_driver: str.optional(),
};
export const secretSchema = strictObject({ ...fileObject, driver: str.optional(), driver_opts: z.record(z.string(), stringOrNumber).optional() });
export const configSchema = strictObject({ ...fileObject, content: str.optional() });

const includeItem = z.union([
  str,
  strictObject({ path: stringOrList, env_file: stringOrList.optional(), project_directory: str.optional() }),
]);

export const composeFileSchema = strictObject({
  version: z.union([str, z.number()]).optional(),
  name: str.optional(),
  include: z.array(includeItem).optional(),
  services: z.record(z.string(), z.union([z.null(), serviceSchema])).optional(),
  networks: z.record(z.string(), networkSchema).optional(),
  volumes: z.record(z.string(), volumeSchema).optional(),
  secrets: z.record(z.string(), secretSchema).optional(),
  configs: z.record(z.string(), configSchema).optional(),
  models: z.record(z.string(), z.unknown()).optional(),
});

export type RawComposeFile = z.output<typeof composeFileSchema>;
export type RawService = z.output<typeof serviceSchema>;
export type RawNetwork = NonNullable<z.output<typeof networkSchema>>;
export type RawVolume = NonNullable<z.output<typeof volumeSchema>>;
export type RawSecret = z.output<typeof secretSchema>;
export type RawConfig = z.output<typeof configSchema>;
