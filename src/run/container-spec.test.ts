import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDir } from '../../test/compose-fixtures.js';
import { serviceSchema } from '../compose/schema.js';
import { MAPPED_KEYS, NOT_CONTAINER_KEYS, UNSUPPORTED_KEYS } from './container-spec.js';
import { load, specFor } from './container-spec-fixtures.js';

const VOTING_APP = fileURLToPath(new URL('../../fixtures/voting-app/', import.meta.url));

const ours = (service: string, number = 1) => ({
  'dev.devspace.project': 'voting-app',
  'dev.devspace.managed-by': 'devspace',
  'com.docker.compose.project': 'voting-app',
  'dev.devspace.service': service,
  'dev.devspace.container-number': String(number),
  'dev.devspace.config-hash': 'c0ffee',
  'dev.devspace.image': 'sha256:0123',
  'com.docker.compose.service': service,
  'com.docker.compose.container-number': String(number),
  'com.docker.compose.oneoff': 'False',
});
describe('containerSpec: the example app', () => {
  const { project } = loadDir(VOTING_APP);

  it('front: env, a loopback port, a healthcheck in nanoseconds, a CPU limit, the default network', () => {
    const front = specFor(project, 'front');
    expect(front.name).toBe('voting-app-front-1');
    expect(front.platform).toBeUndefined();
    expect(front.extraNetworks).toEqual([]);
    expect(front.body).toEqual({
      Image: 'voting-app-front',
      Labels: ours('front'),
      Env: ['REDIS=back', 'TITLE=Cats vs Dogs'],
      ExposedPorts: { '80/tcp': {} },
      Healthcheck: {
        Test: ['CMD', 'python3', '-c', "import urllib.request; urllib.request.urlopen('http://127.0.0.1/healthz')"],
        Interval: 5_000_000_000,
        Timeout: 3_000_000_000,
        Retries: 5,
      },
      NetworkingConfig: { EndpointsConfig: { 'voting-app_default': { Aliases: ['voting-app-front-1', 'front'] } } },
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
        NetworkMode: 'voting-app_default',
        NanoCpus: 500_000_000,
      },
    });
    // deploy.resources.reservations.cpus has no single-engine equivalent: reported, not dropped.
    expect(front.unsupported).toEqual([{ path: 'services.front.deploy.resources.reservations.cpus', message: expect.stringMatching(/no CPU reservation/) }]);
  });

  it('back: a named volume under its engine name', () => {
    const back = specFor(project, 'back', { number: 2 });
    expect(back.name).toBe('voting-app-back-2');
    expect(back.unsupported).toEqual([]);
    expect(back.body).toEqual({
      Image: 'voting-app-back',
      Labels: ours('back', 2),
      Healthcheck: { Test: ['CMD', 'redis-cli', 'ping'], Interval: 2_000_000_000, Timeout: 3_000_000_000, Retries: 10 },
      NetworkingConfig: { EndpointsConfig: { 'voting-app_default': { Aliases: ['voting-app-back-2', 'back'] } } },
      HostConfig: {
        Mounts: [{ Type: 'volume', Source: 'voting-app_redis-data', Target: '/var/lib/redis' }],
        NetworkMode: 'voting-app_default',
      },
    });
  });
});
describe('containerSpec: command, entrypoint, healthcheck, restart', () => {
  it('entrypoint [] and "" clear the image entrypoint; null and absent keep it', () => {
    const { project } = load(`
services:
  cleared: { image: x, entrypoint: [] }
  empty: { image: x, entrypoint: "" }
  kept: { image: x, entrypoint: null, command: null }
  shell: { image: x, entrypoint: /bin/sh -c, command: 'echo "a b"' }
  nocmd: { image: x, command: [] }
`);
    expect(specFor(project, 'cleared').body.Entrypoint).toEqual([]);
    expect(specFor(project, 'empty').body.Entrypoint).toEqual([]);
    expect(specFor(project, 'kept').body).not.toHaveProperty('Entrypoint');
    expect(specFor(project, 'kept').body).not.toHaveProperty('Cmd');
    expect(specFor(project, 'shell').body).toMatchObject({ Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo', 'a b'] });
    // JSON keeps the empty list: the engine tells [] (clear) from absent (inherit).
    expect(JSON.parse(JSON.stringify(specFor(project, 'cleared').body)).Entrypoint).toEqual([]);
    const nocmd = specFor(project, 'nocmd');
    expect(nocmd.body.Cmd).toEqual([]);
    expect(nocmd.unsupported).toEqual([{ path: 'services.nocmd.command', message: expect.stringMatching(/image's CMD runs/) }]);
  });

  it('healthcheck durations in nanoseconds; NONE and disable turn the image check off', () => {
    const { project } = load(`
services:
  timed:
    image: x
    healthcheck:
      test: curl -f http://localhost/
      interval: 1m30s
      timeout: 500ms
      start_period: 1h2m3.5s
      start_interval: 2s
      retries: 3
  none: { image: x, healthcheck: { test: ["NONE"] } }
  disabled: { image: x, healthcheck: { disable: true, interval: 5s } }
  inherit: { image: x, healthcheck: { interval: 10s } }
`);
    const timed = specFor(project, 'timed');
    expect(timed.body.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'curl -f http://localhost/'],
      Interval: 90_000_000_000,
      Timeout: 500_000_000,
      StartPeriod: 3_723_500_000_000,
      Retries: 3,
    });
    expect(timed.unsupported).toEqual([{ path: 'services.timed.healthcheck.start_interval', message: expect.stringMatching(/1\.44/) }]);
    expect(specFor(project, 'none').body.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(specFor(project, 'disabled').body.Healthcheck).toEqual({ Test: ['NONE'] });
    // No test: the engine keeps the image's test and takes the interval.
    expect(specFor(project, 'inherit').body.Healthcheck).toEqual({ Interval: 10_000_000_000 });
  });

  it('restart policies; deploy.restart_policy wins and its Swarm-only fields are reported', () => {
    const { project } = load(`
services:
  three: { image: x, restart: "on-failure:3" }
  plain: { image: x, restart: on-failure }
  always: { image: x, restart: always }
  unless: { image: x, restart: unless-stopped }
  no: { image: x, restart: "no" }
  none: { image: x }
  deploy:
    image: x
    restart: always
    deploy: { restart_policy: { condition: on-failure, max_attempts: 5, delay: 5s } }
  any: { image: x, deploy: { restart_policy: {} } }
`);
    const policy = (name: string) => specFor(project, name).body.HostConfig.RestartPolicy;
    expect(policy('three')).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(policy('plain')).toEqual({ Name: 'on-failure' });
    expect(policy('always')).toEqual({ Name: 'always' });
    expect(policy('unless')).toEqual({ Name: 'unless-stopped' });
    expect(policy('no')).toEqual({ Name: 'no' });
    expect(policy('none')).toBeUndefined();
    expect(policy('deploy')).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
    expect(specFor(project, 'deploy').unsupported.map((u) => u.path)).toEqual(['services.deploy.restart', 'services.deploy.deploy.restart_policy.delay']);
    expect(policy('any')).toEqual({ Name: 'always' });
  });

  it('stop_grace_period rounds up to whole seconds', () => {
    const { project } = load(`
services:
  a: { image: x, stop_grace_period: 1m30s, stop_signal: SIGINT }
  b: { image: x, stop_grace_period: 500ms }
`);
    expect(specFor(project, 'a').body).toMatchObject({ StopTimeout: 90, StopSignal: 'SIGINT' });
    expect(specFor(project, 'b').body.StopTimeout).toBe(1);
  });
});
describe('containerSpec: classification', () => {
  it('every service attribute of the schema is mapped, known not to concern the container, or reported', () => {
    const known = new Set([...MAPPED_KEYS, ...NOT_CONTAINER_KEYS, ...Object.keys(UNSUPPORTED_KEYS)]);
    const unclassified = Object.keys(serviceSchema.shape).filter((key) => !known.has(key));
    expect(unclassified).toEqual([]);
  });

  it('an attribute nobody mapped yet is reported, not dropped', () => {
    const { project } = load('services:\n  app: { image: x }\n');
    const service = { ...project.services.app!, brand_new: true } as never;
    const result = specFor(project, 'app', { service });
    expect(result.unsupported).toEqual([{ path: 'services.app.brand_new', message: 'not mapped to the container' }]);
  });

  it('replica numbers go into the name and labels; our labels win over the user\'s', () => {
    const { project } = load('services:\n  web:\n    image: x\n    labels: { dev.devspace.container-number: "9" }\n');
    const third = specFor(project, 'web', { number: 3 });
    expect(third.name).toBe('demo-web-3');
    expect(third.body.Labels['dev.devspace.container-number']).toBe('3');
    expect(third.body.NetworkingConfig!.EndpointsConfig.demo_default!.Aliases).toEqual(['demo-web-3', 'web']);
  });

  it('the image ID is used when no name is given', () => {
    const { project } = load('services:\n  web: { image: x }\n');
    expect(specFor(project, 'web', { imageName: '' }).body.Image).toBe('sha256:0123');
  });
});

