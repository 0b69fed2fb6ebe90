import { describe, expect, it } from 'vitest';
import { errorText, expected, fixtureDir, loadDir, loadFixture, printDir, printFixture, userError, writeTree } from '../../test/compose-fixtures.js';

describe('loadProject: fixtures against hand-written expected models', () => {
  it('merge-basic: compose.yaml + auto-loaded compose.override.yaml', () => {
    expect(printFixture('merge-basic')).toEqual(expected('merge-basic'));
  });

  it('merge-tags: !reset and !override', () => {
    expect(printFixture('merge-tags')).toEqual(expected('merge-tags'));
  });

  it('override-subdir: relative paths of an override in a subdirectory resolve from the project dir', () => {
    expect(printFixture('override-subdir', { files: ['compose.yaml', 'envs/dev.yaml'] })).toEqual(expected('override-subdir'));
  });

  it('override-subdir: the same through COMPOSE_FILE', () => {
    expect(printFixture('override-subdir', { env: { COMPOSE_FILE: 'compose.yaml:envs/dev.yaml' } })).toEqual(expected('override-subdir'));
    expect(printFixture('override-subdir', { env: { COMPOSE_FILE: 'compose.yaml;envs/dev.yaml', COMPOSE_PATH_SEPARATOR: ';' } })).toEqual(expected('override-subdir'));
  });

  it('extends: same file, chains and file:', () => {
    expect(printFixture('extends')).toEqual(expected('extends'));
  });

  it('include: string and long form, nested, own .env, conflicts', () => {
    expect(printFixture('include')).toEqual(expected('include'));
    const { warnings } = loadFixture('include');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/"cache".*local definition/);
    // "also defined here": the position is the local definition's, not the included one's.
    expect(warnings[0]!.position).toEqual({ file: fixtureDir('include') + '/compose.yaml', line: 9, column: 3 });
  });

  it('names: resource names, external resources, no default network when unused', () => {
    expect(printFixture('names')).toEqual(expected('names'));
  });

  it('names: interpolated top-level name', () => {
    const model = printFixture('names', { env: { APP: 'other' } }) as { name: string; networks: Record<string, { name: string }> };
    expect(model.name).toBe('other');
    expect(model.networks.front!.name).toBe('other_front');
    expect(model.networks.back!.name).toBe('custom-back');
  });
});

