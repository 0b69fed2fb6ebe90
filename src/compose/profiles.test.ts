import { describe, expect, it } from 'vitest';
import { errorText, loadDir, userError, writeTree } from '../../test/compose-fixtures.js';
import type { FixtureOptions } from '../../test/compose-fixtures.js';

const file = `
services:
  web:
    image: web
  db:
    image: db
    profiles: [backend]
  debug:
    image: debug
    profiles: [debug, tools]
  migrate:
    image: migrate
    profiles: [tools]
    depends_on: [db]
  admin:
    image: admin
    profiles: [admin]
    depends_on:
      debug: {condition: service_started, required: false}
`;
const dir = writeTree({ 'compose.yaml': file });
const enabled = (options: FixtureOptions = {}) => Object.keys(loadDir(dir, options).project.services).sort();

describe('profiles', () => {
  it('services without profiles are always enabled; the others only with one of their profiles', () => {
    expect(enabled()).toEqual(['web']);
    expect(enabled({ profiles: ['backend'] })).toEqual(['db', 'web']);
    expect(enabled({ profiles: ['debug'] })).toEqual(['debug', 'web']);
  });

  it('several profiles can be active; a service needs only one of its profiles', () => {
    expect(enabled({ profiles: ['backend', 'tools'] })).toEqual(['db', 'debug', 'migrate', 'web']);
  });

  it('COMPOSE_PROFILES is a comma list (spaces trimmed), from the environment or .env', () => {
    expect(enabled({ env: { COMPOSE_PROFILES: 'backend, tools' } })).toEqual(['db', 'debug', 'migrate', 'web']);
    const withDotenv = writeTree({ 'compose.yaml': file, '.env': 'COMPOSE_PROFILES=backend\n' });
    expect(Object.keys(loadDir(withDotenv).project.services).sort()).toEqual(['db', 'web']);
  });

  it('--profile replaces COMPOSE_PROFILES', () => {
    expect(enabled({ profiles: ['backend'], env: { COMPOSE_PROFILES: 'debug' } })).toEqual(['db', 'web']);
  });

  it('"*" enables every profile', () => {
    expect(enabled({ profiles: ['*'] })).toEqual(['admin', 'db', 'debug', 'migrate', 'web']);
    expect(enabled({ env: { COMPOSE_PROFILES: '*' } })).toEqual(['admin', 'db', 'debug', 'migrate', 'web']);
  });

  it('disabled services are returned apart, and allProfiles lists every profile once, sorted', () => {
    const loaded = loadDir(dir, { profiles: ['debug'] });
    expect(Object.keys(loaded.disabled).sort()).toEqual(['admin', 'db', 'migrate']);
    expect(loaded.allProfiles).toEqual(['admin', 'backend', 'debug', 'tools']);
  });

  it('naming a service enables it and activates its profiles', () => {
    // debug → profiles debug and tools are active, so migrate comes too; migrate needs db (backend).
    expect(enabled({ services: ['db'] })).toEqual(['db', 'web']);
    expect(enabled({ services: ['debug'], profiles: ['backend'] })).toEqual(['db', 'debug', 'migrate', 'web']);
  });

  it('naming an unknown service is an error with a suggestion', () => {
    const error = userError(() => loadDir(dir, { services: ['dbb'] }));
    expect(error.message).toBe('no such service: dbb');
    expect(errorText(error)).toMatch(/Did you mean "db"/);
  });

  it('depends_on a service disabled by profiles is an error naming the profile', () => {
    const error = userError(() => loadDir(dir, { profiles: ['tools'] }));
    expect(errorText(error)).toMatch(/migrate.*depends on "db", which is disabled by its profiles \(backend\)/);
    expect(errorText(error)).toMatch(/--profile backend/);
  });

  it('naming a service whose dependency is disabled is an error too', () => {
    expect(errorText(userError(() => loadDir(dir, { services: ['migrate'] })))).toMatch(/depends on "db"/);
  });

  it('an optional (required: false) dependency on a disabled service is dropped with a warning', () => {
    const loaded = loadDir(dir, { profiles: ['admin'] });
    expect(Object.keys(loaded.project.services).sort()).toEqual(['admin', 'web']);
    expect(loaded.project.services.admin!.depends_on).toEqual({});
    expect(loaded.warnings.map((w) => w.message).join('\n')).toMatch(/optional dependency "debug" is disabled by profiles/);
    // With the dependency enabled, it stays.
    expect(loadDir(dir, { profiles: ['admin', 'debug'] }).project.services.admin!.depends_on).toHaveProperty('debug');
  });

  it('a disabled service depending on another disabled one is not an error', () => {
    expect(() => loadDir(dir)).not.toThrow();
  });

  it('profiles merge across files (sequences append)', () => {
    const d = writeTree({ 'compose.yaml': 'services: {s: {image: x, profiles: [p1]}}', 'compose.override.yaml': 'services: {s: {profiles: [p2]}}' });
    expect(Object.keys(loadDir(d, { profiles: ['p2'] }).project.services)).toEqual(['s']);
    expect(loadDir(d).allProfiles).toEqual(['p1', 'p2']);
  });

  it('a profile activated but used by no service is harmless', () => {
    expect(enabled({ profiles: ['nothing'] })).toEqual(['web']);
  });
});
