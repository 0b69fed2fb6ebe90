import { describe, expect, it } from 'vitest';
import { loadDir, userError, errorText, writeTree } from '../../test/compose-fixtures.js';
import { applyResets, mergeValues, type MergeTags } from './merge.js';
import type { Service } from './model.js';

const noTags: MergeTags = { resets: new Set(), overrides: new Set() };

/** Loads compose.yaml + the given override files (in order) and returns the services. */
function merged(...files: string[]): Record<string, Service> {
  const names = files.map((_, i) => (i === 0 ? 'compose.yaml' : `override${i}.yaml`));
  const dir = writeTree(Object.fromEntries(files.map((text, i) => [names[i]!, text])));
  return loadDir(dir, { files: names }).project.services;
}

describe('mergeValues', () => {
  it('merges mappings key by key, the later value winning', () => {
    expect(mergeValues({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 4, e: 5 }, f: 6 }, [], noTags)).toEqual({ a: 1, b: { c: 2, d: 4, e: 5 }, f: 6 });
  });

  it('keeps the base when the override has no value, and takes the override when the base has none', () => {
    expect(mergeValues({ a: 1 }, undefined, [], noTags)).toEqual({ a: 1 });
    expect(mergeValues(undefined, [1], ['x'], noTags)).toEqual([1]);
  });

  it('appends other sequences', () => {
    expect(mergeValues(['a', 'b'], ['c'], ['services', 's', 'cap_add'], noTags)).toEqual(['a', 'b', 'c']);
  });

  it('replaces command, entrypoint and healthcheck.test', () => {
    expect(mergeValues(['a', 'b'], ['c'], ['services', 's', 'command'], noTags)).toEqual(['c']);
    expect(mergeValues(['a'], ['c'], ['services', 's', 'entrypoint'], noTags)).toEqual(['c']);
    expect(mergeValues({ test: ['CMD', 'a'], retries: 3 }, { test: ['CMD', 'b'] }, ['services', 's', 'healthcheck'], noTags)).toEqual({ test: ['CMD', 'b'], retries: 3 });
  });

  it('replaces a node tagged !override', () => {
    const tags: MergeTags = { resets: new Set(), overrides: new Set(['services\u0000s\u0000environment']) };
    expect(mergeValues({ services: { s: { environment: { A: '1' } } } }, { services: { s: { environment: { B: '2' } } } }, [], tags)).toEqual({ services: { s: { environment: { B: '2' } } } });
  });

  it('applyResets removes tagged paths, and only under the given root', () => {
    const value = { services: { s: { ports: [1], environment: { A: '1', B: '2' } } } };
    expect(applyResets(value, new Set(['services\u0000s\u0000ports', 'services\u0000s\u0000environment\u0000A']))).toEqual({ services: { s: { environment: { B: '2' } } } });
    expect(applyResets({ ports: [1] }, new Set(['services\u0000s\u0000ports']), ['services', 's'])).toEqual({});
    expect(applyResets({ ports: [1] }, new Set(['services\u0000t\u0000ports']), ['services', 's'])).toEqual({ ports: [1] });
  });
});

