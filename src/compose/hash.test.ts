import { describe, expect, it } from 'vitest';
import { loadDir, writeTree } from '../../test/compose-fixtures.js';
import { canonicalJson, serviceConfigHash } from './hash.js';
import type { Service } from './model.js';

/** The hash of service `s` in a compose file (a YAML string). */
function hashOf(yaml: string, options = {}): string {
  const loaded = loadDir(writeTree({ 'compose.yaml': yaml }), options);
  const s = loaded.project.services.s ?? loaded.disabled.s;
  return serviceConfigHash(s!);
}

const base = `
services:
  s:
    image: app:1
    command: [run]
    environment: {A: "1", B: "2"}
    ports: ["8080:80"]
    volumes: [data:/data]
    labels: {l: v}
  dep: {image: dep}
volumes: {data: {}}
`;

describe('serviceConfigHash', () => {
  it('is a sha256 hex digest, stable across loads', () => {
    expect(hashOf(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(base)).toBe(hashOf(base));
  });

  it('does not depend on key order, nor on short vs long form', () => {
    const reordered = `
volumes: {data: {}}
services:
  dep: {image: dep}
  s:
    labels: [l=v]
    volumes: [{type: volume, source: data, target: /data}]
    ports: [{target: 80, published: "8080"}]
    environment: [B=2, A=1]
    command: run
    image: app:1
`;
    expect(hashOf(reordered)).toBe(hashOf(base));
  });

  it('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: { y: 1, x: [{ d: 1, c: 2 }] }, a: undefined, c: null })).toBe('{"b":{"x":[{"c":2,"d":1}],"y":1},"c":null}');
  });

  it.each([
    ['image', base.replace('app:1', 'app:2')],
    ['environment value', base.replace('A: "1"', 'A: "9"')],
    ['environment key', base.replace('B: "2"', 'C: "2"')],
    ['ports', base.replace('8080:80', '8081:80')],
    ['command', base.replace('[run]', '[run, --x]')],
    ['volumes', base.replace('data:/data', 'data:/other')],
    ['labels', base.replace('l: v', 'l: w')],
    ['a new attribute', base.replace('image: app:1', 'image: app:1\n    user: nobody')],
    ['deploy.resources', base.replace('image: app:1', 'image: app:1\n    deploy: {resources: {limits: {memory: 1g}}}')],
    ['healthcheck', base.replace('image: app:1', 'image: app:1\n    healthcheck: {test: [CMD, ok]}')],
    ['networks', base.replace('image: app:1', 'image: app:1\n    networks: [n]') + 'networks: {n: {}}\n'],
  ])('changes with %s', (_what, changed) => {
    expect(hashOf(changed)).not.toBe(hashOf(base));
  });

  it.each([
    ['build', base.replace('image: app:1', 'image: app:1\n    build: ./ctx')],
    ['pull_policy', base.replace('image: app:1', 'image: app:1\n    pull_policy: always')],
    ['scale', base.replace('image: app:1', 'image: app:1\n    scale: 3')],
    ['deploy.replicas (added)', base.replace('image: app:1', 'image: app:1\n    deploy: {replicas: 3}')],
    ['depends_on', base.replace('image: app:1', 'image: app:1\n    depends_on: [dep]')],
    ['profiles', base.replace('image: app:1', 'image: app:1\n    profiles: [extra]')],
    ['develop', base.replace('image: app:1', 'image: app:1\n    develop: {watch: [{path: ./src, action: rebuild}]}')],
    ['x- extensions', base.replace('image: app:1', 'image: app:1\n    x-note: hello')],
    ['x-devspace', base.replace('image: app:1', 'image: app:1\n    x-devspace: {}')],
    ['top-level x- extensions', base + 'x-top: 1\n'],
    ['other services', base.replace('dep: {image: dep}', 'dep: {image: dep2}')],
    ['extends (only what it brings)', base.replace('  dep: {image: dep}', '  dep: {image: dep}\n  t: {extends: s}')],
  ])('does not change with %s', (_what, changed) => {
    expect(hashOf(changed, { profiles: ['extra'] })).toBe(hashOf(base));
  });

  it('deploy.replicas changing does not change it, other deploy settings do', () => {
    const withDeploy = (deploy: string) => hashOf(base.replace('image: app:1', `image: app:1\n    deploy: ${deploy}`));
    expect(withDeploy('{replicas: 2, resources: {limits: {cpus: "1"}}}')).toBe(withDeploy('{replicas: 5, resources: {limits: {cpus: "1"}}}'));
    expect(withDeploy('{replicas: 2, resources: {limits: {cpus: "1"}}}')).not.toBe(withDeploy('{replicas: 2, resources: {limits: {cpus: "2"}}}'));
  });

  it('is the same for the same service reached through an override file or extends', () => {
    const split = loadDir(writeTree({ 'compose.yaml': 'services: {s: {image: app:1, environment: {A: "1"}}}', 'compose.override.yaml': 'services: {s: {environment: {B: "2"}}}' })).project.services.s!;
    const whole = loadDir(writeTree({ 'compose.yaml': 'services: {s: {image: app:1, environment: {B: "2", A: "1"}}}' })).project.services.s!;
    const extended = loadDir(writeTree({ 'compose.yaml': 'services: {b: {image: app:1, environment: {A: "1"}}, s: {extends: b, environment: {B: "2"}}}' })).project.services.s!;
    expect(serviceConfigHash(split)).toBe(serviceConfigHash(whole));
    expect(serviceConfigHash(extended)).toBe(serviceConfigHash(whole));
  });

  it('does not modify the service', () => {
    const s: Service = { image: 'x', deploy: { replicas: 2, mode: 'replicated' }, build: { context: '/c' } };
    const copy = structuredClone(s);
    serviceConfigHash(s);
    expect(s).toEqual(copy);
  });
});
