import { describe, expect, it } from 'vitest';
import type { Project, Service } from './model.js';
import { Problems } from './problems.js';
import { validateProject } from './validate-project.js';

function project(services: Record<string, Service>, extra: Partial<Project> = {}): Project {
  return { name: 'p', working_dir: '/p', compose_files: [], services, networks: { default: { name: 'p_default' } }, volumes: {}, secrets: {}, configs: {}, extensions: {}, ...extra };
}

function check(p: Project, disabled: Record<string, Service> = {}): Problems {
  const problems = new Problems();
  validateProject(p, disabled, problems);
  return problems;
}

const dep = (required = true) => ({ condition: 'service_started' as const, required, restart: false });

describe('validateProject', () => {
  it('a consistent project has no problems', () => {
    const p = project({
      web: { image: 'w', depends_on: { db: dep() }, networks: { default: null }, volumes: [{ type: 'volume', source: 'data', target: '/d' }], secrets: [{ source: 's' }] },
      db: { build: { context: '/p' }, network_mode: 'service:web' },
    }, { volumes: { data: { name: 'p_data' } }, secrets: { s: { name: 'p_s' } } });
    const problems = check(p);
    expect(problems.errors).toEqual([]);
    expect(problems.warnings).toEqual([]);
  });

  it('a service needs an image or a build', () => {
    expect(check(project({ web: {} })).errors).toEqual([{ message: 'service "web" has neither an image nor a build context', path: 'services.web', hint: 'Add image: or build:.' }]);
  });

  it('a dependency on a service disabled by profiles is an error naming the profile', () => {
    const problems = check(project({ web: { image: 'w', depends_on: { db: dep() } } }), { db: { image: 'd', profiles: ['debug'] } });
    expect(problems.errors).toEqual([{ message: 'service "web" depends on "db", which is disabled by its profiles (debug)', path: 'services.web.depends_on.db', hint: 'Enable it with --profile debug or COMPOSE_PROFILES=debug.' }]);
  });

  it('an optional dependency on a disabled or missing service is dropped with a warning', () => {
    const web: Service = { image: 'w', depends_on: { db: dep(false), cache: dep(false) } };
    const problems = check(project({ web }), { db: { image: 'd', profiles: ['x'] } });
    expect(problems.errors).toEqual([]);
    expect(web.depends_on).toEqual({});
    expect(problems.warnings.map((w) => w.message)).toEqual(['optional dependency "db" is disabled by profiles and is ignored', 'optional dependency "cache" is not defined and is ignored']);
  });

  it('network_mode and networks together', () => {
    expect(check(project({ web: { image: 'w', network_mode: 'bridge', networks: { other: null } } }, { networks: { default: { name: 'd' }, other: { name: 'o' } } })).errors.map((e) => e.message)).toEqual(['"network_mode" and "networks" cannot be used together']);
    expect(check(project({ web: { image: 'w', network_mode: 'bridge', networks: { default: null } } })).errors).toEqual([]);
  });

  it('volumes_from container: is not a service reference; an anonymous volume needs no declaration', () => {
    expect(check(project({ web: { image: 'w', volumes_from: ['container:abc'], volumes: [{ type: 'volume', target: '/anon' }, { type: 'bind', source: '/x', target: '/x' }] } })).errors).toEqual([]);
  });

  it('undefined volume without a close match suggests a bind mount', () => {
    expect(check(project({ web: { image: 'w', volumes: [{ type: 'volume', source: 'zzz', target: '/z' }] } })).errors[0]!.hint).toBe('Declare it under the top-level volumes:, or write ./zzz for a bind mount.');
  });

  it('replicas vs scale and container_name', () => {
    expect(check(project({ web: { image: 'w', scale: 2, deploy: { replicas: 2 } } })).errors).toEqual([]);
    expect(check(project({ web: { image: 'w', scale: 1, deploy: { replicas: 2 } } })).errors.map((e) => e.path)).toEqual(['services.web.scale']);
    expect(check(project({ web: { image: 'w', container_name: 'c', scale: 3 } })).errors.map((e) => e.message)).toEqual(['service "web" sets container_name, so it cannot run 3 replicas']);
    expect(check(project({ web: { image: 'w', container_name: 'c', deploy: { replicas: 1 } } })).errors).toEqual([]);
  });

  it('each dependency cycle is reported once, also through links', () => {
    const problems = check(project({
      a: { image: 'x', depends_on: { b: dep() } },
      b: { image: 'x', links: ['a:alias'] },
      c: { image: 'x', depends_on: { a: dep() } },
    }));
    expect(problems.errors.map((e) => e.message)).toEqual(['dependency cycle: a → b → a']);
  });

  it('diamond dependencies are not cycles', () => {
    expect(check(project({
      a: { image: 'x', depends_on: { b: dep(), c: dep() } },
      b: { image: 'x', depends_on: { d: dep() } },
      c: { image: 'x', depends_on: { d: dep() } },
      d: { image: 'x' },
    })).errors).toEqual([]);
  });

  it('all problems of all services are collected', () => {
    const problems = check(project({
      a: { image: 'x', depends_on: { nope: dep() }, networks: { nonet: null } },
      b: { secrets: [{ source: 'nosecret' }], configs: [{ source: 'noconfig' }] },
    }));
    expect(problems.errors.map((e) => e.path)).toEqual([
      'services.a.depends_on.nope', 'services.a.networks.nonet', 'services.b', 'services.b.secrets[0]', 'services.b.configs[0]',
    ]);
    expect(() => problems.throwIfAny()).toThrow('the compose file has 5 problems');
  });
});
