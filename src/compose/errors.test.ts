/**
 * Error reporting of the compose loader: every problem names the file, line and column, the path
 * of the offending node and, where one exists, a hint — and all problems of a stage come together.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, type Diagnostic } from '../errors.js';
import { loadProject } from './load-project.js';
import type { LoadedProject } from './model.js';

interface Written {
  dir: string;
  file: string;
}

function write(yaml: string, extra: Record<string, string> = {}): Written {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-errors-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, yaml);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, file };
}

function load(yaml: string, env: Record<string, string> = {}, extra: Record<string, string> = {}): LoadedProject {
  return loadProject({ cwd: write(yaml, extra).dir, env, home: '/home/me' });
}

/** Loads `yaml`, expects a UserError and returns it with the compose file's path. */
function fail(yaml: string, env: Record<string, string> = {}, extra: Record<string, string> = {}): { error: UserError; file: string; diagnostics: Diagnostic[] } {
  const { dir, file } = write(yaml, extra);
  try {
    loadProject({ cwd: dir, env, home: '/home/me' });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { error, file, diagnostics: error.diagnostics };
  }
  throw new Error('expected the compose file to be rejected');
}

/** The single diagnostic of a failing file. */
function only(yaml: string, env: Record<string, string> = {}, extra: Record<string, string> = {}): Diagnostic & { file: string } {
  const { diagnostics, file } = fail(yaml, env, extra);
  expect(diagnostics).toHaveLength(1);
  return { ...diagnostics[0]!, file };
}

const at = (file: string, line: number, column: number) => ({ file, line, column });

describe('unknown keys', () => {
  it.each([
    ['enviroment', 'environment'],
    ['healtcheck', 'healthcheck'],
    ['imgae', 'image'],
    ['dependson', 'depends_on'],
    ['port', 'ports'],
  ])('%s → did you mean %s, at the key', (typo, meant) => {
    const d = only(`services:\n  web:\n    image: x\n    ${typo}: {}\n`);
    expect(d).toEqual({
      message: `unknown key "${typo}"`,
      path: 'services.web',
      position: at(d.file, 4, 5),
      hint: `Did you mean "${meant}"?`,
      file: d.file,
    });
  });

  it('at the top level', () => {
    const d = only('servics:\n  web:\n    image: x\n');
    expect(d).toMatchObject({ message: 'unknown key "servics"', path: '(top level)', position: at(d.file, 1, 1), hint: 'Did you mean "services"?' });
  });

  it('deep inside a service, in a flow mapping', () => {
    const d = only('services:\n  web:\n    build: {contxt: .}\n');
    expect(d).toMatchObject({ message: 'unknown key "contxt"', path: 'services.web.build', position: at(d.file, 3, 13), hint: 'Did you mean "context"?' });
    const e = only('services:\n  web:\n    image: x\n    deploy:\n      resources:\n        limits:\n          cpu: 1\n');
    expect(e).toMatchObject({ path: 'services.web.deploy.resources.limits', position: at(e.file, 7, 11), hint: 'Did you mean "cpus"?' });
  });

  it('in top-level resources', () => {
    const d = only('services:\n  web:\n    image: x\nnetworks:\n  front:\n    drvier: bridge\n');
    expect(d).toMatchObject({ message: 'unknown key "drvier"', path: 'networks.front', position: at(d.file, 6, 5), hint: 'Did you mean "driver"?' });
  });

  it('lists the allowed keys when nothing is close', () => {
    const d = only('services:\n  web:\n    image: x\n    healthcheck:\n      zzzzzzzzzz: 1\n');
    expect(d.hint).toMatch(/^Allowed here: disable, interval, retries, test, timeout, start_period, start_interval \(and x-\* extensions\)\.$/);
  });

  it('x-* keys are allowed anywhere', () => {
    const { project } = load(`
x-common: &common {restart: always}
services:
  web:
    <<: *common
    image: x
    x-anything: {a: 1}
    build:
      context: .
      x-build: 1
    deploy:
      x-deploy: true
      resources:
        x-res: 1
        limits: {cpus: 1, x-lim: 2}
    ports:
      - target: 80
        x-port: 1
    volumes:
      - type: volume
        source: data
        target: /d
        x-vol: 1
    healthcheck: {test: "true", x-hc: 1}
networks:
  default:
    x-net: 1
volumes:
  data:
    x-vol: 1
`);
    expect(project.services.web).toMatchObject({ restart: 'always', 'x-anything': { a: 1 } });
    expect(project.extensions['x-common']).toEqual({ restart: 'always' });
  });
});

