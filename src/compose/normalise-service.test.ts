import { describe, expect, it } from 'vitest';
import type { Path } from './path.js';
import { isRemoteContext, normaliseService, parsePortShort, parseVolumeShort, toMap, withBuildDefaults, type NormaliseContext } from './normalise-service.js';
import { serviceSchema } from './schema.js';
import type { Service } from './model.js';

interface Report {
  path: Path;
  message: string;
  hint?: string;
}

const ENV: Record<string, string> = { FROM_ENV: 'env-value', EMPTY: '' };

function context(reports: Report[]): NormaliseContext {
  return {
    baseDir: '/proj/app',
    home: '/home/me',
    lookup: (name) => (Object.hasOwn(ENV, name) ? ENV[name] : undefined),
    report: (path, message, hint) => reports.push({ path, message, ...(hint !== undefined && { hint }) }),
  };
}

/** Validates `raw` with the service schema (as load-file does), then normalises it. */
function normalise(raw: unknown): { service: Service; reports: Report[] } {
  const reports: Report[] = [];
  const service = normaliseService(context(reports), ['services', 'web'], serviceSchema.parse(raw));
  // Build defaults are applied after merging (load-project does it); a single file gets them too.
  if (service.build) service.build = withBuildDefaults(service.build, '/proj/app');
  return { service, reports };
}

function ok(raw: unknown): Service {
  const { service, reports } = normalise(raw);
  expect(reports).toEqual([]);
  return service;
}

function problems(raw: unknown): Report[] {
  const { reports } = normalise(raw);
  expect(reports.length).toBeGreaterThan(0);
  return reports;
}

