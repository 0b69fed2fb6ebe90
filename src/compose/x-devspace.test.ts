import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, type Diagnostic } from '../errors.js';
import { loadProject } from './load-project.js';
import type { LoadedProject } from './model.js';
import { projectSettingsSchema, serviceSettingsSchema } from './x-devspace.js';

function load(yaml: string): { loaded?: LoadedProject; diagnostics: Diagnostic[]; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'devspace-x-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, yaml);
  try {
    return { loaded: loadProject({ cwd: dir, env: {}, home: '/home/me' }), diagnostics: [], file };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { diagnostics: error.diagnostics, file };
  }
}

const service = (block: string) => `services:\n  web:\n    image: x\n    x-devspace:\n${block.replace(/^/gm, '      ')}\n`;

describe('per-service x-devspace', () => {
  it('a full valid block is accepted and kept on the service', () => {
    const { loaded, diagnostics } = load(service(`service: {type: LoadBalancer, node_port: "30080"}
ingress: {host: web.local, path: /, class: nginx, tls_secret: web-tls}
autoscale: {min: 1, max: 5, cpu: "70"}
workload: statefulset
storage: {size: 1Gi, class: fast}
probes:
  readiness: {http: {path: /healthz, port: 8080}}
  liveness: {tcp: {port: 8080}}
mounts: {./src: emptyDir, ./conf: configMap, ./cache: omit}
secret_environment: [API_KEY]
wait_for_dependencies: "false"
registry: registry.local
watch: true
x-other-tool: anything`));
    expect(diagnostics).toEqual([]);
    expect(loaded!.project.services.web!['x-devspace' as keyof object]).toMatchObject({
      service: { type: 'LoadBalancer', node_port: 30080 },
      autoscale: { min: 1, max: 5, cpu: 70 },
      wait_for_dependencies: false,
      probes: { readiness: { http: { path: '/healthz', port: 8080 } }, liveness: { tcp: { port: 8080 } } },
    });
  });

  it('unknown keys → error at the key with did-you-mean', () => {
    const { diagnostics, file } = load(service('ingres: {host: a}\nautoscale: {max: 2, cpu: 50, mni: 1}'));
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics).toEqual(expect.arrayContaining([
      { message: 'unknown key "ingres"', path: 'services.web.x-devspace', position: { file, line: 5, column: 7 }, hint: 'Did you mean "ingress"?' },
      { message: 'unknown key "mni"', path: 'services.web.x-devspace.autoscale', position: { file, line: 6, column: 36 }, hint: 'Did you mean "min"?' },
    ]));
  });

  it.each([0, 101, -5])('autoscale cpu %d is out of 1..100', (cpu) => {
    const { diagnostics, file } = load(service(`autoscale: {max: 2, cpu: ${cpu}}`));
    expect(diagnostics).toEqual([{ message: `expected a CPU utilisation target between 1 and 100 (percent), got number ${cpu}`, path: 'services.web.x-devspace.autoscale.cpu', position: { file, line: 5, column: 32 } }]);
  });

  it('autoscale cpu 1 and 100 are accepted', () => {
    expect(serviceSettingsSchema.safeParse({ autoscale: { max: 2, cpu: 1 } }).success).toBe(true);
    expect(serviceSettingsSchema.safeParse({ autoscale: { max: 2, cpu: 100 } }).success).toBe(true);
  });

  it('autoscale max is required', () => {
    const { diagnostics } = load(service('autoscale: {cpu: 50}'));
    expect(diagnostics).toMatchObject([{ message: 'missing required key "max"', path: 'services.web.x-devspace.autoscale.max' }]);
  });

  it('bad enum values suggest the closest one', () => {
    const { diagnostics } = load(service('workload: statefullset\nservice: {type: Loadbalancer}'));
    expect(diagnostics.map((d) => d.hint)).toEqual(expect.arrayContaining(['Did you mean "statefulset"?', 'Did you mean "LoadBalancer"?']));
  });

  it('a mount kind must be omit, emptyDir or configMap', () => {
    expect(serviceSettingsSchema.safeParse({ mounts: { './x': 'hostPath' } }).success).toBe(false);
  });

  it('x-devspace errors are reported with schema errors of other services', () => {
    const { diagnostics } = load('services:\n  web:\n    image: x\n    x-devspace: {autoscale: {max: 1, cpu: 500}}\n  db:\n    image: y\n    x-devspace: {wrkload: deployment}\n');
    expect(diagnostics.map((d) => d.path)).toEqual(['services.web.x-devspace.autoscale.cpu', 'services.db.x-devspace']);
  });
});

