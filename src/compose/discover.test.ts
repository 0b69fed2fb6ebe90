import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorText, loadDir, userError, writeTree } from '../../test/compose-fixtures.js';
import { directoryProjectName, discoverFiles, normaliseProjectName, readEnvFiles } from './discover.js';

const svc = (image = 'x') => `services: {s: {image: ${image}}}\n`;

describe('compose file discovery', () => {
  it('prefers compose.yaml, then compose.yml, docker-compose.yaml, docker-compose.yml', () => {
    const dir = writeTree({ 'docker-compose.yml': svc(), 'docker-compose.yaml': svc(), 'compose.yml': svc() });
    const found = discoverFiles(dir, {}, []);
    expect(found.files).toEqual([join(dir, 'compose.yml')]);
    expect(found.warnings.join('\n')).toMatch(/compose\.yml and docker-compose\.yaml and docker-compose\.yml/);
    expect(discoverFiles(writeTree({ 'docker-compose.yml': svc() }), {}, []).warnings).toEqual([]);
  });

  it('searches parent directories; the project directory is the file\'s', () => {
    const dir = writeTree({ 'compose.yaml': svc(), 'a/b/readme': '' });
    const found = discoverFiles(join(dir, 'a/b'), {}, []);
    expect(found).toMatchObject({ files: [join(dir, 'compose.yaml')], projectDir: dir });
  });

  it('auto-loads the override file only without -f or COMPOSE_FILE', () => {
    const dir = writeTree({ 'compose.yaml': svc(), 'compose.override.yaml': svc('y'), 'docker-compose.override.yml': svc('z') });
    expect(discoverFiles(dir, {}, []).files).toEqual([join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
    expect(discoverFiles(dir, {}, ['compose.yaml']).files).toEqual([join(dir, 'compose.yaml')]);
    expect(discoverFiles(dir, { COMPOSE_FILE: 'compose.yaml' }, []).files).toEqual([join(dir, 'compose.yaml')]);
    expect(loadDir(dir).project.services.s!.image).toBe('y');
    expect(loadDir(dir, { files: ['compose.yaml'] }).project.services.s!.image).toBe('x');
  });

  it('the override next to a file found in a parent directory is loaded too', () => {
    const dir = writeTree({ 'docker-compose.yml': svc(), 'docker-compose.override.yml': svc('y'), 'sub/x': '' });
    expect(loadDir(dir, { in: 'sub' }).project.services.s!.image).toBe('y');
  });

  it('-f is repeatable and relative to the working directory; the project directory is the first file\'s', () => {
    const dir = writeTree({ 'a/one.yaml': svc(), 'b/two.yaml': svc('y') });
    const found = discoverFiles(dir, {}, ['a/one.yaml', 'b/two.yaml']);
    expect(found).toMatchObject({ files: [join(dir, 'a/one.yaml'), join(dir, 'b/two.yaml')], projectDir: join(dir, 'a') });
  });

  it('-f wins over COMPOSE_FILE', () => {
    const dir = writeTree({ 'one.yaml': svc(), 'two.yaml': svc('y') });
    expect(discoverFiles(dir, { COMPOSE_FILE: 'two.yaml' }, ['one.yaml']).files).toEqual([join(dir, 'one.yaml')]);
  });

  it('COMPOSE_FILE splits on ":" or COMPOSE_PATH_SEPARATOR', () => {
    const dir = writeTree({ 'one.yaml': svc(), 'two.yaml': svc('y') });
    expect(discoverFiles(dir, { COMPOSE_FILE: 'one.yaml:two.yaml' }, []).files).toEqual([join(dir, 'one.yaml'), join(dir, 'two.yaml')]);
    expect(discoverFiles(dir, { COMPOSE_FILE: 'one.yaml,two.yaml', COMPOSE_PATH_SEPARATOR: ',' }, []).files).toEqual([join(dir, 'one.yaml'), join(dir, 'two.yaml')]);
    expect(loadDir(dir, { env: { COMPOSE_FILE: 'one.yaml:two.yaml' } }).project.services.s!.image).toBe('y');
  });

  it('--project-directory sets the project directory and where the default file is looked for', () => {
    const dir = writeTree({ 'app/compose.yaml': svc(), 'elsewhere/x': '' });
    const found = discoverFiles(join(dir, 'elsewhere'), {}, [], '../app');
    expect(found).toEqual({ files: [join(dir, 'app/compose.yaml')], projectDir: join(dir, 'app'), warnings: [] });
    const withFile = discoverFiles(dir, {}, ['app/compose.yaml'], 'elsewhere');
    expect(withFile.projectDir).toBe(join(dir, 'elsewhere'));
  });

  it('relative paths resolve from --project-directory', () => {
    const dir = writeTree({ 'files/compose.yaml': 'services: {s: {build: ./ctx}}', 'proj/x': '' });
    const { project } = loadDir(dir, { files: ['files/compose.yaml'], projectDirectory: 'proj' });
    expect(project.services.s!.build!.context).toBe(join(dir, 'proj/ctx'));
    expect(project.name).toBe('proj');
  });

  it('no compose file is a UserError naming what to do', () => {
    const dir = writeTree({ 'readme.md': '' });
    const error = userError(() => loadDir(dir));
    expect(error.message).toMatch(/no compose file found/);
    expect(errorText(error)).toMatch(/-f/);
  });

  it('a missing -f file or COMPOSE_FILE entry is a UserError', () => {
    const dir = writeTree({ 'compose.yaml': svc() });
    expect(userError(() => loadDir(dir, { files: ['nope.yaml'] })).message).toMatch(/compose file not found: .*nope\.yaml/);
    expect(userError(() => loadDir(dir, { env: { COMPOSE_FILE: 'compose.yaml:nope.yaml' } })).message).toMatch(/nope\.yaml/);
  });
});

describe('project name', () => {
  it('normalises a directory name: lowercase, only [a-z0-9_-], no leading "_" or "-"', () => {
    expect(normaliseProjectName('My App.v2')).toBe('myappv2');
    expect(normaliseProjectName('__-Web_Site-')).toBe('web_site-');
    expect(normaliseProjectName('Ünïcode')).toBe('ncode');
    expect(directoryProjectName('/tmp/Foo_Bar')).toBe('foo_bar');
  });

  it('defaults to the normalised project directory name', () => {
    const dir = writeTree({ 'My.Project/compose.yaml': svc() });
    expect(loadDir(join(dir, 'My.Project')).project.name).toBe('myproject');
  });

  it('precedence: -p > COMPOSE_PROJECT_NAME > name: > directory', () => {
    const dir = writeTree({ 'app/compose.yaml': 'name: from-file\n' + svc() });
    const app = join(dir, 'app');
    expect(loadDir(app, { projectName: 'from-flag', env: { COMPOSE_PROJECT_NAME: 'from-env' } }).project.name).toBe('from-flag');
    expect(loadDir(app, { env: { COMPOSE_PROJECT_NAME: 'from-env' } }).project.name).toBe('from-env');
    expect(loadDir(app).project.name).toBe('from-file');
    const plain = writeTree({ 'app/compose.yaml': svc() });
    expect(loadDir(join(plain, 'app')).project.name).toBe('app');
  });

  it('COMPOSE_PROJECT_NAME may come from .env; the OS environment wins', () => {
    const dir = writeTree({ 'compose.yaml': 'name: from-file\n' + svc(), '.env': 'COMPOSE_PROJECT_NAME=from-dotenv\n' });
    expect(loadDir(dir).project.name).toBe('from-dotenv');
    expect(loadDir(dir, { env: { COMPOSE_PROJECT_NAME: 'from-os' } }).project.name).toBe('from-os');
  });

  it('the last -f file with a name: wins', () => {
    const dir = writeTree({ 'a.yaml': 'name: first\n' + svc(), 'b.yaml': 'name: second\n', 'c.yaml': svc('y') });
    expect(loadDir(dir, { files: ['a.yaml', 'b.yaml', 'c.yaml'] }).project.name).toBe('second');
  });

  it('an empty COMPOSE_PROJECT_NAME is ignored', () => {
    const dir = writeTree({ 'compose.yaml': 'name: from-file\n' + svc() });
    expect(loadDir(dir, { env: { COMPOSE_PROJECT_NAME: '' } }).project.name).toBe('from-file');
  });

  it.each([
    ['-p', { projectName: 'Bad Name' }],
    ['COMPOSE_PROJECT_NAME', { env: { COMPOSE_PROJECT_NAME: '_bad' } }],
  ])('an invalid explicit name from %s is an error (not normalised)', (source, options) => {
    const dir = writeTree({ 'compose.yaml': svc() });
    const error = userError(() => loadDir(dir, options));
    expect(error.message).toContain(source);
    expect(error.message).toMatch(/invalid project name/);
  });

  it('an invalid name: is an error pointing at the file', () => {
    const dir = writeTree({ 'compose.yaml': 'name: My-App\n' + svc() });
    const error = userError(() => loadDir(dir));
    expect(errorText(error)).toMatch(/invalid project name "My-App"/);
    expect(error.diagnostics[0]!.position).toMatchObject({ file: join(dir, 'compose.yaml'), line: 1 });
  });

  it('a directory name that normalises to nothing is an error', () => {
    const dir = writeTree({ '___/compose.yaml': svc() });
    expect(userError(() => loadDir(join(dir, '___'))).message).toMatch(/cannot derive a project name/);
    expect(loadDir(join(dir, '___'), { projectName: 'ok' }).project.name).toBe('ok');
  });

  it('COMPOSE_PROJECT_NAME is available to interpolation, with the final name', () => {
    const file = 'services: {s: {image: x, container_name: "${COMPOSE_PROJECT_NAME}-s"}}\n';
    const dir = writeTree({ 'proj/compose.yaml': file, 'named/compose.yaml': 'name: fromfile\n' + file });
    const name = (sub: string, options = {}) => loadDir(join(dir, sub), options).project.services.s!.container_name;
    expect(name('proj')).toBe('proj-s');
    expect(name('proj', { env: { COMPOSE_PROJECT_NAME: 'env' } })).toBe('env-s');
    expect(name('proj', { projectName: 'flag' })).toBe('flag-s');
    expect(name('proj', { projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'env' } })).toBe('flag-s');
    expect(name('named')).toBe('fromfile-s');
  });
});

describe('.env and --env-file', () => {
  it('.env in the project directory feeds interpolation; the OS environment wins', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "${IMG}:${TAG}"}}', '.env': 'IMG=from-dotenv\nTAG=1\n' });
    expect(loadDir(dir).project.services.s!.image).toBe('from-dotenv:1');
    expect(loadDir(dir, { env: { TAG: '2' } }).project.services.s!.image).toBe('from-dotenv:2');
  });

  it('.env is read from the project directory, not the working directory', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "${IMG}"}}', '.env': 'IMG=root\n', 'sub/.env': 'IMG=sub\n' });
    expect(loadDir(dir, { in: 'sub' }).project.services.s!.image).toBe('root');
  });

  it('.env follows --project-directory', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "${IMG}"}}', '.env': 'IMG=root\n', 'other/.env': 'IMG=other\n' });
    expect(loadDir(dir, { files: ['compose.yaml'], projectDirectory: 'other' }).project.services.s!.image).toBe('other');
  });

  it('--env-file replaces .env, is repeatable (later files win) and is relative to the working directory', () => {
    const dir = writeTree({
      'compose.yaml': 'services: {s: {image: "${A}-${B}-${C:-none}"}}',
      '.env': 'A=dot\nB=dot\nC=dot\n',
      'env/one.env': 'A=one\nB=one\n',
      'env/two.env': 'B=two\n',
    });
    expect(loadDir(dir, { envFiles: ['env/one.env', 'env/two.env'] }).project.services.s!.image).toBe('one-two-none');
  });

  it('a later env file can refer to variables of an earlier one', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "${B}"}}', 'one.env': 'A=x\n', 'two.env': 'B=${A}y\n' });
    expect(loadDir(dir, { envFiles: ['one.env', 'two.env'] }).project.services.s!.image).toBe('xy');
  });

  it('a missing --env-file is a UserError', () => {
    const dir = writeTree({ 'compose.yaml': svc() });
    expect(userError(() => loadDir(dir, { envFiles: ['missing.env'] })).message).toMatch(/cannot read env file .*missing\.env/);
  });

  it('COMPOSE_DISABLE_ENV_FILE disables .env', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "img${TAG}"}}', '.env': 'TAG=1\n' });
    expect(loadDir(dir, { env: { COMPOSE_DISABLE_ENV_FILE: '1' } }).project.services.s!.image).toBe('img');
    expect(loadDir(dir, { env: { COMPOSE_DISABLE_ENV_FILE: 'true' } }).project.services.s!.image).toBe('img');
    expect(loadDir(dir, { env: { COMPOSE_DISABLE_ENV_FILE: 'false' } }).project.services.s!.image).toBe('img1');
    expect(loadDir(dir, { env: { COMPOSE_DISABLE_ENV_FILE: '0' } }).project.services.s!.image).toBe('img1');
  });

  it('in an env file, the OS environment wins for references too', () => {
    const values = readEnvFiles('/', '/', { A: 'os' }, []);
    expect(values).toEqual({});
    const dir = writeTree({ '.env': 'A=file\nB=${A}-b\n' });
    expect(readEnvFiles(dir, dir, { A: 'os' }, [])).toEqual({ A: 'file', B: 'os-b' });
  });

  it('interpolation applies to values, never to keys', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: x, environment: {"${K}": "${V}"}, labels: {"$$L": "$$v"}}}', '.env': 'K=key\nV=value\n' });
    const s = loadDir(dir).project.services.s!;
    expect(s.environment).toEqual({ '${K}': 'value' });
    expect(s.labels).toEqual({ $$L: '$v' });
  });

  it('each file is interpolated before merging', () => {
    const dir = writeTree({ 'compose.yaml': 'services: {s: {image: "a-${X}"}}', 'compose.override.yaml': 'services: {s: {command: "echo $${X}"}}', '.env': 'X=1\n' });
    const s = loadDir(dir).project.services.s!;
    expect(s.image).toBe('a-1');
    // "$$" is an escaped "$", kept literal: the merged value is not interpolated again.
    expect(s.command).toEqual(['echo', '${X}']);
  });
});