describe('ports', () => {
  const port = (spec: string | number) => ok({ ports: [spec] }).ports;

  it.each<[string | number, object[]]>([
    ['80', [{ target: 80, protocol: 'tcp', mode: 'ingress' }]],
    [80, [{ target: 80, protocol: 'tcp', mode: 'ingress' }]],
    ['8080:80', [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]],
    ['127.0.0.1:8080:80', [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }]],
    ['127.0.0.1::80', [{ target: 80, host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }]],
    ['[::1]:8080:80', [{ target: 80, published: '8080', host_ip: '::1', protocol: 'tcp', mode: 'ingress' }]],
    ['8080:80/udp', [{ target: 80, published: '8080', protocol: 'udp', mode: 'ingress' }]],
    ['5000/sctp', [{ target: 5000, protocol: 'sctp', mode: 'ingress' }]],
    [' 8080:80 ', [{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]],
    ['8000-9000:80', [{ target: 80, published: '8000-9000', protocol: 'tcp', mode: 'ingress' }]],
    ['0:80', [{ target: 80, published: '0', protocol: 'tcp', mode: 'ingress' }]],
  ])('%j', (spec, expected) => {
    expect(port(spec)).toEqual(expected);
  });

  it('expands matching ranges into one entry per port', () => {
    expect(port('9090-9091:8080-8081')).toEqual([
      { target: 8080, published: '9090', protocol: 'tcp', mode: 'ingress' },
      { target: 8081, published: '9091', protocol: 'tcp', mode: 'ingress' },
    ]);
    expect(port('127.0.0.1:9090-9091:8080-8081/udp')).toEqual([
      { target: 8080, published: '9090', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' },
      { target: 8081, published: '9091', host_ip: '127.0.0.1', protocol: 'udp', mode: 'ingress' },
    ]);
  });

  it('expands a container range without host ports into random host ports', () => {
    expect(port('3000-3002')).toEqual([3000, 3001, 3002].map((target) => ({ target, protocol: 'tcp', mode: 'ingress' })));
  });

  it.each([
    ['9090-9092:8080-8081', /host range has 3 ports and the container range 2/],
    ['70000', /0–65535/],
    ['8080:70000', /0–65535/],
    ['65536:80', /0–65535/],
    ['81-80', /ranges go upward/],
    ['9091-9090:80', /ranges go upward/],
    ['8080:80/icmp', /invalid port/],
    ['http', /invalid port/],
    ['1:2:3:4', /invalid port/],
    ['', /invalid port/],
    ['80/', /invalid port/],
  ])('%j is an error', (spec, message) => {
    const [report, ...more] = problems({ ports: ['80', spec] });
    expect(more).toEqual([]);
    expect(report).toMatchObject({ path: ['services', 'web', 'ports', 1], message: expect.stringMatching(message) });
  });

  it('gives a hint showing the syntax for a malformed port', () => {
    expect(problems({ ports: ['eighty'] })[0]!.hint).toMatch(/HOST_IP.*CONTAINER_PORT/);
  });

  it('long form: published number becomes a string, defaults are made explicit', () => {
    expect(ok({ ports: [{ target: 80, published: 8080 }] }).ports).toEqual([{ target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' }]);
    expect(ok({ ports: [{ target: '80', published: '8000-8010', host_ip: '::1', protocol: 'udp', mode: 'host', app_protocol: 'http', name: 'web' }] }).ports).toEqual([
      { target: 80, published: '8000-8010', host_ip: '::1', protocol: 'udp', mode: 'host', app_protocol: 'http', name: 'web' },
    ]);
  });

  it('long form: target is required', () => {
    expect(problems({ ports: [{ published: 8080 }] })).toEqual([{ path: ['services', 'web', 'ports', 0], message: expect.stringMatching(/needs "target"/) }]);
  });

  it('long form: a target out of range is an error', () => {
    expect(problems({ ports: [{ target: 70000 }] })[0]).toMatchObject({ path: ['services', 'web', 'ports', 0, 'target'], message: expect.stringMatching(/65535/) });
  });

  it('parsePortShort reports at the path it is given', () => {
    const reports: Report[] = [];
    expect(parsePortShort(context(reports), ['p'], 'x:y')).toEqual([]);
    expect(reports).toMatchObject([{ path: ['p'] }]);
  });
});

describe('volumes', () => {
  const volume = (spec: string) => ok({ volumes: [spec] }).volumes![0];

  it.each<[string, object]>([
    ['./data:/data', { type: 'bind', source: '/proj/app/data', target: '/data', bind: { create_host_path: true } }],
    ['../up:/up', { type: 'bind', source: '/proj/up', target: '/up', bind: { create_host_path: true } }],
    ['.:/app', { type: 'bind', source: '/proj/app', target: '/app', bind: { create_host_path: true } }],
    ['~/x:/x', { type: 'bind', source: '/home/me/x', target: '/x', bind: { create_host_path: true } }],
    ['~:/h', { type: 'bind', source: '/home/me', target: '/h', bind: { create_host_path: true } }],
    ['/abs:/abs:ro', { type: 'bind', source: '/abs', target: '/abs', read_only: true, bind: { create_host_path: true } }],
    ['/abs:/abs:rw', { type: 'bind', source: '/abs', target: '/abs', bind: { create_host_path: true } }],
    ['./a:/a:z', { type: 'bind', source: '/proj/app/a', target: '/a', bind: { create_host_path: true, selinux: 'z' } }],
    ['./a:/a:Z', { type: 'bind', source: '/proj/app/a', target: '/a', bind: { create_host_path: true, selinux: 'Z' } }],
    ['./a:/a:ro,rshared', { type: 'bind', source: '/proj/app/a', target: '/a', read_only: true, bind: { create_host_path: true, propagation: 'rshared' } }],
    ['./a:/a:ro,Z,rslave', { type: 'bind', source: '/proj/app/a', target: '/a', read_only: true, bind: { create_host_path: true, selinux: 'Z', propagation: 'rslave' } }],
    ['data:/data', { type: 'volume', source: 'data', target: '/data' }],
    ['data:/data:ro', { type: 'volume', source: 'data', target: '/data', read_only: true }],
    ['data:/data:nocopy', { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } }],
    ['/anon', { type: 'volume', target: '/anon' }],
  ])('%j', (spec, expected) => {
    expect(volume(spec)).toEqual(expected);
  });

  it.each([
    ['./a:/a:rx', /unknown volume mode "rx"/],
    ['./a:/a:ro,bogus', /unknown volume mode "bogus"/],
    ['a:b:c:d', /invalid volume/],
    ['data:', /invalid volume/],
    [':/data', /invalid volume/],
  ])('%j is an error', (spec, message) => {
    expect(problems({ volumes: [spec] })).toEqual([{ path: ['services', 'web', 'volumes', 0], message: expect.stringMatching(message), hint: expect.any(String) }]);
  });

  it('long form: bind source resolved, tmpfs size in bytes, mode octal', () => {
    expect(ok({
      volumes: [
        { type: 'bind', source: './src', target: '/src', read_only: 'true', bind: { propagation: 'rprivate', create_host_path: true } },
        { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true, subpath: 'sub' } },
        { type: 'tmpfs', target: '/tmp', tmpfs: { size: '10m', mode: '1777' } },
        { type: 'tmpfs', target: '/run', tmpfs: { size: 4096, mode: 0o700 } },
      ],
    }).volumes).toEqual([
      { type: 'bind', source: '/proj/app/src', target: '/src', read_only: true, bind: { propagation: 'rprivate', create_host_path: true } },
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true, subpath: 'sub' } },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: 10 * 1024 * 1024, mode: 0o1777 } },
      { type: 'tmpfs', target: '/run', tmpfs: { size: 4096, mode: 0o700 } },
    ]);
  });

  it('long form: target required, bind source required, bad tmpfs size', () => {
    expect(problems({ volumes: [{ type: 'volume', source: 'data' }] })).toMatchObject([{ path: ['services', 'web', 'volumes', 0], message: expect.stringMatching(/needs "target"/) }]);
    expect(problems({ volumes: [{ type: 'bind', target: '/x' }] })).toMatchObject([{ path: ['services', 'web', 'volumes', 0], message: expect.stringMatching(/needs "source"/) }]);
    expect(problems({ volumes: [{ type: 'tmpfs', target: '/x', tmpfs: { size: 'huge' } }] })).toMatchObject([
      { path: ['services', 'web', 'volumes', 0, 'tmpfs', 'size'], message: 'invalid size "huge"' },
    ]);
  });

  it('long form: a tmpfs mode that is not octal is an error', () => {
    expect(problems({ volumes: [{ type: 'tmpfs', target: '/x', tmpfs: { mode: 'rwx' } }] })).toMatchObject([{ path: ['services', 'web', 'volumes', 0, 'tmpfs', 'mode'] }]);
  });

  it('parseVolumeShort keeps a Windows-style path out of the named-volume case', () => {
    const reports: Report[] = [];
    expect(parseVolumeShort(context(reports), ['v'], '/a:/b')).toMatchObject({ type: 'bind' });
    expect(reports).toEqual([]);
  });
});