describe('top-level x-devspace', () => {
  it('a valid block is accepted and kept in the extensions', () => {
    const { loaded, diagnostics } = load(`services:\n  web: {image: x}\nx-devspace:
  registry: registry.local:5000
  tag: dev
  build: {parallel: "4"}
  kubernetes: {context: kind, namespace: demo, timeout: "2.5"}
  environments:
    prod:
      registry: ghcr.io/me
      namespace: prod
      services:
        web: {replicas: 3, image: ghcr.io/me/web, resources: {limits: {cpus: 500m, memory: 512Mi}}, autoscale: {max: 9, cpu: 60}, ingress: {host: web.example.com}}
`);
    expect(diagnostics).toEqual([]);
    expect(loaded!.project.extensions['x-devspace']).toMatchObject({ build: { parallel: 4 }, kubernetes: { timeout: 2.5 }, environments: { prod: { services: { web: { replicas: 3 } } } } });
  });

  it('unknown keys, bad values and out-of-range numbers', () => {
    const { diagnostics, file } = load('services:\n  web: {image: x}\nx-devspace:\n  registy: r\n  build: {parallel: 0}\n  environments:\n    prod:\n      services:\n        web: {resources: {limits: {cpus: lots}}, autoscale: {max: 2, cpu: 101}}\n');
    expect(diagnostics).toEqual(expect.arrayContaining([
      { message: 'unknown key "registy"', path: 'x-devspace', position: { file, line: 4, column: 3 }, hint: 'Did you mean "registry"?' },
      { message: 'expected at least 1, got number 0', path: 'x-devspace.build.parallel', position: { file, line: 5, column: 21 } },
      expect.objectContaining({ path: 'x-devspace.environments.prod.services.web.resources.limits.cpus', message: expect.stringMatching(/quantity/) }),
      expect.objectContaining({ path: 'x-devspace.environments.prod.services.web.autoscale.cpu' }),
    ]));
    expect(diagnostics).toHaveLength(4);
  });

  it('namespaces must be Kubernetes names, and an environment overlays only services of the project', () => {
    const bad = load('services:\n  web: {image: x}\nx-devspace:\n  kubernetes: {namespace: My_NS}\n  environments:\n    prod: {namespace: -prod}\n');
    expect(bad.diagnostics.map((d) => [d.path, d.position?.line])).toEqual([
      ['x-devspace.kubernetes.namespace', 4],
      ['x-devspace.environments.prod.namespace', 6],
    ]);
    expect(bad.diagnostics[0]!.message).toMatch(/expected a Kubernetes namespace/);

    const { diagnostics, file } = load('services:\n  web: {image: x}\n  db: {image: y, profiles: [extra]}\nx-devspace:\n  environments:\n    prod:\n      services:\n        db: {replicas: 2}\n        wbe: {replicas: 3}\n');
    expect(diagnostics).toEqual([
      { message: 'environment "prod" overlays "wbe", which is not a service of this project', path: 'x-devspace.environments.prod.services.wbe', position: { file, line: 9, column: 9 }, hint: 'Did you mean "web"?' },
    ]);
  });

  it('other x-* blocks are left alone', () => {
    const { loaded } = load('services:\n  web: {image: x}\nx-other: {anything: [1, 2]}\n');
    expect(loaded!.project.extensions['x-other']).toEqual({ anything: [1, 2] });
  });

  it('quantities', () => {
    for (const cpus of ['250m', '0.5', 1, '2']) expect(projectSettingsSchema.safeParse({ environments: { e: { services: { s: { resources: { limits: { cpus } } } } } } }).success).toBe(true);
    for (const memory of ['512Mi', '1g', '1Gi', '100']) expect(projectSettingsSchema.safeParse({ environments: { e: { services: { s: { resources: { limits: { memory } } } } } } }).success).toBe(true);
    for (const memory of ['lots', '-1', '1 g']) expect(projectSettingsSchema.safeParse({ environments: { e: { services: { s: { resources: { limits: { memory } } } } } } }).success).toBe(false);
  });
});