describe('include', () => {
  const load = (files: Record<string, string>, options = {}) => loadDir(writeTree(files), options);

  it('path may be a list: a file and its overrides, merged', () => {
    const { project } = load({
      'compose.yaml': 'include: [{path: [lib/base.yaml, lib/dev.yaml]}]\nservices: {web: {image: web}}',
      'lib/base.yaml': 'services: {db: {image: db, environment: {A: "1"}, ports: ["5432:5432"]}}',
      'lib/dev.yaml': 'services: {db: {environment: {B: "2"}, ports: ["5433:5432"], volumes: [./data:/data]}}',
    });
    expect(project.services.db!.environment).toEqual({ A: '1', B: '2' });
    expect(project.services.db!.ports).toHaveLength(2);
    expect(project.services.db!.volumes![0]!.source).toMatch(/\/lib\/data$/);
  });

  it('project_directory sets where relative paths and .env of the included file resolve', () => {
    const { project } = load({
      'compose.yaml': 'include: [{path: lib/compose.yaml, project_directory: work}]',
      'lib/compose.yaml': 'services: {s: {build: ., image: "img:${TAG}"}}',
      'lib/.env': 'TAG=lib\n',
      'work/.env': 'TAG=work\n',
    });
    expect(project.services.s!.build!.context).toMatch(/\/work$/);
    expect(project.services.s!.image).toBe('img:work');
  });

  it('env_file (a list) replaces the included .env; the including variables still win', () => {
    const { project } = load(
      {
        'compose.yaml': 'include: [{path: lib/compose.yaml, env_file: [lib/a.env, lib/b.env]}]',
        'lib/compose.yaml': 'services: {s: {image: "${A}-${B}-${C:-none}-${D}"}}',
        'lib/.env': 'C=dotenv\n',
        'lib/a.env': 'A=a\nB=a\n',
        'lib/b.env': 'B=b\nD=b\n',
      },
      { env: { D: 'os' } },
    );
    expect(project.services.s!.image).toBe('a-b-none-os');
  });

  it('the included .env can refer to the including project\'s variables', () => {
    const { project } = load({ 'compose.yaml': 'include: [lib/compose.yaml]', '.env': 'WHO=parent\n', 'lib/compose.yaml': 'services: {s: {image: "img:${TAG}"}}', 'lib/.env': 'TAG=${WHO}-lib\n' });
    expect(project.services.s!.image).toBe('img:parent-lib');
  });

  it('the included file\'s name:, x- extensions and project name do not leak', () => {
    const loaded = load({ 'compose.yaml': 'include: [lib/compose.yaml]\nx-mine: 1', 'lib/compose.yaml': 'name: lib\nservices: {s: {image: x}}\nvolumes: {v: {}}\nx-theirs: 2' });
    expect(loaded.project.name).not.toBe('lib');
    expect(loaded.project.extensions).toEqual({ 'x-mine': 1 });
    expect(loaded.project.volumes.v!.name).toBe(`${loaded.project.name}_v`);
  });

  it('conflicting networks and volumes warn too; the local definition wins', () => {
    const loaded = load({ 'compose.yaml': 'include: [lib/compose.yaml]\nservices: {s: {image: x}}\nvolumes: {v: {driver: mine}}', 'lib/compose.yaml': 'services: {t: {image: t}}\nvolumes: {v: {driver: theirs}}' });
    expect(loaded.project.volumes.v).toMatchObject({ driver: 'mine' });
    expect(loaded.warnings.map((w) => w.message).join('\n')).toMatch(/volume "v" from included .*lib\/compose\.yaml is also defined here/);
  });

  it('a missing included file is an error', () => {
    const error = userError(() => load({ 'compose.yaml': 'include: [nope.yaml]\nservices: {s: {image: x}}' }));
    expect(errorText(error)).toMatch(/included file not found: .*nope\.yaml/);
  });

  it('an include cycle is an error naming the files', () => {
    const error = userError(() => load({ 'compose.yaml': 'include: [a/compose.yaml]\nservices: {s: {image: x}}', 'a/compose.yaml': 'include: [../b/compose.yaml]\nservices: {a: {image: a}}', 'b/compose.yaml': 'include: [../a/compose.yaml]\nservices: {b: {image: b}}' }));
    expect(errorText(error)).toMatch(/include cycle: .*a\/compose\.yaml → .*b\/compose\.yaml → .*a\/compose\.yaml/);
  });

  it('a file including itself is a cycle', () => {
    expect(errorText(userError(() => load({ 'compose.yaml': 'include: [compose.yaml]\nservices: {s: {image: x}}' })))).toMatch(/include cycle/);
  });

  it('the same file included twice through different paths (a diamond) is not a cycle', () => {
    const loaded = load({ 'compose.yaml': 'include: [a.yaml, b.yaml]', 'a.yaml': 'include: [c.yaml]\nservices: {a: {image: a}}', 'b.yaml': 'include: [c.yaml]\nservices: {b: {image: b}}', 'c.yaml': 'services: {c: {image: c}}' });
    expect(Object.keys(loaded.project.services).sort()).toEqual(['a', 'b', 'c']);
  });

  it('an override file may include too', () => {
    const loaded = load({ 'compose.yaml': 'services: {s: {image: x}}', 'compose.override.yaml': 'include: [extra/compose.yaml]', 'extra/compose.yaml': 'services: {e: {build: .}}' });
    expect(loaded.project.services.e!.build!.context).toMatch(/\/extra$/);
  });

  it('extends inside an included file resolves from that file', () => {
    const loaded = load({ 'compose.yaml': 'include: [lib/compose.yaml]', 'lib/compose.yaml': 'services: {base: {build: ./ctx}, s: {extends: base}}' });
    expect(loaded.project.services.s!.build!.context).toMatch(/\/lib\/ctx$/);
  });

  it('included services join the default network and the project\'s profiles', () => {
    const loaded = load({ 'compose.yaml': 'include: [lib.yaml]', 'lib.yaml': 'services: {s: {image: x}, t: {image: t, profiles: [extra]}}' });
    expect(loaded.project.services.s!.networks).toEqual({ default: null });
    expect(loaded.allProfiles).toEqual(['extra']);
    expect(Object.keys(loaded.disabled)).toEqual(['t']);
  });
});