describe('environment and env_file', () => {
  it('map: numbers and booleans become strings, null looks the key up', () => {
    expect(ok({ environment: { A: 'x', N: 1, F: 1.5, B: true, C: false, FROM_ENV: null, MISSING: null, EMPTY: null, E: '' } }).environment).toEqual({
      A: 'x', N: '1', F: '1.5', B: 'true', C: 'false', FROM_ENV: 'env-value', MISSING: null, EMPTY: '', E: '',
    });
  });

  it('list: KEY=VAL splits at the first "=", a bare key is looked up', () => {
    expect(ok({ environment: ['A=x', 'B=a=b', 'C=', 'FROM_ENV', 'MISSING'] }).environment).toEqual({ A: 'x', B: 'a=b', C: '', FROM_ENV: 'env-value', MISSING: null });
  });

  it('toMap keeps later duplicates', () => {
    expect(toMap(['A=1', 'A=2'], () => null)).toEqual({ A: '2' });
  });

  it('env_file: string, list and long forms, paths resolved, required by default', () => {
    expect(ok({ env_file: '.env.web' }).env_file).toEqual([{ path: '/proj/app/.env.web', required: true }]);
    expect(ok({ env_file: ['a.env', { path: '/abs/b.env', required: false }, { path: 'c.env', format: 'raw', required: 'true' }] }).env_file).toEqual([
      { path: '/proj/app/a.env', required: true },
      { path: '/abs/b.env', required: false },
      { path: '/proj/app/c.env', required: true, format: 'raw' },
    ]);
  });
});

