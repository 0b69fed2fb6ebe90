import { describe, expect, it } from 'vitest';
import { spec } from './container-spec-fixtures.js';

describe('containerSpec: volumes', () => {
  it('binds that may create their host path go through Binds; the rest through Mounts', () => {
    const { dir, body, unsupported } = spec(`
services:
  app:
    image: x
    volumes:
      - ./src:/app:ro,z
      - ./cache:/cache:rshared
      - type: bind
        source: ./must-exist
        target: /strict
        read_only: true
        bind: { propagation: rslave, recursive: disabled }
      - type: bind
        source: ./created
        target: /created
        bind: { create_host_path: true }
      - data:/data:nocopy
      - /anonymous
      - /reused
      - type: tmpfs
        target: /scratch
        tmpfs: { size: 64m, mode: "1777" }
      - type: volume
        source: data
        target: /sub
        volume: { subpath: a/b }
    tmpfs: ["/run", "/tmp:size=10m,mode=1777"]
volumes:
  data:
`, 'app', { anonymousVolumes: { '/reused': '4f3c…old' } });
    expect(body.HostConfig.Binds).toEqual([`${dir}/src:/app:ro,z`, `${dir}/cache:/cache:rshared`, `${dir}/created:/created`]);
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: `${dir}/must-exist`, Target: '/strict', ReadOnly: true, BindOptions: { Propagation: 'rslave', NonRecursive: true } },
      { Type: 'volume', Source: 'demo_data', Target: '/data', VolumeOptions: { NoCopy: true } },
      { Type: 'volume', Target: '/anonymous' },
      { Type: 'volume', Source: '4f3c…old', Target: '/reused' },
      { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1777 } },
      { Type: 'volume', Source: 'demo_data', Target: '/sub' },
    ]);
    expect(body.HostConfig.Tmpfs).toEqual({ '/run': '', '/tmp': 'size=10m,mode=1777' });
    expect(unsupported).toEqual([{ path: 'services.app.volumes[8].volume.subpath', message: expect.stringMatching(/1\.45/) }]);
  });

  it('reports volume types and options a 1.41 Linux engine cannot take', () => {
    const { body, unsupported } = spec(`
services:
  app:
    image: x
    volumes:
      - type: npipe
        source: \\\\.\\pipe\\docker_engine
        target: \\\\.\\pipe\\docker_engine
      - type: bind
        source: ./a
        target: /a
        bind: { recursive: readonly }
      - type: bind
        source: ./b
        target: /b
        bind: { create_host_path: true, recursive: disabled }
`);
    expect(unsupported.map((u) => u.path)).toEqual(['services.app.volumes[0]', 'services.app.volumes[1].bind.recursive', 'services.app.volumes[2].bind.recursive']);
    expect(body.HostConfig.Mounts).toHaveLength(1);
    expect(body.HostConfig.Binds).toHaveLength(1);
  });

  it('file secrets and configs are bind-mounted read-only; other kinds are reported', () => {
    const { dir, body, unsupported } = spec(`
services:
  app:
    image: x
    secrets:
      - db_password
      - source: api_key
        target: key.txt
      - source: token
        target: /etc/token
        uid: "1000"
        mode: 0400
      - from_env
    configs:
      - nginx
      - source: nginx
        target: conf/other.conf
      - inline
    volumes:
      - ./override:/etc/token
secrets:
  db_password: { file: ./secrets/db.txt }
  api_key: { file: ./secrets/api.txt }
  token: { file: ./secrets/token.txt }
  from_env: { environment: TOKEN }
configs:
  nginx: { file: ./nginx.conf }
  inline: { content: "hello" }
`);
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: `${dir}/secrets/db.txt`, Target: '/run/secrets/db_password', ReadOnly: true },
      { Type: 'bind', Source: `${dir}/secrets/api.txt`, Target: '/run/secrets/key.txt', ReadOnly: true },
      // /etc/token: the volume at the same target wins, as in Docker Compose.
      { Type: 'bind', Source: `${dir}/nginx.conf`, Target: '/nginx', ReadOnly: true },
      { Type: 'bind', Source: `${dir}/nginx.conf`, Target: '/conf/other.conf', ReadOnly: true },
    ]);
    expect(unsupported.map((u) => u.path)).toEqual([
      'services.app.secrets[2].uid',
      'services.app.secrets[2].mode',
      'services.app.secrets[3]',
      'services.app.configs[2]',
    ]);
    expect(unsupported[2]!.message).toMatch(/from "environment"/);
  });
});