describe('wrong types', () => {
  it.each<[string, string, RegExp, string, number, number]>([
    ['ports: "80:80"', 'services.web.ports', /^expected a list, got the string "80:80"$/, '', 4, 12],
    ['environment: 5', 'services.web.environment', /^expected a mapping or a list, got number 5$/, '', 4, 18],
    ['command: {a: 1}', 'services.web.command', /^expected .*a string or a list, got a mapping$/, '', 4, 14],
    ['read_only: maybe', 'services.web.read_only', /^expected a boolean \(true or false\), got the string "maybe"$/, '', 4, 16],
    ['scale: many', 'services.web.scale', /^expected a whole number, got the string "many"$/, '', 4, 12],
    ['cpus: lots', 'services.web.cpus', /^expected a number, got the string "lots"$/, '', 4, 11],
    ['cap_add: NET_ADMIN', 'services.web.cap_add', /^expected a list, got the string "NET_ADMIN"$/, '', 4, 14],
    ['depends_on: {db: {condition: service_helthy}}', 'services.web.depends_on.db.condition', /^expected one of "service_started", "service_healthy", "service_completed_successfully", got the string "service_helthy"$/, 'Did you mean "service_healthy"?', 4, 34],
  ])('%s', (line, path, message, hint, l, c) => {
    const d = only(`services:\n  web:\n    image: x\n    ${line}\n`);
    expect(d.path).toBe(path);
    expect(d.message).toMatch(message);
    expect(d.position).toEqual(at(d.file, l, c));
    if (hint) expect(d.hint).toBe(hint);
  });

  it('a long message value is shortened', () => {
    const d = only(`services:\n  web:\n    image: x\n    ports: "${'9'.repeat(100)}"\n`);
    expect(d.message).toBe(`expected a list, got the string "${'9'.repeat(40)}…"`);
  });

  it('an empty service body, a scalar document and an empty file', () => {
    expect(only('services:\n  web:\n').message).toMatch(/neither an image nor a build/);
    const scalar = only('just a string\n');
    expect(scalar).toMatchObject({ message: 'expected a mapping, got the string "just a string"', position: at(scalar.file, 1, 1) });
    expect(scalar.path).toBeUndefined();
    const empty = only('');
    expect(empty).toMatchObject({ message: 'the compose file is empty', position: at(empty.file, 1, 1) });
    expect(only('# nothing yet\n\n').message).toBe('the compose file is empty');
    expect(only('---\n').message).toBe('the compose file is empty');
  });
});

