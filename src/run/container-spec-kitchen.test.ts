import { describe, expect, it } from 'vitest';
import { createContainerOptions } from './container-spec.js';
import { spec } from './container-spec-fixtures.js';

describe('containerSpec: a kitchen-sink service', () => {
  const yaml = `
services:
  app:
    image: x
    container_name: kitchen
    platform: linux/arm64
    user: "1000:1000"
    working_dir: /srv
    hostname: sink
    domainname: example.test
    mac_address: 02:42:ac:11:00:09
    init: true
    tty: true
    stdin_open: true
    privileged: true
    read_only: true
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    environment: { A: "1", EMPTY: "", UNSET: null }
    env_file: [extra.env]
    labels: { team: core, dev.devspace.project: spoofed }
    dns: 1.1.1.1
    dns_search: example.test
    dns_opt: [use-vc]
    group_add: [audio, 44]
    shm_size: 256m
    sysctls: { net.core.somaxconn: 1024 }
    ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 } }
    cpus: 1.5
    cpu_shares: 512
    cpu_quota: 50000
    cpu_period: 100000
    cpu_rt_period: 1400us
    cpu_rt_runtime: 950
    cpuset: "0-1"
    mem_limit: 1g
    mem_reservation: 512m
    memswap_limit: 2g
    mem_swappiness: 10
    oom_kill_disable: true
    oom_score_adj: -500
    pids_limit: 100
    deploy:
      replicas: 1
      resources:
        limits: { memory: 768m, pids: 50 }
        reservations:
          memory: 256m
          devices: [{ capabilities: [gpu], driver: nvidia, count: 1 }]
      labels: { swarm: "yes" }
      placement: { constraints: ["node.role==manager"] }
    gpus: all
    devices: ["/dev/ttyUSB0:/dev/ttyUSB1:rw", "/dev/fuse", { source: /dev/sda, target: /dev/xvda, permissions: r }, "vendor.com/device=gpu0"]
    device_cgroup_rules: ["c 1:3 mr"]
    blkio_config:
      weight: 300
      weight_device: [{ path: /dev/sda, weight: 400 }]
      device_read_bps: [{ path: /dev/sda, rate: 12mb }]
      device_write_iops: [{ path: /dev/sda, rate: 30 }]
    logging: { driver: json-file, options: { max-size: 10m, max-file: 3 } }
    security_opt: ["no-new-privileges:true", "label=disable", "systempaths=unconfined", "seccomp=./profile.json"]
    stop_signal: SIGQUIT
    storage_opt: { size: 20G }
    userns_mode: host
    uts: host
    cgroup: private
    cgroup_parent: /custom
    runtime: runc
    isolation: default
    annotations: { com.example.note: "1" }
    label_file: ./labels
    post_start: [{ command: echo started }]
    depends_on: [db]
    develop: { watch: [{ path: ., action: rebuild }] }
    pull_policy: missing
    x-note: kept out
  db: { image: x }
`;
  const result = spec(yaml, 'app', { number: 1 }, { 'extra.env': 'FROM_FILE=yes\nA=from-file\n' });

  it('maps every supported attribute', () => {
    const { body } = result;
    expect(result.name).toBe('kitchen');
    expect(result.platform).toBe('linux/arm64');
    expect(body).toMatchObject({
      Image: 'demo-app',
      User: '1000:1000',
      WorkingDir: '/srv',
      Hostname: 'sink',
      Domainname: 'example.test',
      MacAddress: '02:42:ac:11:00:09',
      Tty: true,
      OpenStdin: true,
      StopSignal: 'SIGQUIT',
    });
    // env_file was merged by the loader; environment wins; an unset variable is left out.
    expect(body.Env).toEqual(['FROM_FILE=yes', 'A=1', 'EMPTY=']);
    expect(body.Labels.team).toBe('core');
    expect(body.Labels['dev.devspace.project']).toBe('demo');
    expect(body.HostConfig).toEqual({
      NetworkMode: 'demo_default',
      Init: true,
      Privileged: true,
      ReadonlyRootfs: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      Dns: ['1.1.1.1'],
      DnsSearch: ['example.test'],
      DnsOptions: ['use-vc'],
      GroupAdd: ['audio', '44'],
      ShmSize: 256 * 1024 ** 2,
      Sysctls: { 'net.core.somaxconn': '1024' },
      Ulimits: [{ Name: 'nproc', Soft: 65535, Hard: 65535 }, { Name: 'nofile', Soft: 20000, Hard: 40000 }],
      NanoCpus: 1_500_000_000,
      CpuShares: 512,
      CpuQuota: 50000,
      CpuPeriod: 100000,
      CpuRealtimePeriod: 1400,
      CpuRealtimeRuntime: 950,
      CpusetCpus: '0-1',
      // deploy.resources.limits wins over mem_limit / pids_limit (reported below).
      Memory: 768 * 1024 ** 2,
      PidsLimit: 50,
      MemoryReservation: 256 * 1024 ** 2,
      MemorySwap: 2 * 1024 ** 3,
      MemorySwappiness: 10,
      OomKillDisable: true,
      OomScoreAdj: -500,
      DeviceRequests: [
        { Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] },
        { Count: -1, Capabilities: [['gpu']] },
      ],
      Devices: [
        { PathOnHost: '/dev/ttyUSB0', PathInContainer: '/dev/ttyUSB1', CgroupPermissions: 'rw' },
        { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
        { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' },
      ],
      DeviceCgroupRules: ['c 1:3 mr'],
      BlkioWeight: 300,
      BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 400 }],
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 12 * 1024 ** 2 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/sda', Rate: 30 }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      SecurityOpt: ['no-new-privileges:true', 'label=disable'],
      MaskedPaths: [],
      ReadonlyPaths: [],
      StorageOpt: { size: '20G' },
      UsernsMode: 'host',
      UTSMode: 'host',
      CgroupnsMode: 'private',
      CgroupParent: '/custom',
      Runtime: 'runc',
      Isolation: 'default',
    });
  });

  it('reports what it does not map, with paths; keys that do not concern the container are not reported', () => {
    expect(result.unsupported.map((u) => u.path).sort()).toEqual([
      'services.app.annotations',
      'services.app.deploy.labels',
      'services.app.deploy.placement',
      'services.app.devices[3]',
      'services.app.label_file',
      'services.app.mem_limit',
      'services.app.mem_reservation',
      'services.app.pids_limit',
      'services.app.post_start',
      'services.app.security_opt[3]',
    ]);
    expect(result.unsupported.find((u) => u.path === 'services.app.annotations')!.message).toMatch(/1\.43/);
    expect(result.unsupported.find((u) => u.path === 'services.app.mem_limit')!.message).toMatch(/conflicts with deploy\.resources\.limits\.memory/);
  });

  it('the body survives JSON (what dockerode sends); name and platform go in the query', () => {
    expect(JSON.parse(JSON.stringify(result.body))).toEqual(result.body);
    expect(createContainerOptions(result)).toEqual({ _query: { name: 'kitchen', platform: 'linux/arm64' }, _body: result.body });
  });
});
