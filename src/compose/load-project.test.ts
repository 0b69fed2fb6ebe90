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
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/"cache".*local definition/);
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