describe('multi-file merge (through loadProject)', () => {
  const port = (target: number, published?: string, extra: object = {}) => ({ target, ...(published && { published }), protocol: 'tcp', mode: 'ingress', ...extra });

  it('ports merge by host_ip, target, published and protocol', () => {
    const { s } = merged(
      'services: {s: {image: x, ports: ["80:80", "127.0.0.1:81:81", "53:53/udp", "90"]}}',
      'services: {s: {ports: ["80:80", "0.0.0.0:81:81", "53:53/tcp", "8080:80", "90"]}}',
    );
    expect(s!.ports).toEqual([
      port(80, '80'),
      port(81, '81', { host_ip: '127.0.0.1' }),
      port(53, '53', { protocol: 'udp' }),
      port(90),
      port(81, '81', { host_ip: '0.0.0.0' }),
      port(53, '53'),
      port(80, '8080'),
    ]);
  });

  it('a port with the same key is replaced as a whole, in its first position', () => {
    const { s } = merged(
      'services: {s: {image: x, ports: [{target: 80, published: 8080, name: web, app_protocol: http}, "443:443"]}}',
      'services: {s: {ports: [{target: 80, published: "8080", mode: host}]}}',
    );
    expect(s!.ports).toEqual([{ target: 80, published: '8080', protocol: 'tcp', mode: 'host' }, port(443, '443')]);
  });

  it('volumes merge by target; the later mount replaces the earlier one', () => {
    const { s } = merged(
      'services: {s: {image: x, volumes: ["./a:/a:ro", "data:/data", "/anon"]}}\nvolumes: {data: {}, other: {}}',
      'services: {s: {volumes: ["other:/a", {type: tmpfs, target: /data}, "/extra"]}}',
    );
    expect(s!.volumes).toEqual([
      { type: 'volume', source: 'other', target: '/a' },
      { type: 'tmpfs', target: '/data' },
      { type: 'volume', target: '/anon' },
      { type: 'volume', target: '/extra' },
    ]);
  });

  it('secrets and configs merge by where they are mounted', () => {
    const { s } = merged(
      [
        'services: {s: {image: x, secrets: [a, {source: b, target: /etc/b}], configs: [c, {source: d, target: /etc/d}]}}',
        'secrets: {a: {file: ./a}, b: {file: ./b}, b2: {file: ./b2}}',
        'configs: {c: {file: ./c}, d: {file: ./d}, c2: {file: ./c2}}',
      ].join('\n'),
      'services: {s: {secrets: [{source: a, mode: "0400"}, {source: b2, target: /etc/b}], configs: [{source: c2, target: /c}, {source: d, target: /etc/d2}]}}',
    );
    // `a` (→ /run/secrets/a) is the same mount as `{source: a}`; `/etc/b` gets b2; config c2 lands on /c, c's default.
    expect(s!.secrets).toEqual([{ source: 'a', mode: 0o400 }, { source: 'b2', target: '/etc/b' }]);
    expect(s!.configs).toEqual([{ source: 'c2', target: '/c' }, { source: 'd', target: '/etc/d' }, { source: 'd', target: '/etc/d2' }]);
  });

  it('a relative secret target is under /run/secrets', () => {
    const { s } = merged(
      'services: {s: {image: x, secrets: [{source: a, target: /run/secrets/token}]}}\nsecrets: {a: {file: ./a}, b: {file: ./b}}',
      'services: {s: {secrets: [{source: b, target: token}]}}',
    );
    expect(s!.secrets).toEqual([{ source: 'b', target: 'token' }]);
  });

  it('environment and labels merge across list and map forms', () => {
    const { s } = merged(
      'services: {s: {image: x, environment: [A=1, B=2, "C=x=y"], labels: {l1: a}}}',
      'services: {s: {environment: {B: "3", D: ""}, labels: [l2=b, l1=c]}}',
      'services: {s: {environment: [E=5]}}',
    );
    expect(s!.environment).toEqual({ A: '1', B: '3', C: 'x=y', D: '', E: '5' });
    expect(s!.labels).toEqual({ l1: 'c', l2: 'b' });
  });

  it('later files win for scalars, in -f order', () => {
    const { s } = merged('services: {s: {image: a, restart: always}}', 'services: {s: {image: b}}', 'services: {s: {image: c}}');
    expect(s!.image).toBe('c');
    expect(s!.restart).toBe('always');
  });

  it('command, entrypoint and healthcheck.test are replaced, not appended', () => {
    const { s } = merged(
      'services: {s: {image: x, command: [a, b], entrypoint: [e1, e2], healthcheck: {test: [CMD, t1], interval: 5s}}}',
      'services: {s: {command: c, entrypoint: [e3], healthcheck: {test: [CMD, t2]}}}',
    );
    expect(s!.command).toEqual(['c']);
    expect(s!.entrypoint).toEqual(['e3']);
    expect(s!.healthcheck).toEqual({ test: ['CMD', 't2'], interval: '5s' });
  });

  it('networks of a service merge by name', () => {
    const { s } = merged(
      'services: {s: {image: x, networks: [front]}}\nnetworks: {front: {}, back: {}}',
      'services: {s: {networks: {back: {aliases: [b]}}}}',
    );
    expect(s!.networks).toEqual({ front: null, back: { aliases: ['b'] } });
  });

  it('depends_on merges by service; the later definition wins', () => {
    const { s } = merged(
      'services: {s: {image: x, depends_on: [a]}, a: {image: a}, b: {image: b}}',
      'services: {s: {depends_on: {a: {condition: service_healthy}, b: {condition: service_started}}}}',
    );
    expect(s!.depends_on).toEqual({
      a: { condition: 'service_healthy', required: true, restart: false },
      b: { condition: 'service_started', required: true, restart: false },
    });
  });

  it('top-level resources and x- extensions merge too', () => {
    const dir = writeTree({
      'compose.yaml': 'services: {s: {image: x}}\nvolumes: {v: {driver: local, driver_opts: {a: "1"}}}\nx-meta: {a: 1, list: [1]}',
      'compose.override.yaml': 'volumes: {v: {driver_opts: {b: "2"}}}\nx-meta: {b: 2, list: [2]}',
    });
    const { project } = loadDir(dir);
    expect(project.volumes.v).toMatchObject({ driver: 'local', driver_opts: { a: '1', b: '2' } });
    expect(project.extensions['x-meta']).toEqual({ a: 1, b: 2, list: [1, 2] });
  });

  it('a service only in the override is added whole', () => {
    const services = merged('services: {a: {image: a}}', 'services: {b: {image: b, ports: ["80"]}}');
    expect(Object.keys(services).sort()).toEqual(['a', 'b']);
  });

  it('an override must still make a valid service', () => {
    const error = userError(() => merged('services: {a: {image: a}}', 'services: {b: {ports: ["80"]}}'));
    expect(errorText(error)).toMatch(/service "b" has neither an image nor a build context/);
  });
});