describe('several errors are reported together', () => {
  it('schema errors from several services, in one throw', () => {
    const { error, file, diagnostics } = fail(`services:
  web:
    image: x
    enviroment: {}
    ports: "80"
  db:
    imgae: postgres
    healthcheck:
      interval: 5
`);
    expect(error.message).toBe('the compose file has 4 problems');
    expect(diagnostics.map((d) => [d.path, d.position?.line, d.position?.column])).toEqual(expect.arrayContaining([
      ['services.web', 4, 5],
      ['services.web.ports', 5, 12],
      ['services.db', 7, 5],
      ['services.db.healthcheck.interval', 9, 17],
    ]));
    expect(diagnostics.every((d) => d.position?.file === file)).toBe(true);
  });

  it('normalisation errors from several services, in one throw', () => {
    const { diagnostics, file } = fail(`services:
  web:
    image: x
    ports: ["99999"]
    volumes: ["./a:/a:bogus"]
  db:
    image: y
    command: 'echo "unterminated'
    healthcheck: {interval: soon}
`);
    expect(diagnostics).toEqual([
      { message: expect.stringMatching(/^invalid port "99999"/), path: 'services.web.ports[0]', position: at(file, 4, 13) },
      { message: 'unknown volume mode "bogus" in "./a:/a:bogus"', path: 'services.web.volumes[0]', position: at(file, 5, 15), hint: expect.any(String) },
      { message: 'unterminated quote in command', path: 'services.db.command', position: at(file, 8, 14), hint: expect.any(String) },
      { message: 'invalid duration "soon"', path: 'services.db.healthcheck.interval', position: at(file, 9, 29), hint: expect.stringMatching(/1m30s/) },
    ]);
  });

  it('a required env_file that is missing is reported with its position', () => {
    const { diagnostics, file, dir } = (() => {
      const r = fail('services:\n  web:\n    image: x\n    env_file:\n      - ok.env\n      - missing.env\n', {}, { 'ok.env': 'A=1\n' });
      return { ...r, dir: r.file.slice(0, -'/compose.yaml'.length) };
    })();
    expect(diagnostics).toEqual([{ message: `env file not found: ${join(dir, 'missing.env')}`, path: 'services.web.env_file[1]', position: at(file, 6, 9), hint: expect.any(String) }]);
  });

  it('an optional env_file that is missing is fine', () => {
    const { project } = load('services:\n  web:\n    image: x\n    env_file: [{path: missing.env, required: false}]\n');
    expect(project.services.web!.environment ?? {}).toEqual({});
  });

  it('environment overrides env_file', () => {
    const { project } = load('services:\n  web:\n    image: x\n    env_file: [a.env]\n    environment: {A: from-compose, C: null}\n', {}, { 'a.env': 'A=from-file\nB=b\nC=c\n' });
    expect(project.services.web!.environment).toEqual({ A: 'from-compose', B: 'b', C: null });
  });
});

describe('interpolation errors', () => {
  it('${V:?msg} unset → the message, at the "$"', () => {
    const d = only('services:\n  web:\n    image: ${IMG:?image is required}\n');
    expect(d).toMatchObject({ message: 'image is required', path: 'services.web.image', position: at(d.file, 3, 12), hint: 'Set IMG in the environment or in the .env file.' });
  });

  it('inside a quoted string, after other text', () => {
    const d = only('services:\n  web:\n    image: "registry/${IMG:?need IMG}"\n');
    expect(d).toMatchObject({ message: 'need IMG', position: at(d.file, 3, 22) });
  });

  it('${V:?msg} empty fails, ${V?msg} empty passes', () => {
    expect(only('services:\n  web:\n    image: ${IMG:?empty}\n', { IMG: '' }).message).toBe('empty');
    expect(load('services:\n  web:\n    image: x${IMG?unset}\n', { IMG: '' }).project.services.web!.image).toBe('x');
  });

  it('several interpolation errors together', () => {
    const { diagnostics, file } = fail('services:\n  web:\n    image: ${A:?a}\n    command: ${B:?b}\n');
    expect(diagnostics.map((d) => [d.message, d.position])).toEqual([['a', at(file, 3, 12)], ['b', at(file, 4, 14)]]);
  });

  it('interpolated scalars are coerced', () => {
    const { project } = load('services:\n  web:\n    image: x\n    read_only: "${RO}"\n    deploy: {replicas: "${N}"}\n    scale: ${N}\n    ports: ["${P}:80"]\n', { RO: 'true', N: '3', P: '8080' });
    expect(project.services.web).toMatchObject({ read_only: true, deploy: { replicas: 3 }, scale: 3, ports: [{ target: 80, published: '8080' }] });
  });

  it('an interpolated value of the wrong kind is an error at the value', () => {
    const d = only('services:\n  web:\n    image: x\n    read_only: ${RO}\n', { RO: 'perhaps' });
    expect(d).toMatchObject({ message: 'expected a boolean (true or false), got the string "perhaps"', position: at(d.file, 4, 16) });
  });
});

