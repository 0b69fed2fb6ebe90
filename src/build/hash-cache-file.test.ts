import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileHashCache } from './digest.js';
import { hashCachePath, loadHashCache, saveHashCache } from './hash-cache-file.js';

describe('the saved file-hash cache', () => {
  it('lives under XDG_CACHE_HOME (else ~/.cache), one file per project directory', () => {
    expect(hashCachePath('/p/a', { XDG_CACHE_HOME: '/x' }, '/home/u')).toMatch(/^\/x\/devspace\/file-hashes\/[0-9a-f]{16}\.json$/);
    expect(hashCachePath('/p/a', {}, '/home/u')).toMatch(/^\/home\/u\/\.cache\/devspace\/file-hashes\//);
    expect(hashCachePath('/p/a', {}, '/h')).not.toBe(hashCachePath('/p/b', {}, '/h'));
  });

  it('round-trips the entries a run used and drops the others', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'devspace-hc-')), 'sub', 'c.json');
    const first = new FileHashCache();
    first.set('/a', 's1', 'h1');
    first.set('/b', 's2', 'h2');
    saveHashCache(first, file);
    const second = loadHashCache(file);
    expect(second.get('/a', 's1')).toBe('h1');
    expect(second.get('/b', 'changed')).toBeUndefined();
    second.set('/c', 's3', 'h3');
    saveHashCache(second, file);
    expect(loadHashCache(file).get('/a', 's1')).toBe('h1');
    expect(loadHashCache(file).get('/c', 's3')).toBe('h3');
    expect(loadHashCache(file).get('/b', 's2')).toBeUndefined();
  });

  it('is not rewritten by a run that hashed nothing new', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'devspace-hc-')), 'c.json');
    const first = new FileHashCache();
    first.set('/a', 's1', 'h1');
    saveHashCache(first, file);
    const second = loadHashCache(file);
    expect(second.get('/a', 's1')).toBe('h1');
    writeFileSync(file, '{"/a":["s1","h1"],"/z":["s9","h9"]}');
    saveHashCache(second, file);
    expect(readFileSync(file, 'utf8')).toBe('{"/a":["s1","h1"],"/z":["s9","h9"]}');
  });

  it('treats a corrupt or missing file as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devspace-hc-'));
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(loadHashCache(join(dir, 'bad.json')).get('/a', 's')).toBeUndefined();
    expect(loadHashCache(join(dir, 'none.json')).get('/a', 's')).toBeUndefined();
  });
});