describe('build', () => {
  it('a string is the context, resolved, with the default Dockerfile', () => {
    expect(ok({ build: './front' }).build).toEqual({ context: '/proj/app/front', dockerfile: 'Dockerfile' });
    expect(ok({ build: '.' }).build).toEqual({ context: '/proj/app', dockerfile: 'Dockerfile' });
  });

  it.each([
    'https://github.com/docker/compose.git',
    'https://github.com/docker/compose.git#main:sub',
    'git@github.com:docker/compose.git',
    'git://example.com/repo',
    'ssh://git@example.com/repo.git',
    'github.com/docker/compose',
    'https://example.com/context.tar.gz',
  ])('git/URL context %s is kept as written', (context) => {
    expect(isRemoteContext(context)).toBe(true);
    expect(ok({ build: context }).build!.context).toBe(context);
    expect(ok({ build: { context } }).build!.context).toBe(context);
  });

  it('long form: context relative to the file, defaults to ".", other fields kept', () => {
    expect(ok({
      build: {
        dockerfile: 'docker/Dockerfile.dev',
        args: { A: 1, FROM_ENV: null, MISSING: null },
        target: 'dev',
        tags: ['a:1', 'b:2'],
        cache_from: ['type=local,src=/tmp/c'],
        platforms: ['linux/amd64', 'linux/arm64'],
        labels: ['x=1'],
        shm_size: '64m',
        no_cache: 'true',
      },
    }).build).toEqual({
      context: '/proj/app',
      dockerfile: 'docker/Dockerfile.dev',
      args: { A: '1', FROM_ENV: 'env-value', MISSING: null },
      target: 'dev',
      tags: ['a:1', 'b:2'],
      cache_from: ['type=local,src=/tmp/c'],
      platforms: ['linux/amd64', 'linux/arm64'],
      labels: { x: '1' },
      shm_size: 64 * 1024 * 1024,
      no_cache: true,
    });
  });

  it('args as a list: bare keys from the lookup', () => {
    expect(ok({ build: { context: 'ctx', args: ['A=1', 'FROM_ENV', 'MISSING'] } }).build).toEqual({
      context: '/proj/app/ctx', dockerfile: 'Dockerfile', args: { A: '1', FROM_ENV: 'env-value', MISSING: null },
    });
  });

  it('dockerfile_inline replaces the default dockerfile', () => {
    expect(ok({ build: { dockerfile_inline: 'FROM scratch' } }).build).toEqual({ context: '/proj/app', dockerfile_inline: 'FROM scratch' });
  });

  it('dockerfile and dockerfile_inline together are an error', () => {
    expect(problems({ build: { dockerfile: 'Dockerfile', dockerfile_inline: 'FROM scratch' } })).toMatchObject([{ path: ['services', 'web', 'build', 'dockerfile'], message: expect.stringMatching(/either/) }]);
  });

  it('additional_contexts: paths resolved, service:/image/URL references kept', () => {
    expect(ok({
      build: {
        context: '.',
        additional_contexts: { a: './a', b: '/abs/b', base: 'service:base', img: 'docker-image://alpine:3', oci: 'oci-layout://./layout', git: 'https://github.com/x/y.git' },
      },
    }).build!.additional_contexts).toEqual({
      a: '/proj/app/a', b: '/abs/b', base: 'service:base', img: 'docker-image://alpine:3', oci: 'oci-layout://./layout', git: 'https://github.com/x/y.git',
    });
    expect(ok({ build: { additional_contexts: ['a=../a', 'base=service:base'] } }).build!.additional_contexts).toEqual({ a: '/proj/a', base: 'service:base' });
  });

  it('ssh, extra_hosts and secrets take their long forms', () => {
    expect(ok({ build: { ssh: ['default', 'key=/k'], extra_hosts: { h: '1.2.3.4' }, secrets: ['s', { source: 't', mode: '0400' }] } }).build).toMatchObject({
      ssh: ['default', 'key=/k'], extra_hosts: ['h=1.2.3.4'], secrets: [{ source: 's' }, { source: 't', mode: 0o400 }],
    });
  });
});

