import { describe, expect, it } from 'vitest';
import { load, spec, specFor } from './container-spec-fixtures.js';

describe('containerSpec: ports', () => {
  it('ranges become one binding per port; no host port means a random one; a host range for one port stays a range', () => {
    const { body, unsupported } = spec(`
services:
  app:
    image: x
    ports:
      - "127.0.0.1:8000-8001:80-81/udp"
      - "3000"
      - "9000-9010:90"
      - "[::1]:7000:7000"
      - target: 443
        published: "8443"
        host_ip: 0.0.0.0
        protocol: tcp
        mode: host
        app_protocol: https
        name: web
      - "8080:443"
    expose: ["5000", "6000-6001/udp", 7000]
`);
    expect(unsupported).toEqual([]);
    expect(body.HostConfig.PortBindings).toEqual({
      '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8000' }],
      '81/udp': [{ HostIp: '127.0.0.1', HostPort: '8001' }],
      '3000/tcp': [{ HostIp: '', HostPort: '' }],
      '90/tcp': [{ HostIp: '', HostPort: '9000-9010' }],
      '7000/tcp': [{ HostIp: '::1', HostPort: '7000' }],
      '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '8443' }, { HostIp: '', HostPort: '8080' }],
    });
    expect(Object.keys(body.ExposedPorts!).sort()).toEqual(['3000/tcp', '443/tcp', '5000/tcp', '6000/udp', '6001/udp', '7000/tcp', '80/udp', '81/udp', '90/tcp']);
  });
});
describe('containerSpec: networks', () => {
  it('the first network (by priority, then name) at create; the others to connect after', () => {
    const { body, extraNetworks, unsupported } = spec(`
services:
  app:
    image: x
    links: ["db:database"]
    external_links: ["legacy_redis:redis"]
    networks:
      back:
        aliases: [api]
        ipv4_address: 172.28.0.10
      front:
        priority: 10
        mac_address: 02:42:ac:11:00:02
        driver_opts: { mtu: 1400 }
      admin:
        ipv6_address: fd00::10
        interface_name: eth9
  db: { image: x, container_name: the-db }
networks:
  front:
  back:
    ipam: { config: [{ subnet: 172.28.0.0/16 }] }
  admin:
    external: true
`);
    expect(body.HostConfig.NetworkMode).toBe('demo_front');
    expect(body.MacAddress).toBe('02:42:ac:11:00:02');
    expect(body.NetworkingConfig).toEqual({
      EndpointsConfig: {
        demo_front: { Aliases: ['demo-app-1', 'app'], DriverOpts: { mtu: '1400' }, Links: ['the-db:database', 'legacy_redis:redis'] },
      },
    });
    expect(body.HostConfig.Links).toEqual(['the-db:database', 'legacy_redis:redis']);
    expect(extraNetworks).toEqual([
      { key: 'admin', name: 'admin', aliases: ['demo-app-1', 'app'], ipv6: 'fd00::10', endpointConfig: { Aliases: ['demo-app-1', 'app'], IPAMConfig: { IPv6Address: 'fd00::10' } } },
      {
        key: 'back',
        name: 'demo_back',
        aliases: ['demo-app-1', 'app', 'api'],
        ipv4: '172.28.0.10',
        endpointConfig: { Aliases: ['demo-app-1', 'app', 'api'], IPAMConfig: { IPv4Address: '172.28.0.10' } },
      },
    ]);
    expect(unsupported).toEqual([{ path: 'services.app.networks.admin.interface_name', message: expect.any(String) }]);
  });

  it('network_mode, ipc, pid service:x point at x\'s container; a resolver may name it', () => {
    const { project } = load(`
services:
  app:
    image: x
    network_mode: service:vpn
    ipc: service:vpn
    pid: "host"
    volumes_from: ["vpn:ro", "container:sidecar:rw", "vpn"]
  vpn: { image: x }
  host: { image: x, network_mode: host }
  off: { image: x, network_mode: none }
  disabled: { image: x, network_mode: disabled }
`);
    const app = specFor(project, 'app');
    expect(app.body.HostConfig).toMatchObject({ NetworkMode: 'container:demo-vpn-1', IpcMode: 'container:demo-vpn-1', PidMode: 'host', VolumesFrom: ['demo-vpn-1:ro', 'sidecar:rw', 'demo-vpn-1'] });
    expect(app.body).not.toHaveProperty('NetworkingConfig');
    expect(app.extraNetworks).toEqual([]);
    const resolved = specFor(project, 'app', { serviceContainer: (s) => (s === 'vpn' ? '9f86d081884c' : undefined) });
    expect(resolved.body.HostConfig.NetworkMode).toBe('container:9f86d081884c');
    expect(specFor(project, 'host').body.HostConfig.NetworkMode).toBe('host');
    expect(specFor(project, 'off').body.HostConfig.NetworkMode).toBe('none');
    expect(specFor(project, 'disabled').body).toMatchObject({ NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } });
  });

  it('extra_hosts in every form, host-gateway kept for the engine to resolve', () => {
    const list = spec(`
services:
  app:
    image: x
    extra_hosts: ["somehost:162.242.195.82", "other=50.31.209.229", "host.docker.internal:host-gateway", "v6=[::1]", "v6b=::2"]
`);
    expect(list.body.HostConfig.ExtraHosts).toEqual(['somehost:162.242.195.82', 'other:50.31.209.229', 'host.docker.internal:host-gateway', 'v6:::1', 'v6b:::2']);
    const map = spec(`
services:
  app:
    image: x
    extra_hosts: { somehost: ["162.242.195.82", "::1"] }
`);
    expect(map.body.HostConfig.ExtraHosts).toEqual(['somehost:162.242.195.82', 'somehost:::1']);
  });
});
