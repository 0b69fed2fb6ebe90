import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorText, loadDir, userError, writeTree } from '../../test/compose-fixtures.js';
import type { Service } from './model.js';

function services(files: Record<string, string>, options = {}): Record<string, Service> {
  return loadDir(writeTree(files), options).project.services;
}

describe('extends', () => {
  it('the string form names a service of the same file', () => {
    const s = services({ 'compose.yaml': 'services: {base: {image: b, user: root}, s: {extends: base, user: app}}' });
    expect(s.s).toMatchObject({ image: 'b', user: 'app' });
    expect(s.s).not.toHaveProperty('extends');
  });

  it('local mappings win key by key; sequences merge; command/entrypoint are replaced', () => {
    const s = services({
      'compose.yaml': `
services:
  base:
    image: b
    environment: {A: "1", B: "2"}
    labels: {l: base}
    volumes: ["/data", "/cache"]
    dns: [1.1.1.1]
    command: [base]
    entrypoint: [/base]
    healthcheck: {test: [CMD, base], interval: 3s}
  s:
    extends: base
    environment: [B=3, C=4]
    volumes: [{type: tmpfs, target: /cache}]
    dns: [8.8.8.8]
    command: local
    healthcheck: {test: [CMD, local]}
`,
    }).s!;
    expect(s.environment).toEqual({ A: '1', B: '3', C: '4' });
    expect(s.labels).toEqual({ l: 'base' });
    expect(s.volumes).toEqual([{ type: 'volume', target: '/data' }, { type: 'tmpfs', target: '/cache' }]);
    expect(s.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(s.command).toEqual(['local']);
    expect(s.entrypoint).toEqual(['/base']);
    expect(s.healthcheck).toEqual({ test: ['CMD', 'local'], interval: '3s' });
  });

  it('chains resolve in any order of definition', () => {
    const s = services({ 'compose.yaml': 'services: {c: {extends: b, environment: {C: "c"}}, b: {extends: a, environment: {B: "b"}}, a: {image: a, environment: {A: "a"}}}' });
    expect(s.c).toMatchObject({ image: 'a', environment: { A: 'a', B: 'b', C: 'c' } });
    expect(s.b).toMatchObject({ image: 'a', environment: { A: 'a', B: 'b' } });
  });

  it('file: paths of the base resolve from the base file\'s directory, the local ones from the project', () => {
    const root = writeTree({
      'app/compose.yaml': 'services: {s: {extends: {file: ../shared/base.yaml, service: base}, volumes: ["./local:/local"]}}',
      'shared/base.yaml': 'services: {base: {build: {context: ./ctx, additional_contexts: {more: ./more}}, env_file: [base.env], volumes: ["./data:/data"], develop: {watch: [{path: ./src, action: rebuild}]}}}',
      'shared/base.env': 'FROM=base\n',
    });
    const s = loadDir(join(root, 'app')).project.services.s!;
    expect(s.build).toMatchObject({ context: join(root, 'shared/ctx'), additional_contexts: { more: join(root, 'shared/more') } });
    expect(s.env_file).toEqual([{ path: join(root, 'shared/base.env'), required: true }]);
    expect(s.environment).toEqual({ FROM: 'base' });
    expect(s.volumes!.map((v) => v.source)).toEqual([join(root, 'shared/data'), join(root, 'app/local')]);
    expect(s.develop!.watch![0]!.path).toBe(join(root, 'shared/src'));
  });

  it('file: chains across files, each relative to its own file', () => {
    const root = writeTree({
      'compose.yaml': 'services: {s: {extends: {file: a/one.yaml, service: one}}}',
      'a/one.yaml': 'services: {one: {extends: {file: ../b/two.yaml, service: two}, environment: {ONE: "1"}}}',
      'b/two.yaml': 'services: {two: {build: ., environment: {TWO: "2"}}}',
    });
    const s = loadDir(root).project.services.s!;
    expect(s.build!.context).toBe(join(root, 'b'));
    expect(s.environment).toEqual({ ONE: '1', TWO: '2' });
  });

  it('the base file is interpolated with the project\'s variables', () => {
    const s = services({ 'compose.yaml': 'services: {s: {extends: {file: base.yaml, service: b}}}', 'base.yaml': 'services: {b: {image: "img:${TAG}"}}', '.env': 'TAG=9\n' }).s!;
    expect(s.image).toBe('img:9');
  });

  it('!reset and !override in the extending service apply to what it inherits', () => {
    const s = services({ 'compose.yaml': 'services:\n  base: {image: b, ports: ["80:80"], environment: {A: "1", B: "2"}}\n  s:\n    extends: base\n    ports: !reset []\n    environment: !override\n      C: "3"\n' }).s!;
    expect(s).not.toHaveProperty('ports');
    expect(s.environment).toEqual({ C: '3' });
  });

  it('extends works in an override file, against that file\'s services', () => {
    const s = services({ 'compose.yaml': 'services: {s: {image: x}}', 'compose.override.yaml': 'services: {t: {image: t, user: u}, s: {extends: t}}' });
    expect(s.s).toMatchObject({ image: 't', user: 'u' });
  });

  it('a cycle is an error naming the cycle', () => {
    const error = userError(() => services({ 'compose.yaml': 'services: {a: {image: x, extends: b}, b: {extends: c}, c: {extends: a}}' }));
    expect(errorText(error)).toMatch(/extends cycle: a → b → c → a/);
    expect(error.diagnostics.filter((d) => /cycle/.test(d.message))).toHaveLength(1);
    expect(error.diagnostics[0]!.position).toMatchObject({ line: 1 });
  });

  it('a service extending itself is a cycle', () => {
    expect(errorText(userError(() => services({ 'compose.yaml': 'services: {a: {image: x, extends: a}}' })))).toMatch(/extends cycle: a → a/);
  });

  it('a cycle across files is an error', () => {
    const error = userError(() => services({ 'compose.yaml': 'services: {s: {image: x, extends: {file: other.yaml, service: o}}}', 'other.yaml': 'services: {o: {image: y, extends: {file: compose.yaml, service: s}}}' }));
    expect(errorText(error)).toMatch(/extends cycle: s → o → s/);
  });

  it('a missing base service is an error with its location', () => {
    const error = userError(() => services({ 'compose.yaml': 'services:\n  s:\n    image: x\n    extends: nope\n' }));
    expect(errorText(error)).toMatch(/services\.s\.extends: extends: service "nope" is not defined in this file/);
    expect(error.diagnostics[0]!.position).toMatchObject({ line: 4 });
  });

  it('a missing service in another file, and a missing file, are errors', () => {
    expect(errorText(userError(() => services({ 'compose.yaml': 'services: {s: {extends: {file: other.yaml, service: nope}}}', 'other.yaml': 'services: {o: {image: y}}' })))).toMatch(/service "nope" not found in other\.yaml/);
    expect(errorText(userError(() => services({ 'compose.yaml': 'services: {s: {extends: {file: missing.yaml, service: o}}}' })))).toMatch(/missing\.yaml/);
  });

  it('extending a service disabled by profiles still works; profiles are inherited', () => {
    const loaded = loadDir(writeTree({ 'compose.yaml': 'services: {base: {image: b, profiles: [never]}, s: {extends: base, profiles: !override [on]}, t: {extends: base}}' }), { profiles: ['on'] });
    expect(Object.keys(loaded.project.services)).toEqual(['s']);
    expect(loaded.project.services.s!.profiles).toEqual(['on']);
    expect(loaded.disabled.t!.profiles).toEqual(['never']);
  });
});