describe('command and entrypoint', () => {
  it.each<[string, string[]]>([
    ['echo hello', ['echo', 'hello']],
    ['  sh   -c  "echo hi there" ', ['sh', '-c', 'echo hi there']],
    [`sh -c 'echo "$$HOME"'`, ['sh', '-c', 'echo "$$HOME"']],
    ['a\\ b c', ['a b', 'c']],
    ['echo ""', ['echo', '']],
    [`"a"'b'c`, ['abc']],
    ['', []],
  ])('%j → shell words', (command, words) => {
    expect(ok({ command }).command).toEqual(words);
    expect(ok({ entrypoint: command }).entrypoint).toEqual(words);
  });

  it('a list is kept; null is kept', () => {
    expect(ok({ command: ['a b', 'c'] }).command).toEqual(['a b', 'c']);
    const service = ok({ command: null, entrypoint: null });
    expect(service.command).toBeNull();
    expect(service.entrypoint).toBeNull();
  });

  it.each(['echo "hi', "echo 'hi", 'echo "a\\"'])('%j: an unterminated quote is an error', (command) => {
    expect(problems({ command })).toEqual([{ path: ['services', 'web', 'command'], message: expect.stringMatching(/unterminated quote/), hint: expect.any(String) }]);
    expect(problems({ entrypoint: command })).toMatchObject([{ path: ['services', 'web', 'entrypoint'] }]);
  });
});

describe('healthcheck', () => {
  it('a string test is a CMD-SHELL test', () => {
    expect(ok({ healthcheck: { test: 'curl -f http://localhost' } }).healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f http://localhost'] });
  });

  it('durations are normalised the Go way', () => {
    expect(ok({ healthcheck: { test: ['CMD', 'true'], interval: '1m30s', timeout: '500ms', start_period: '90s', start_interval: '1h', retries: '3' } }).healthcheck).toEqual({
      test: ['CMD', 'true'], interval: '1m30s', timeout: '500ms', start_period: '1m30s', start_interval: '1h0m0s', retries: 3,
    });
  });

  it.each(['10', 'ten seconds', '1m30', '5 s', '-'])('bad duration %j is an error with a hint', (interval) => {
    expect(problems({ healthcheck: { interval } })).toEqual([{ path: ['services', 'web', 'healthcheck', 'interval'], message: `invalid duration "${interval}"`, hint: expect.stringMatching(/1m30s/) }]);
  });

  it('test lists must start with NONE, CMD or CMD-SHELL', () => {
    expect(problems({ healthcheck: { test: ['curl', 'x'] } })).toMatchObject([{ path: ['services', 'web', 'healthcheck', 'test'], message: expect.stringMatching(/must start with/) }]);
    expect(problems({ healthcheck: { test: [] } })).toMatchObject([{ path: ['services', 'web', 'healthcheck', 'test'] }]);
    expect(problems({ healthcheck: { test: ['CMD'] } })).toMatchObject([{ message: expect.stringMatching(/needs a command/) }]);
  });

  it('disable: true and test NONE both disable', () => {
    expect(ok({ healthcheck: { disable: true } }).healthcheck).toEqual({ disable: true });
    expect(ok({ healthcheck: { disable: 'yes' } }).healthcheck).toEqual({ disable: true });
    expect(ok({ healthcheck: { test: ['NONE'] } }).healthcheck).toEqual({ test: ['NONE'], disable: true });
  });
});

describe('depends_on', () => {
  it('the short form becomes the long form', () => {
    expect(ok({ depends_on: ['db', 'cache'] }).depends_on).toEqual({
      db: { condition: 'service_started', required: true, restart: false },
      cache: { condition: 'service_started', required: true, restart: false },
    });
  });

  it('the long form keeps its values and fills defaults', () => {
    expect(ok({ depends_on: { db: { condition: 'service_healthy', restart: true, required: 'false' }, job: { condition: 'service_completed_successfully' } } }).depends_on).toEqual({
      db: { condition: 'service_healthy', required: false, restart: true },
      job: { condition: 'service_completed_successfully', required: true, restart: false },
    });
  });

  it('condition is required in the long form', () => {
    expect(serviceSchema.safeParse({ depends_on: { db: { restart: true } } }).success).toBe(false);
  });
});

describe('deploy', () => {
  it('cpus and memory become numbers, restart_policy durations normalised', () => {
    expect(ok({
      deploy: {
        replicas: '2',
        resources: { limits: { cpus: '0.5', memory: '512m', pids: 10 }, reservations: { cpus: 0.25, memory: 1024, devices: [{ capabilities: ['gpu'] }] } },
        restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '120s' },
        labels: ['a=b'],
      },
    }).deploy).toEqual({
      replicas: 2,
      resources: { limits: { cpus: 0.5, memory: 512 * 1024 ** 2, pids: 10 }, reservations: { cpus: 0.25, memory: 1024, devices: [{ capabilities: ['gpu'] }] } },
      restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m0s' },
      labels: { a: 'b' },
    });
  });

  it.each(['lots', '-1', ''])('cpus %j is an error', (cpus) => {
    expect(problems({ deploy: { resources: { limits: { cpus } } } })).toMatchObject([{ path: ['services', 'web', 'deploy', 'resources', 'limits', 'cpus'] }]);
  });

  it('bad memory and bad restart delay are errors at their paths', () => {
    expect(problems({ deploy: { resources: { reservations: { memory: '1 zillion' } }, restart_policy: { delay: 'soon' } } }).map((r) => r.path)).toEqual([
      ['services', 'web', 'deploy', 'resources', 'reservations', 'memory'],
      ['services', 'web', 'deploy', 'restart_policy', 'delay'],
    ]);
  });
});

