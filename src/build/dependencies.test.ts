import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../compose/model.js';
import { buildDependencies, dockerfileBaseImages } from './dependencies.js';

describe('dockerfileBaseImages', () => {
  it('reads FROM lines with flags, stages, continuations, comments and global ARGs', () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=python:3.12 VERSION',
      'ARG TAG="1.0"',
      'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
      'RUN echo \\',
      '  FROM not-an-image',
      'FROM build AS test',
      'from registry.local:5000/team/base:${TAG}',
      'FROM ${MISSING:-busybox:latest}',
      'FROM scratch',
    ].join('\n');
    expect(dockerfileBaseImages(dockerfile)).toEqual(['python:3.12', 'registry.local:5000/team/base:1.0', 'busybox:latest']);
    expect(dockerfileBaseImages(dockerfile, { BASE: 'demo-base', TAG: '2' })).toEqual(['demo-base', 'registry.local:5000/team/base:2', 'busybox:latest']);
  });
});

describe('buildDependencies', () => {
  const service = (s: Partial<Service>): Service => ({ ...s }) as Service;
  const project = {
    name: 'demo',
    services: {
      base: service({ build: { context: '/x' } }),
      app: service({ build: { context: '/x' }, depends_on: { db: { condition: 'service_started', required: true, restart: false } } }),
      db: service({ image: 'postgres', depends_on: { migrate: { condition: 'service_started', required: true, restart: false } } }),
      migrate: service({ build: { context: '/x' }, image: 'registry/migrate:v1' }),
    },
  } as unknown as Project;

  it('orders after FROM-ed sibling images only, not after depends_on', () => {
    const deps = buildDependencies(project, ['base', 'app', 'migrate'], { app: ['demo-base'], migrate: ['demo-base:latest', 'busybox'], base: ['busybox'] });
    expect(deps.after).toEqual({ base: [], app: ['base'], migrate: ['base'] });
    expect(deps.from).toEqual({ base: [], app: ['base'], migrate: ['base'] });
  });
});
