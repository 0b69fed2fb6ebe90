/**
 * Property: whatever the compose file says, loading it either gives a project or throws a
 * UserError whose every diagnostic has a message (and a position when it names a node) — never
 * any other exception. Documents are random JSON-ish trees and mutations of a valid file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { loadProject } from './load-project.js';

const root = mkdtempSync(join(tmpdir(), 'devspace-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** 200 by default (a few seconds); set PROPERTY_RUNS to search harder. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const ENV = { TAG: '1.0', PORT: '8080', N: '2', FLAG: 'true' };

/** Loads `text` as compose.yaml; returns what went wrong if the outcome breaks the property. */
function check(text: string): string | undefined {
  const dir = join(root, String(counter++));
  mkdirSync(dir);
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, text);
  try {
    loadProject({ cwd: dir, env: { ...ENV }, home: '/home/me' });
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) return `not a UserError: ${error instanceof Error ? error.stack : String(error)}`;
    for (const d of error.diagnostics) {
      if (typeof d.message !== 'string' || d.message.length === 0) return `diagnostic without a message: ${JSON.stringify(d)}`;
      if (d.path && !d.position) return `diagnostic names ${d.path} but has no position: ${JSON.stringify(d)}`;
      if (d.position && (d.position.file !== file || d.position.line < 1 || d.position.column < 1)) return `bad position: ${JSON.stringify(d)}`;
    }
    if (error.diagnostics.length === 0 && !error.message) return 'UserError without a message';
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const VALID = {
  name: 'demo',
  'x-common': { restart: 'always' },
  services: {
    web: {
      build: { context: '.', dockerfile: 'Dockerfile', args: { A: '1' } },
      image: 'demo/web:${TAG}',
      command: 'npm start',
      ports: ['${PORT}:80', '127.0.0.1:9000-9001:9000-9001/udp', { target: 443, published: 8443 }],
      environment: { A: 1, B: null },
      volumes: ['./src:/app/src:ro', 'data:/data', { type: 'tmpfs', target: '/tmp', tmpfs: { size: '10m' } }],
      depends_on: { db: { condition: 'service_healthy' } },
      healthcheck: { test: 'curl -f localhost', interval: '10s' },
      deploy: { replicas: '${N}', resources: { limits: { cpus: '0.5', memory: '512m' } } },
      develop: { watch: [{ path: './src', action: 'sync', target: '/app/src' }] },
      networks: ['front'],
      secrets: ['token'],
      labels: ['a=b'],
      read_only: '${FLAG}',
      'x-devspace': { autoscale: { max: 3, cpu: 50 }, ingress: { host: 'demo.local' } },
    },
    db: {
      image: 'postgres:16',
      environment: ['POSTGRES_PASSWORD=x'],
      healthcheck: { test: ['CMD', 'pg_isready'], interval: '1m30s', retries: 3 },
      volumes: ['data:/var/lib/postgresql/data'],
      networks: { front: { aliases: ['database'] } },
      profiles: ['db'],
    },
  },
  networks: { front: { driver: 'bridge' } },
  volumes: { data: null },
  secrets: { token: { environment: 'TAG' } },
  'x-devspace': { registry: 'registry.local', environments: { prod: { namespace: 'demo' } } },
};

const KEYS = [
  'services', 'image', 'build', 'context', 'ports', 'volumes', 'environment', 'depends_on', 'healthcheck', 'test', 'deploy',
  'resources', 'limits', 'cpus', 'memory', 'develop', 'watch', 'path', 'action', 'target', 'networks', 'secrets', 'configs',
  'extends', 'service', 'file', 'include', 'x-devspace', 'x-foo', 'command', 'env_file', 'profiles', 'condition', 'external',
  'name', 'labels', 'replicas', 'scale', 'container_name', 'type', 'source', 'tmpfs', 'size', '<<', 'autoscale', 'cpu', 'max',
  'web', 'db', 'data', 'front', 'default', '', ' ', 'a b', '0', 'true', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];
