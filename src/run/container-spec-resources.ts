/**
 * Resource limits: `cpus`, `cpu_*`, `mem_*`, `pids_limit`, `deploy.resources`, `ulimits`,
 * `blkio_config`, `devices`, `gpus` → the HostConfig's resource fields (Engine API 1.41).
 */
import type { Service } from '../compose/model.js';
import type { Path } from '../compose/path.js';
import { parseBytes, parseDuration } from '../compose/units.js';
import type { DeviceRequest, HostConfig, ThrottleDevice } from './container-spec-types.js';

type Report = (path: Path, message: string) => void;

/** cpu_rt_period / cpu_rt_runtime: a number of microseconds or a duration ("1400us"). */
function microseconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const ms = parseDuration(value);
  return ms === undefined ? undefined : Math.round(ms * 1000);
}

interface RawDeviceRequest {
  capabilities?: string[];
  count?: string | number;
  device_ids?: string[];
  driver?: string;
  options?: Record<string, unknown> | string[];
}

/** deploy.resources.reservations.devices and gpus → DeviceRequests (count "all" or absent = -1). */
function deviceRequest(raw: RawDeviceRequest, defaultCapabilities: string[]): DeviceRequest {
  const count = raw.count === 'all' || (raw.count === undefined && raw.device_ids === undefined) ? -1 : raw.count === undefined ? undefined : Number(raw.count);
  let options: Record<string, string> | undefined;
  if (Array.isArray(raw.options)) options = Object.fromEntries(raw.options.map((o) => [o.split('=')[0]!, o.split('=').slice(1).join('=')]));
  else if (raw.options) options = Object.fromEntries(Object.entries(raw.options).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return {
    ...(raw.driver && { Driver: raw.driver }),
    ...(count !== undefined && { Count: count }),
    ...(raw.device_ids && { DeviceIDs: raw.device_ids }),
    Capabilities: [raw.capabilities ?? defaultCapabilities],
    ...(options && { Options: options }),
  };
}

function devices(service: Service, at: Path, unsupported: Report): HostConfig['Devices'] {
  const out: NonNullable<HostConfig['Devices']> = [];
  (service.devices ?? []).forEach((d, i) => {
    if (typeof d === 'string') {
      // A CDI name (vendor.com/class=name) needs Engine API 1.45's CDI device driver.
      if (!d.startsWith('/') && d.includes('=')) {
        unsupported([...at, 'devices', i], `CDI device "${d}" needs Engine API 1.45`);
        return;
      }
      const [source, target, permissions] = d.split(':') as [string, string | undefined, string | undefined];
      out.push({ PathOnHost: source, PathInContainer: target || source, CgroupPermissions: permissions || 'rwm' });
    } else {
      out.push({ PathOnHost: d.source, PathInContainer: d.target || d.source, CgroupPermissions: d.permissions || 'rwm' });
    }
  });
  return out.length > 0 ? out : undefined;
}

function blkio(service: Service, at: Path, unsupported: Report): Partial<HostConfig> {
  const b = service.blkio_config;
  if (!b) return {};
  const out: Partial<HostConfig> = {};
  if (b.weight !== undefined) out.BlkioWeight = b.weight;
  if (b.weight_device) out.BlkioWeightDevice = b.weight_device.map((d) => ({ Path: d.path, Weight: d.weight }));
  const throttle = (key: 'device_read_bps' | 'device_write_bps' | 'device_read_iops' | 'device_write_iops', bytes: boolean): ThrottleDevice[] | undefined =>
    b[key]?.flatMap((d, i) => {
      const rate = bytes ? parseBytes(d.rate) : /^\d+$/.test(String(d.rate).trim()) ? Number(d.rate) : undefined;
      if (rate === undefined) {
        unsupported([...at, 'blkio_config', key, i, 'rate'], `invalid rate "${d.rate}"`);
        return [];
      }
      return [{ Path: d.path, Rate: rate }];
    });
  const set = <K extends keyof HostConfig>(field: K, value: HostConfig[K] | undefined) => {
    if (value !== undefined) out[field] = value;
  };
  set('BlkioDeviceReadBps', throttle('device_read_bps', true));
  set('BlkioDeviceWriteBps', throttle('device_write_bps', true));
  set('BlkioDeviceReadIOps', throttle('device_read_iops', false));
  set('BlkioDeviceWriteIOps', throttle('device_write_iops', false));
  return out;
}

/**
 * The resource fields. deploy.resources wins over the service-level keys (as in Docker Compose);
 * when both are set and differ, the service-level one is reported.
 */
export function resources(service: Service, at: Path, unsupported: Report): Partial<HostConfig> {
  const out: Partial<HostConfig> = {};
  const set = <K extends keyof HostConfig>(field: K, value: HostConfig[K] | undefined) => {
    if (value !== undefined) out[field] = value;
  };
  const limits = service.deploy?.resources?.limits;
  const reservations = service.deploy?.resources?.reservations;
  const deployPath = [...at, 'deploy', 'resources'];
  const pick = <T>(key: string, own: T | undefined, fromDeploy: T | undefined, deployKey: string): T | undefined => {
    if (own !== undefined && fromDeploy !== undefined && own !== fromDeploy) {
      unsupported([...at, key], `conflicts with ${deployKey} (${String(fromDeploy)}), which is used`);
    }
    return fromDeploy ?? own;
  };
  const cpus = pick('cpus', service.cpus, limits?.cpus, 'deploy.resources.limits.cpus');
  set('NanoCpus', cpus === undefined ? undefined : Math.round(cpus * 1e9));
  set('Memory', pick('mem_limit', service.mem_limit, limits?.memory, 'deploy.resources.limits.memory'));
  set('PidsLimit', pick('pids_limit', service.pids_limit, limits?.pids, 'deploy.resources.limits.pids'));
  set('MemoryReservation', pick('mem_reservation', service.mem_reservation, reservations?.memory, 'deploy.resources.reservations.memory'));
  if (reservations?.cpus !== undefined) {
    unsupported([...deployPath, 'reservations', 'cpus'], 'a single Docker engine has no CPU reservation (it is a Swarm/Kubernetes scheduling hint); use cpu_shares for a relative weight');
  }
  if (reservations?.generic_resources !== undefined) unsupported([...deployPath, 'reservations', 'generic_resources'], 'generic resources exist only in Swarm');
  const requests = [
    ...((reservations?.devices ?? []) as RawDeviceRequest[]).map((d) => deviceRequest(d, [])),
    ...(service.gpus === 'all' ? [deviceRequest({}, ['gpu'])] : ((service.gpus ?? []) as RawDeviceRequest[]).map((g) => deviceRequest(g, ['gpu']))),
  ];
  if (requests.length > 0) out.DeviceRequests = requests;
  set('MemorySwap', service.memswap_limit);
  set('MemorySwappiness', service.mem_swappiness);
  set('OomKillDisable', service.oom_kill_disable);
  set('OomScoreAdj', service.oom_score_adj);
  set('CpuShares', service.cpu_shares);
  set('CpuQuota', service.cpu_quota);
  set('CpuPeriod', service.cpu_period);
  set('CpuCount', service.cpu_count);
  set('CpuPercent', service.cpu_percent);
  set('CpusetCpus', service.cpuset);
  set('CpuRealtimePeriod', microseconds(service.cpu_rt_period));
  set('CpuRealtimeRuntime', microseconds(service.cpu_rt_runtime));
  for (const key of ['cpu_rt_period', 'cpu_rt_runtime'] as const) {
    if (service[key] !== undefined && microseconds(service[key]) === undefined) unsupported([...at, key], `invalid duration "${service[key]}"`);
  }
  set('Devices', devices(service, at, unsupported));
  set('DeviceCgroupRules', service.device_cgroup_rules);
  if (service.ulimits) {
    out.Ulimits = Object.entries(service.ulimits).map(([name, v]) => (typeof v === 'number' ? { Name: name, Soft: v, Hard: v } : { Name: name, Soft: v.soft, Hard: v.hard }));
  }
  return { ...out, ...blkio(service, at, unsupported) };
}
