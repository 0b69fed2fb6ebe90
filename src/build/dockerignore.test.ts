import { describe, expect, it } from 'vitest';
import { DockerignoreMatcher, parseDockerignore, withBuildFileExceptions } from './dockerignore.js';

describe('parseDockerignore', () => {
  it('reads patterns as moby does: comments only in column 1, trimmed, cleaned, leading / dropped', () => {
    const text = '\uFEFF# comment\n  # not a comment\n\n  node_modules/  \r\n/root-only\n!  keep.log\n./a/../b\n/\n!\n';
    expect(parseDockerignore(text)).toEqual(['# not a comment', 'node_modules', 'root-only', '!keep.log', 'b', '/', '!']);
  });
});

describe('DockerignoreMatcher', () => {
  const m = new DockerignoreMatcher(parseDockerignore('**/*.log\n!keep.log\n/root-only\ndir/\n*.tmp\n!sub/important.tmp\n'));

  it('matches ** at any depth, including the root', () => {
    expect(m.matches('a.log')).toBe(true);
    expect(m.matches('x/y/z.log')).toBe(true);
    expect(m.matches('x/y/z.txt')).toBe(false);
  });

  it('honours a later ! exception, for the exact path only', () => {
    expect(m.matches('keep.log')).toBe(false);
    expect(m.matches('x/keep.log')).toBe(true);
  });

  it('anchors patterns at the context root (a leading / changes nothing)', () => {
    expect(m.matches('root-only')).toBe(true);
    expect(m.matches('root-only/inner.txt')).toBe(true);
    expect(m.matches('x/root-only')).toBe(false);
  });

  it('treats dir/ as the directory and everything under it', () => {
    expect(m.matches('dir')).toBe(true);
    expect(m.matches('dir/a/b.txt')).toBe(true);
    expect(m.matches('dirt')).toBe(false);
  });

  it('* does not cross a slash', () => {
    expect(m.matches('a.tmp')).toBe(true);
    expect(m.matches('sub/a.tmp')).toBe(false);
    expect(m.matches('sub/important.tmp')).toBe(false);
  });

  it('is case-sensitive like Docker on Linux (the library default is not)', () => {
    expect(new DockerignoreMatcher(['Secret.txt']).matches('secret.txt')).toBe(false);
    expect(new DockerignoreMatcher(['Secret.txt']).matches('Secret.txt')).toBe(true);
  });

  it('enters an excluded directory only when an exception starts with its path', () => {
    const d = new DockerignoreMatcher(parseDockerignore('logs\n!logs/keep.txt\nother\n!**/x'));
    expect(d.mustEnterExcludedDirectory('logs')).toBe(true);
    expect(d.mustEnterExcludedDirectory('other')).toBe(false);
    expect(d.matches('logs/a.txt')).toBe(true);
    expect(d.matches('logs/keep.txt')).toBe(false);
  });
});

describe('withBuildFileExceptions', () => {
  it('adds exceptions for an ignored Dockerfile and .dockerignore, as the docker CLI does', () => {
    expect(withBuildFileExceptions(['*', '!src'], 'docker/Dockerfile')).toEqual(['*', '!src', '!.dockerignore', '!docker/Dockerfile']);
    expect(withBuildFileExceptions(['*.log'], 'Dockerfile')).toEqual(['*.log']);
  });
});