const STRINGS = [
  '', ' ', '80', '8080:80', '99999', '1-3:4-5', '[::1]:80:80', 'a:b:c:d', './x:/x', '~/x:/x', '/x', 'data:/d:bogus', '1m30s', '10',
  '512m', 'huge', 'true', 'no', 'service_healthy', 'sync', 'synk', 'echo "hi', '${TAG}', '${UNSET:?need it}', '${', '$$', '${PORT:-80}',
  'CMD', 'NONE', 'web', 'db', 'front', 'data', 'token', 'service:web', 'container:x', 'host', 'on-failure:3', '0440', 'r--', '-1',
  'https://github.com/x/y.git', '.', '..', '../../etc', 'missing.env', 'com.docker.compose.x=1', '\u0000', '\ud800', 'é', '*', '&',
  '!reset', '<<', '#', '- x', ': y', '"', "'", '{', '[', ']', '}', '\n', '\t', 'a\nb',
];

const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 }));
const scalar = fc.oneof(
  fc.constantFrom<unknown>(...STRINGS),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -2, max: 70000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const tree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 5 }),
  ),
})).node;

/** All paths to nodes of `value`. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = { kind: 'drop' | 'set' | 'insert'; at: number; key: string; value: unknown };
const mutation = fc.record({ kind: fc.constantFrom<Mutation['kind']>('drop', 'set', 'insert'), at: fc.nat(), key, value: fc.oneof(scalar, tree) });

function mutate(doc: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const m of mutations) {
    const all = paths(copy).slice(1);
    if (all.length === 0) break;
    const path = all[m.at % all.length]!;
    let parent: unknown = copy;
    for (const part of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[part];
    const last = path[path.length - 1]!;
    const container = parent as Record<string | number, unknown> & unknown[];
    if (m.kind === 'drop') {
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last];
    } else if (m.kind === 'set') container[last] = m.value;
    else {
      const target = container[last];
      if (Array.isArray(target)) target.push(m.value);
      else if (target && typeof target === 'object') Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else container[last] = { [m.key]: m.value };
    }
  }
  return copy;
}

const toYaml = (value: unknown) => stringify(value, { aliasDuplicateObjects: false });

describe('loading never fails with anything but a UserError', () => {
  it('the valid document loads', () => {
    const dir = join(root, 'valid');
    mkdirSync(dir);
    writeFileSync(join(dir, 'compose.yaml'), toYaml(VALID));
    const { project } = loadProject({ cwd: dir, env: { ...ENV }, home: '/home/me', profiles: ['db'] });
    expect(Object.keys(project.services)).toEqual(['web', 'db']);
    expect(project.services.web!.ports).toHaveLength(4);
  });

  it('random documents', () => {
    fc.assert(fc.property(fc.oneof(tree, fc.dictionary(key, tree, { maxKeys: 4 }), fc.record({ services: fc.dictionary(key, tree, { maxKeys: 3 }) })), (doc) => {
      const problem = check(toYaml(doc));
      if (problem) throw new Error(problem);
    }), { numRuns: RUNS });
  });

  it('mutations of a valid document', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const problem = check(toYaml(mutate(VALID, mutations)));
      if (problem) throw new Error(problem);
    }), { numRuns: RUNS });
  });

  it('random text, and random edits of valid YAML text', () => {
    const text = toYaml(VALID);
    const edit = fc.record({ at: fc.nat({ max: text.length }), cut: fc.nat({ max: 8 }), insert: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\n', '  ', ': ', '- ', '&a ', '*a', '<<: *a', '!reset ', '!override ', '${', '"', '\t', '? ', '---\n', '!!binary ', '!!timestamp ', '!!set ', '!!omap ')) });
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }).map((s) => ({ raw: s })), fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => ({ edits }))), (input) => {
      let yaml = 'raw' in input ? input.raw : text;
      if ('edits' in input) for (const e of input.edits) yaml = yaml.slice(0, e.at) + e.insert + yaml.slice(e.at + e.cut);
      const problem = check(yaml);
      if (problem) throw new Error(problem);
    }), { numRuns: RUNS });
  });
});