describe('!reset and !override', () => {
  it('!reset removes a sequence, a mapping entry, a scalar and a whole service', () => {
    const services = merged(
      'services: {s: {image: x, ports: ["80:80"], environment: {A: "1", B: "2"}, user: root, healthcheck: {test: [CMD, a], retries: 2}}, t: {image: t}}',
      'services:\n  s:\n    ports: !reset []\n    environment:\n      A: !reset\n    user: !reset ""\n    healthcheck:\n      retries: !reset 0\n  t: !reset {}',
    );
    expect(services.s).not.toHaveProperty('ports');
    expect(services.s).not.toHaveProperty('user');
    expect(services.s!.environment).toEqual({ B: '2' });
    expect(services.s!.healthcheck).toEqual({ test: ['CMD', 'a'] });
    expect(services).not.toHaveProperty('t');
  });

  it('!reset then a later file can set the value again', () => {
    const { s } = merged('services: {s: {image: x, ports: ["80:80"]}}', 'services: {s: {ports: !reset []}}', 'services: {s: {ports: ["81:81"]}}');
    expect(s!.ports).toEqual([{ target: 81, published: '81', protocol: 'tcp', mode: 'ingress' }]);
  });

  it('!override replaces ports, environment and command-like sequences', () => {
    const { s } = merged(
      'services: {s: {image: x, ports: ["80:80", "81:81"], environment: {A: "1"}, dns: [1.1.1.1]}}',
      'services:\n  s:\n    ports: !override ["82:82"]\n    environment: !override\n      B: "2"\n    dns: !override [8.8.8.8]',
    );
    expect(s!.ports).toEqual([{ target: 82, published: '82', protocol: 'tcp', mode: 'ingress' }]);
    expect(s!.environment).toEqual({ B: '2' });
    expect(s!.dns).toEqual(['8.8.8.8']);
  });

  it('!override on a whole service replaces it', () => {
    const { s } = merged('services: {s: {image: x, environment: {A: "1"}, user: root}}', 'services:\n  s: !override\n    image: y');
    expect(s).toEqual({ image: 'y', networks: { default: null } });
  });

  it('tags in the first file do not break it', () => {
    const { s } = merged('services:\n  s:\n    image: x\n    ports: !override ["80:80"]\n    environment:\n      A: !reset');
    expect(s!.ports).toHaveLength(1);
    expect(s!.environment).toEqual({});
  });
});

describe('file modes', () => {
  // Bug in yaml-source.ts (not this file's): `mode: 0440`, as the compose docs write it, is read
  // as the decimal 440 (YAML 1.2 core schema) where Compose (yaml.v3) reads the octal 0o440.
  it('an unquoted leading-zero mode is octal', () => {
    const { s } = merged('services: {s: {image: x, secrets: [{source: a, mode: 0440}]}}\nsecrets: {a: {file: ./a}}');
    expect(s!.secrets).toEqual([{ source: 'a', mode: 0o440 }]);
  });
});

describe('merging before defaults (build)', () => {
  // Bug in normalise-service.ts (not this file's): the long form of `build` gets its defaults
  // (context ".", dockerfile "Dockerfile") in each file, before merging, so an override that
  // only sets `build.target` or `build.args` resets the base's context and dockerfile.
  // Compose applies these defaults after merging.
  it('an override setting build.args keeps the base context and dockerfile', () => {
    const { s } = merged('services: {s: {build: {context: ./app, dockerfile: Dockerfile.dev}}}', 'services: {s: {build: {args: {X: "1"}}}}');
    expect(s!.build).toMatchObject({ context: expect.stringMatching(/\/app$/), dockerfile: 'Dockerfile.dev', args: { X: '1' } });
  });

  it('an override giving build as a string changes the context only', () => {
    const { s } = merged('services: {s: {build: {context: ./app, target: dev}}}', 'services: {s: {build: ./other}}');
    expect(s!.build).toMatchObject({ context: expect.stringMatching(/\/other$/), target: 'dev', dockerfile: 'Dockerfile' });
  });
});