describe('develop.watch', () => {
  it('paths are resolved, single ignore/include become lists, exec command split', () => {
    expect(ok({
      develop: {
        watch: [
          { path: './src', action: 'sync', target: '/app/src', ignore: 'node_modules', initial_sync: 'true' },
          { path: 'package.json', action: 'rebuild' },
          { path: '/abs', action: 'sync+exec', target: '/x', include: ['*.py'], exec: { command: 'kill -HUP 1', environment: ['FROM_ENV'] } },
        ],
      },
    }).develop).toEqual({
      watch: [
        { path: '/proj/app/src', action: 'sync', target: '/app/src', ignore: ['node_modules'], initial_sync: true },
        { path: '/proj/app/package.json', action: 'rebuild' },
        { path: '/abs', action: 'sync+exec', target: '/x', include: ['*.py'], exec: { command: ['kill', '-HUP', '1'], environment: { FROM_ENV: 'env-value' } } },
      ],
    });
  });

  it('develop without watch is kept as an empty block', () => {
    expect(ok({ develop: {} }).develop).toEqual({});
  });

  it.each(['sync', 'sync+restart', 'sync+exec'])('%s needs a target', (action) => {
    const reports = problems({ develop: { watch: [{ path: '.', action, ...(action === 'sync+exec' && { exec: { command: 'x' } }) }] } });
    expect(reports).toEqual([{ path: ['services', 'web', 'develop', 'watch', 0], message: expect.stringMatching(/needs "target"/) }]);
  });

  it('sync+exec needs exec', () => {
    expect(problems({ develop: { watch: [{ path: '.', action: 'sync+exec', target: '/a' }] } })).toEqual([
      { path: ['services', 'web', 'develop', 'watch', 0], message: expect.stringMatching(/needs "exec"/) },
    ]);
  });

  it('an unknown action fails validation', () => {
    expect(serviceSchema.safeParse({ develop: { watch: [{ path: '.', action: 'synk' }] } }).success).toBe(false);
  });
});

