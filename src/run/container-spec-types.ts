/**
 * The Docker Engine API 1.41 container-create body, typed precisely for what container-spec.ts
 * produces. @types/dockerode's ContainerCreateOptions is looser in most places (`any`) and
 * stricter in a few where the API is not (MountSettings requires `Source` and every
 * VolumeOptions field, though anonymous volumes and tmpfs mounts have no source), so the caller
 * passes this body to dockerode with a cast.
 */
import type { Project, Service } from '../compose/model.js';

export interface PortBinding {
  /** "" = all interfaces. */
  HostIp: string;
  /** A port, a range ("8000-8010": the engine picks one), or "" for a random port. */
  HostPort: string;
}

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind) or engine volume name (volume); absent for anonymous volumes and tmpfs. */
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface EndpointSettings {
  Aliases?: string[];
  Links?: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  DriverOpts?: Record<string, string>;
}

export interface DeviceRequest {
  Driver?: string;
  /** -1 = all devices. */
  Count?: number;
  DeviceIDs?: string[];
  Capabilities?: string[][];
  Options?: Record<string, string>;
}

export interface ThrottleDevice {
  Path: string;
  Rate: number;
}

export interface HostConfig {
  Binds?: string[];
  Mounts?: Mount[];
  Tmpfs?: Record<string, string>;
  PortBindings?: Record<string, PortBinding[]>;
  NetworkMode?: string;
  RestartPolicy?: { Name: 'no' | 'always' | 'on-failure' | 'unless-stopped'; MaximumRetryCount?: number };
  Init?: boolean;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  ExtraHosts?: string[];
  Links?: string[];
  VolumesFrom?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  GroupAdd?: string[];
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  CgroupnsMode?: string;
  CgroupParent?: string;
  Isolation?: string;
  Runtime?: string;
  SecurityOpt?: string[];
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
  StorageOpt?: Record<string, string>;
  ShmSize?: number;
  Sysctls?: Record<string, string>;
  LogConfig?: { Type: string; Config: Record<string, string> };
  // Resources
  NanoCpus?: number;
  CpuShares?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpuCount?: number;
  CpuPercent?: number;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number;
  OomKillDisable?: boolean;
  OomScoreAdj?: number;
  PidsLimit?: number;
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
  DeviceCgroupRules?: string[];
  DeviceRequests?: DeviceRequest[];
  BlkioWeight?: number;
  BlkioWeightDevice?: { Path: string; Weight: number }[];
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
}

export interface Healthcheck {
  /** ["NONE"], ["CMD", …] or ["CMD-SHELL", "…"]; absent = the image's test. */
  Test?: string[];
  /** Nanoseconds; absent or 0 = the image's value (or Docker's default). */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

/** The JSON body of POST /containers/create (the name and platform go in the query). */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  /** `[]` clears the image's entrypoint; absent keeps it. */
  Entrypoint?: string[];
  Env?: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Domainname?: string;
  MacAddress?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  StopSignal?: string;
  /** Seconds. */
  StopTimeout?: number;
  NetworkDisabled?: boolean;
  Healthcheck?: Healthcheck;
  HostConfig: HostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointSettings> };
}

/** A network to connect the container to after it is created (Engine API < 1.44 takes one at create). */
export interface ExtraNetwork {
  /** The compose key (`networks.<key>`). */
  key: string;
  /** The engine's network name. */
  name: string;
  aliases: string[];
  ipv4?: string;
  ipv6?: string;
  /** The EndpointConfig for POST /networks/{name}/connect. */
  endpointConfig: EndpointSettings;
}

/** An attribute of the file that the container does not get, and why. */
export interface Unsupported {
  /** `services.front.annotations`, `services.front.volumes[2].volume.subpath`, … */
  path: string;
  message: string;
}

export interface ContainerSpecInput {
  project: Project;
  serviceName: string;
  service: Service;
  /** 1-based replica number. */
  number: number;
  /** The image ID the container must run (goes into our labels). */
  imageId: string;
  /** The image reference to create from (readable in `docker ps`); imageId when empty. */
  imageName: string;
  configHash: string;
  /** Compose network key → engine network name. */
  networkName: (composeNetworkKey: string) => string;
  /** Compose volume key → engine volume name. */
  volumeName: (composeVolumeKey: string) => string;
  /**
   * The container (name or ID) of another service that this one refers to through
   * `network_mode`/`ipc`/`pid: service:x`, `volumes_from` or `links`. Default: replica 1's name
   * as devspace creates it (`container_name`, else `<project>-<service>-1`).
   */
  serviceContainer?: (serviceName: string) => string | undefined;
  /**
   * Anonymous volumes of the container being replaced, by target path: reused so that a
   * recreate keeps their data, as Docker Compose does.
   */
  anonymousVolumes?: Record<string, string>;
}

export interface ContainerSpec {
  /** The container name (`name` query parameter). */
  name: string;
  /** The `platform` query parameter (`os[/arch[/variant]]`), when the service sets one. */
  platform?: string;
  body: ContainerCreateBody;
  /** Networks after the first, in priority order: connect them after create, before start. */
  extraNetworks: ExtraNetwork[];
  unsupported: Unsupported[];
}