describe('YAML', () => {
  it.each<[string, string, number, number]>([
    ['bad indentation', 'services:\n  web:\n    image: x\n   ports: [1\n', 4, 1],
    ['duplicate key', 'services:\n  web:\n    image: x\n    image: y\n', 4, 5],
    ['unclosed flow sequence', 'services:\n  web: {image: [x\n', 3, 1],
    ['tab indentation', 'services:\n\tweb: {}\n', 2, 1],
  ])('%s: the error has a position', (_, yaml, line, column) => {
    const { diagnostics, file } = fail(yaml);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.message).toMatch(/^invalid YAML: /);
    expect(diagnostics[0]!.position).toEqual(at(file, line, column));
  });

  it('anchors, aliases and merge keys work', () => {
    const { project } = load(`
x-defaults: &defaults
  image: base
  restart: always
  environment: &env
    A: "1"
x-more: &more
  restart: "no"
  init: true
services:
  web:
    <<: [*defaults, *more]
    image: web
  worker:
    <<: *defaults
    environment: *env
`);
    expect(project.services.web).toMatchObject({ image: 'web', restart: 'always', init: true, environment: { A: '1' } });
    expect(project.services.worker).toMatchObject({ image: 'base', restart: 'always', environment: { A: '1' } });
  });

  it('an undefined alias is an error', () => {
    const { diagnostics, file } = fail('services:\n  web:\n    image: *nope\n');
    expect(diagnostics[0]).toMatchObject({ message: 'unresolvable or recursive alias *nope', position: at(file, 3, 12) });
  });

  it('a merge key must refer to a mapping', () => {
    const { diagnostics } = fail('x-list: &list [a]\nservices:\n  web:\n    <<: *list\n    image: x\n');
    expect(diagnostics[0]!.message).toBe('a merge key (<<) must refer to a mapping');
  });

  it('a __proto__ key is an error, not a silently missing entry', () => {
    const d = only('services:\n  __proto__:\n    image: x\n');
    expect(d).toMatchObject({ message: 'the key "__proto__" is not allowed', position: at(d.file, 2, 3) });
    const e = only('services:\n  web:\n    image: x\n    environment:\n      __proto__: x\n');
    expect(e).toMatchObject({ path: 'services.web.environment', position: at(e.file, 5, 7) });
  });

  it('non-string keys are errors', () => {
    const d = only('services:\n  web:\n    image: x\n    ? [a]\n    : b\n');
    expect(d.message).toBe('mapping keys must be plain strings');
  });
});

describe('names and references', () => {
  it('an invalid service name points at the name', () => {
    const d = only('services:\n  web app:\n    image: x\n');
    expect(d).toMatchObject({ message: 'invalid service name "web app"', path: 'services["web app"]', position: at(d.file, 2, 3) });
  });

  it('an invalid network or volume name points at the name', () => {
    const { diagnostics, file } = fail('services:\n  web:\n    image: x\nnetworks:\n  "bad net": {}\nvolumes:\n  "a/b":\n');
    expect(diagnostics).toMatchObject([
      { message: 'invalid network name "bad net"', position: at(file, 5, 3) },
      { message: 'invalid volume name "a/b"', position: at(file, 7, 3) },
    ]);
  });

  it('references to undefined services, networks, volumes, secrets and configs, with did-you-mean', () => {
    const { diagnostics, file } = fail(`services:
  web:
    image: x
    depends_on:
      dbb:
        condition: service_started
    networks: [frnt]
    volumes: ["dta:/d"]
    secrets: [tokn]
    configs: [cfg]
  db:
    image: y
networks:
  front:
volumes:
  data:
secrets:
  token:
    file: ./token
`);
    expect(diagnostics).toEqual([
      { message: 'service "web" depends on undefined service "dbb"', path: 'services.web.depends_on.dbb', position: at(file, 5, 7), hint: 'Did you mean "db"?' },
      { message: 'service "web" uses undefined network "frnt"', path: 'services.web.networks.frnt', position: at(file, 7, 5), hint: 'Did you mean "front"?' },
      { message: 'service "web" uses undefined volume "dta"', path: 'services.web.volumes[0]', position: at(file, 8, 15), hint: 'Did you mean "data"?' },
      { message: 'service "web" uses undefined secret "tokn"', path: 'services.web.secrets[0]', position: at(file, 9, 15), hint: expect.any(String) },
      { message: 'service "web" uses undefined config "cfg"', path: 'services.web.configs[0]', position: at(file, 10, 15), hint: expect.any(String) },
    ]);
  });

  it('links, volumes_from and network_mode: service: are references too', () => {
    const { diagnostics } = fail('services:\n  web:\n    image: x\n    links: ["dbx:db"]\n    volumes_from: [dbx]\n    network_mode: "service:dbx"\n  db:\n    image: y\n');
    expect(diagnostics.map((d) => d.path)).toEqual(['services.web.links[0]', 'services.web.volumes_from[0]', 'services.web.network_mode']);
    expect(diagnostics.every((d) => d.hint === 'Did you mean "db"?')).toBe(true);
  });

  it('a service depending on itself', () => {
    expect(only('services:\n  web:\n    image: x\n    depends_on: [web]\n').message).toBe('service "web" depends on itself');
  });

  it('a dependency cycle names its members', () => {
    const d = only('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n');
    expect(d.message).toBe('dependency cycle: a → b → c → a');
    expect(d.hint).toBe('Remove one of these dependencies.');
    expect(d.position?.line).toBe(10);
  });

  it('an optional dependency on an undefined service is a warning', () => {
    const { project, warnings } = load('services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_started, required: false}\n');
    expect(project.services.web!.depends_on).toEqual({});
    expect(warnings.map((w) => w.message)).toEqual(['optional dependency "db" is not defined and is ignored']);
  });
});