describe('other attributes', () => {
  it('labels, annotations, sysctls: lists become maps of strings', () => {
    expect(ok({ labels: ['a=1', 'b'], annotations: { x: 1 }, sysctls: ['net.core.somaxconn=1024'] })).toMatchObject({
      labels: { a: '1', b: '' }, annotations: { x: '1' }, sysctls: { 'net.core.somaxconn': '1024' },
    });
  });

  it('reserved com.docker.compose labels are errors', () => {
    expect(problems({ labels: { 'com.docker.compose.project': 'x' } })).toEqual([
      { path: ['services', 'web', 'labels', 'com.docker.compose.project'], message: expect.stringMatching(/reserved/), hint: expect.any(String) },
    ]);
    expect(problems({ labels: ['com.docker.compose.service=x'] })).toHaveLength(1);
  });

  it('networks list becomes a map; extra_hosts, tmpfs, dns take list forms', () => {
    expect(ok({ networks: ['a', 'b'], extra_hosts: ['h:1.2.3.4', 'g=::1'], tmpfs: '/run', dns: '8.8.8.8', dns_search: ['x'] })).toMatchObject({
      networks: { a: null, b: null }, extra_hosts: ['h=1.2.3.4', 'g=::1'], tmpfs: ['/run'], dns: ['8.8.8.8'], dns_search: ['x'],
    });
    expect(ok({ extra_hosts: { h: ['1.2.3.4', '::1'] } }).extra_hosts).toEqual(['h=1.2.3.4', 'h=::1']);
  });

  it('sizes, user and stop_grace_period', () => {
    expect(ok({ mem_limit: '1g', mem_reservation: 1000, memswap_limit: '2gb', shm_size: '64M', user: 1000, stop_grace_period: '1m' })).toMatchObject({
      mem_limit: 1024 ** 3, mem_reservation: 1000, memswap_limit: 2 * 1024 ** 3, shm_size: 64 * 1024 ** 2, user: '1000', stop_grace_period: '1m0s',
    });
    expect(problems({ mem_limit: 'lots' })).toMatchObject([{ path: ['services', 'web', 'mem_limit'], hint: expect.any(String) }]);
  });

  it('secrets and configs: short form becomes {source}, uid/gid strings, mode octal', () => {
    expect(ok({ secrets: ['a', { source: 'b', target: '/b', uid: 1000, gid: '1000', mode: '0440' }], configs: [{ source: 'c', mode: 0o644 }] })).toMatchObject({
      secrets: [{ source: 'a' }, { source: 'b', target: '/b', uid: '1000', gid: '1000', mode: 0o440 }],
      configs: [{ source: 'c', mode: 0o644 }],
    });
  });

  it('a file mode that is not octal is an error', () => {
    expect(problems({ secrets: [{ source: 'b', mode: 'r--r--r--' }] })).toMatchObject([{ path: ['services', 'web', 'secrets', 0, 'mode'] }]);
    expect(problems({ configs: ['a', { source: 'b', mode: '0999' }] })).toMatchObject([{ path: ['services', 'web', 'configs', 1, 'mode'] }]);
    expect(problems({ build: { secrets: [{ source: 'b', mode: 'x' }] } })).toMatchObject([{ path: ['services', 'web', 'build', 'secrets', 0, 'mode'] }]);
    expect(ok({ secrets: [{ source: 'b' }] }).secrets).toEqual([{ source: 'b' }]);
  });

  it('restart, pull_policy, container_name and profiles are checked', () => {
    expect(ok({ restart: 'on-failure:3', pull_policy: 'if_not_present' })).toMatchObject({ restart: 'on-failure:3', pull_policy: 'missing' });
    expect(problems({ restart: 'sometimes' })).toMatchObject([{ path: ['services', 'web', 'restart'] }]);
    expect(problems({ pull_policy: 'often' })).toMatchObject([{ path: ['services', 'web', 'pull_policy'] }]);
    expect(problems({ container_name: '-bad' })).toMatchObject([{ path: ['services', 'web', 'container_name'] }]);
    expect(problems({ profiles: ['ok', 'not ok'] })).toMatchObject([{ path: ['services', 'web', 'profiles', 1] }]);
  });

  it('scalars that interpolation turned into strings are coerced', () => {
    expect(ok({ read_only: 'true', privileged: 'false', tty: 'yes', cpus: '1.5', scale: '2', stdin_open: 'off' })).toMatchObject({
      read_only: true, privileged: false, tty: true, cpus: 1.5, scale: 2, stdin_open: false,
    });
  });

  it('unchanged attributes pass through', () => {
    expect(ok({ image: 'redis:7', working_dir: '/w', cap_add: ['NET_ADMIN'], init: true })).toEqual({ image: 'redis:7', working_dir: '/w', cap_add: ['NET_ADMIN'], init: true });
  });
});
