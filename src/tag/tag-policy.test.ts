import { describe, expect, it } from 'vitest';
import { needsGit, parseTagPolicy, renderTag, type TagInputs } from './tag-policy.js';

const inputs: TagInputs = { project: 'shop', service: 'front', digest: `sha256:${'ab12'.repeat(16)}`, git: { commit: '3f2a9c1', dirty: false }, date: new Date('2026-11-22T05:06:07Z'), env: { BUILD: '42' } };

describe('tag policies', () => {
  it('digest (default): the same inputs give the same tag anywhere', () => {
    expect(renderTag(parseTagPolicy('digest', 'default'), inputs)).toBe('ab12ab12ab12ab12');
  });
  it('git: short commit, -dirty when the tree has changes', () => {
    expect(renderTag(parseTagPolicy('git', '--tag'), inputs)).toBe('3f2a9c1');
    expect(renderTag(parseTagPolicy('git', '--tag'), { ...inputs, git: { commit: '3f2a9c1', dirty: true } })).toBe('3f2a9c1-dirty');
    expect(needsGit(parseTagPolicy('git', 'x'))).toBe(true);
    expect(needsGit(parseTagPolicy('{{.Digest}}', 'x'))).toBe(false);
  });
  it('templates', () => {
    const t = parseTagPolicy('{{.Service}}-{{.GitCommit}}-{{ .Digest }}-{{.Date}}-b{{.Env.BUILD}}-{{.Project}}', '--tag');
    expect(needsGit(t)).toBe(true);
    expect(renderTag(t, inputs)).toBe('front-3f2a9c1-ab12ab12ab12ab12-20261122-050607-b42-shop');
  });
  it('refuses unknown fields, unset variables, invalid tags and a bare latest', () => {
    expect(() => parseTagPolicy('{{.Branch}}', '--tag')).toThrow(/uses \{\{\.Branch\}\}/);
    expect(() => parseTagPolicy('{{.Service', '--tag')).toThrow(/does not know/);
    expect(() => renderTag(parseTagPolicy('v{{.Env.NOPE}}', 'x'), inputs)).toThrow(/NOPE is not set/);
    expect(() => renderTag(parseTagPolicy('a/b', 'x'), inputs)).toThrow(/not a valid Docker tag/);
    expect(() => renderTag(parseTagPolicy('latest', 'x'), inputs)).toThrow(/says nothing/);
  });
});