describe('service rules', () => {
  it('com.docker.compose labels are reserved', () => {
    const d = only('services:\n  web:\n    image: x\n    labels:\n      com.docker.compose.project: x\n');
    expect(d).toMatchObject({ message: expect.stringMatching(/reserved prefix com.docker.compose/), path: 'services.web.labels["com.docker.compose.project"]', position: { line: 5 } });
  });

  it('replicas and scale that disagree', () => {
    const d = only('services:\n  web:\n    image: x\n    scale: 2\n    deploy: {replicas: 3}\n');
    expect(d).toMatchObject({ message: 'scale (2) and deploy.replicas (3) disagree', path: 'services.web.scale', position: at(d.file, 4, 5) });
    expect(load('services:\n  web:\n    image: x\n    scale: 3\n    deploy: {replicas: "3"}\n').project.services.web!.scale).toBe(3);
  });

  it('container_name with more than one replica', () => {
    const d = only('services:\n  web:\n    image: x\n    container_name: web\n    deploy: {replicas: 2}\n');
    expect(d).toMatchObject({ message: expect.stringMatching(/container_name, so it cannot run 2 replicas/), path: 'services.web.container_name', position: at(d.file, 4, 5) });
  });

  it('an unknown watch action → did you mean', () => {
    const d = only('services:\n  web:\n    image: x\n    develop:\n      watch:\n        - path: .\n          action: synk\n');
    expect(d).toMatchObject({ path: 'services.web.develop.watch[0].action', position: at(d.file, 7, 19), hint: 'Did you mean "sync"?' });
  });

  it('network_mode: host with ports', () => {
    expect(only('services:\n  web:\n    image: x\n    network_mode: host\n    ports: ["80"]\n').message).toMatch(/not allowed with network_mode: host/);
  });

  it('a secret without a source', () => {
    const d = only('services:\n  web:\n    image: x\nsecrets:\n  s: {}\n');
    expect(d).toMatchObject({ message: 'secret "s" needs one of: file, environment, external', path: 'secrets.s' });
  });
});

describe('warnings', () => {
  it('version: is obsolete', () => {
    const { warnings, project } = load('version: "3.8"\nservices:\n  web:\n    image: x\n');
    expect(project.services.web).toBeDefined();
    expect(warnings).toEqual([{ message: 'the top-level "version" is obsolete and ignored', position: expect.objectContaining({ line: 1, column: 10 }), hint: 'Remove it.' }]);
  });

  it('an unset variable without a default', () => {
    const { warnings, project } = load('services:\n  web:\n    image: x${TAG}\n');
    expect(project.services.web!.image).toBe('x');
    expect(warnings.map((w) => w.message)).toEqual(['the "TAG" variable is not set; using an empty string']);
  });
});