describe('default network and resource names', () => {
  const load = (files: Record<string, string>, options = {}) => loadDir(writeTree(files), options);

  it('adds <project>_default when a service has neither networks nor network_mode', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a}, b: {image: b, networks: [n]}, c: {image: c, network_mode: none}}\nnetworks: {n: {}}' });
    expect(project.networks).toEqual({ default: { name: 'app_default' }, n: { name: 'app_n' } });
    expect(project.services.a!.networks).toEqual({ default: null });
    expect(project.services.b!.networks).toEqual({ n: null });
    expect(project.services.c).not.toHaveProperty('networks');
  });

  it('a declared default network is configured, not replaced', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a}}\nnetworks: {default: {driver: bridge, name: custom}}' });
    expect(project.networks.default).toEqual({ driver: 'bridge', name: 'custom' });
    const other = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a}}\nnetworks: {default: {driver: bridge}}' }).project;
    expect(other.networks.default).toEqual({ driver: 'bridge', name: 'app_default' });
  });

  it('an external default network keeps its key', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a}}\nnetworks: {default: {external: true}}' });
    expect(project.networks.default).toEqual({ external: true, name: 'default' });
  });

  it('the deprecated external: {name} form names the resource', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a, volumes: [v:/v]}}\nvolumes: {v: {external: {name: real}}}' });
    expect(project.volumes.v).toEqual({ external: true, name: 'real' });
  });

  it('secrets and configs are named like volumes', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a}}\nsecrets: {s: {environment: S}, e: {external: true}}\nconfigs: {c: {content: hi, name: fixed}}' });
    expect(project.secrets).toEqual({ s: { environment: 'S', name: 'app_s' }, e: { external: true, name: 'e' } });
    expect(project.configs).toEqual({ c: { content: 'hi', name: 'fixed' } });
  });

  it('resource names follow -p', () => {
    const { project } = load({ 'compose.yaml': 'name: app\nservices: {a: {image: a, volumes: [v:/v]}}\nvolumes: {v: {}}' }, { projectName: 'flag' });
    expect(project.volumes.v!.name).toBe('flag_v');
    expect(project.networks.default!.name).toBe('flag_default');
  });

  it('the model records the project directory and the files, absolute', () => {
    const dir = fixtureDir('merge-basic');
    const { project } = loadDir(dir);
    expect(project.working_dir).toBe(dir.replace(/\/$/, ''));
    expect(project.compose_files.map((f) => f.slice(dir.replace(/\/$/, '').length))).toEqual(['/compose.yaml', '/compose.override.yaml']);
  });
});

describe('printDir helper', () => {
  it('relativises every absolute path under the fixture', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {build: ./b, volumes: [./v:/v]}}' });
    expect(JSON.stringify(printDir(dir))).not.toContain(dir);
  });
});

describe('service env_file', () => {
  const load = (files: Record<string, string>, options = {}) => loadDir(writeTree(files), options);

  it('reads env files in order; environment wins, even when empty; a missing optional file is skipped', () => {
    const { project } = load({
      'compose.yaml': 'services: {s: {image: x, env_file: [a.env, {path: b.env}, {path: missing.env, required: false}], environment: {C: "", D: local}}}',
      'a.env': 'A=a\nB=a\nC=a\n',
      'b.env': 'B=b\nD=b\nE=${A}-${TAG}\n',
      '.env': 'TAG=t\n',
    });
    expect(project.services.s!.environment).toEqual({ A: 'a', B: 'b', C: '', D: 'local', E: 'a-t' });
  });

  it('a missing required env file is an error', () => {
    expect(errorText(userError(() => load({ 'compose.yaml': 'services: {s: {image: x, env_file: nope.env}}' })))).toMatch(/env file not found: .*nope\.env/);
  });
});

describe('sources (what the watch stage reloads on)', () => {
  it('lists compose files, extends and include targets, env files and the default .env even before it exists', () => {
    const root = writeTree({
      'compose.yaml': 'include: [inc/more.yaml]\nservices:\n  web:\n    extends: {file: base.yaml, service: base}\n    env_file: [web.env]\n',
      'base.yaml': 'services:\n  base:\n    image: busybox\n',
      'inc/more.yaml': 'services:\n  other:\n    image: busybox\n',
      'web.env': 'A=1\n',
    });
    const { sources } = loadDir(root);
    expect(sources.sort()).toEqual(['.env', 'base.yaml', 'compose.yaml', 'inc/more.yaml', 'web.env'].map((f) => `${root}/${f}`).sort());
  });
});
