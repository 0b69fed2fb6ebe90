/**
 * How a container is reached: `ports`/`expose` → ExposedPorts + PortBindings, `networks` /
 * `network_mode` → NetworkMode + NetworkingConfig (+ networks to connect after create),
 * `extra_hosts`, `links`/`external_links` (Engine API 1.41).
 */
import type { PortConfig, Service, ServiceNetwork } from '../compose/model.js';
import type { Path } from '../compose/path.js';
import type { ContainerCreateBody, EndpointSettings, ExtraNetwork, PortBinding } from './container-spec-types.js';

export interface NetworkContext {
  projectNetworks: Record<string, unknown>;
  networkName: (key: string) => string;
  /** The container of another service (for service:x, links). */
  containerOf: (service: string) => string;
  unsupported(path: Path, message: string): void;
}

/** `ports` and `expose` → ExposedPorts and PortBindings. */
export function ports(ctx: NetworkContext, service: Service, at: Path): { exposed: Record<string, Record<string, never>>; bindings: Record<string, PortBinding[]> } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, PortBinding[]> = {};
  // The loader expands matching ranges to one entry per port; a single container port with a
  // host range ("8000-8010:80") stays a range, and the engine picks a free port in it.
  for (const p of service.ports ?? ([] as PortConfig[])) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  (service.expose ?? []).forEach((entry, i) => {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(entry.trim());
    const start = Number(m?.[1]);
    const end = m?.[2] === undefined ? start : Number(m[2]);
    if (!m || end < start || end > 65535) {
      ctx.unsupported([...at, 'expose', i], `invalid expose entry "${entry}": use PORT[-PORT][/PROTOCOL]`);
      return;
    }
    for (let port = start; port <= end; port++) exposed[`${port}/${m[3] ?? 'tcp'}`] = {};
  });
  return { exposed, bindings };
}

/** "host=ip" (the model's form) → "host:ip" (the Engine's); `[::1]` loses its brackets. */
export function extraHosts(hosts: string[] | undefined): string[] | undefined {
  return hosts?.map((entry) => {
    const eq = entry.indexOf('=');
    const host = eq === -1 ? entry : entry.slice(0, eq);
    const ip = eq === -1 ? '' : entry.slice(eq + 1).replace(/^\[(.*)\]$/, '$1');
    return `${host}:${ip}`;
  });
}

/** `service:x` → `container:<x's container>`; other modes pass through. */
export function shareMode(ctx: NetworkContext, mode: string | null | undefined): string | undefined {
  if (mode === undefined || mode === null || mode === '') return undefined;
  return mode.startsWith('service:') ? `container:${ctx.containerOf(mode.slice('service:'.length))}` : mode;
}

function endpoint(ctx: NetworkContext, config: ServiceNetwork | null, aliases: string[], at: Path, primary: boolean): EndpointSettings {
  const c = config ?? {};
  const ipam = {
    ...(c.ipv4_address && { IPv4Address: c.ipv4_address }),
    ...(c.ipv6_address && { IPv6Address: c.ipv6_address }),
    ...(Array.isArray(c.link_local_ips) && c.link_local_ips.length > 0 && { LinkLocalIPs: c.link_local_ips as string[] }),
  };
  const driverOpts = c.driver_opts as Record<string, string | number> | undefined;
  for (const key of ['interface_name', 'gw_priority'] as const) {
    if (c[key] !== undefined) ctx.unsupported([...at, key], `${key} needs a newer Engine API than 1.41; ignored`);
  }
  if (c.mac_address !== undefined && !primary) ctx.unsupported([...at, 'mac_address'], 'a MAC address on a network other than the first needs Engine API 1.44');
  return {
    Aliases: aliases,
    ...(Object.keys(ipam).length > 0 && { IPAMConfig: ipam }),
    ...(driverOpts && { DriverOpts: Object.fromEntries(Object.entries(driverOpts).map(([k, v]) => [k, String(v)])) }),
  };
}

/**
 * Networks in Docker Compose's order: highest `priority` first, then by key. The first is given
 * at create (Engine API < 1.44 accepts one endpoint there); the rest are connected afterwards.
 */
export function networking(
  ctx: NetworkContext,
  input: { service: Service; serviceName: string; containerName: string; links: string[] },
  at: Path,
): Pick<ContainerCreateBody, 'NetworkingConfig' | 'NetworkDisabled' | 'MacAddress'> & { mode?: string; extra: ExtraNetwork[] } {
  const { service } = input;
  if (service.network_mode) {
    if (service.network_mode === 'disabled') return { mode: 'none', NetworkDisabled: true, extra: [] };
    return { mode: shareMode(ctx, service.network_mode)!, extra: [] };
  }
  let entries = Object.entries(service.networks ?? {});
  // `networks: {}` written explicitly: Compose falls back to the default network, if any.
  if (entries.length === 0) {
    if (!('default' in ctx.projectNetworks)) return { mode: 'none', extra: [] };
    entries = [['default', null]];
  }
  entries.sort(([a, x], [b, y]) => (y?.priority ?? 0) - (x?.priority ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  let mac: string | undefined;
  const endpoints = entries.map(([key, config], index) => {
    const path = [...at, 'networks', key];
    const aliases = [...new Set([input.containerName, input.serviceName, ...(config?.aliases ?? [])])];
    const settings = endpoint(ctx, config, aliases, path, index === 0);
    if (index === 0) {
      if (input.links.length > 0) settings.Links = input.links;
      // Before API 1.44 the (single) MAC address is container-wide, as Docker Compose does it.
      const own = config?.mac_address as string | undefined;
      if (own && service.mac_address && own !== service.mac_address) ctx.unsupported([...path, 'mac_address'], `differs from the service's mac_address "${service.mac_address}", which is used`);
      else if (own && !service.mac_address) mac = own;
    }
    return { key, name: ctx.networkName(key), settings, config };
  });
  const [first, ...rest] = endpoints;
  return {
    mode: first!.name,
    NetworkingConfig: { EndpointsConfig: { [first!.name]: first!.settings } },
    ...(mac && { MacAddress: mac }),
    extra: rest.map(({ key, name, settings, config }) => ({
      key,
      name,
      aliases: settings.Aliases ?? [],
      ...(config?.ipv4_address && { ipv4: config.ipv4_address }),
      ...(config?.ipv6_address && { ipv6: config.ipv6_address }),
      endpointConfig: settings,
    })),
  };
}

/**
 * `links: [svc[:alias]]` → `<svc's container>:<alias>`; `external_links: [container[:alias]]`
 * → `<container>:<alias>`. On a user-defined network a link is only an extra DNS name for
 * this container; Docker Compose puts the list in HostConfig.Links and the primary endpoint.
 */
export function links(ctx: NetworkContext, service: Service): string[] {
  const out: string[] = [];
  for (const link of service.links ?? []) {
    const [target, alias] = link.split(':') as [string, string | undefined];
    out.push(`${ctx.containerOf(target)}:${alias ?? target}`);
  }
  for (const link of service.external_links ?? []) {
    const [container, alias] = link.split(':') as [string, string | undefined];
    out.push(`${container}:${alias ?? container}`);
  }
  return out;
}
