import { describe, expect, it } from 'vitest';
import { describeWatchError } from './watcher.js';

// The inotify limits are produced for real in test/e2e/watch.test.ts (a user namespace with a
// lowered limit); this checks the wording of each case without one.
describe('describeWatchError', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: boom`), { code, path: '/p/src/a.js' });
  it('names the limit, its value and the fix for ENOSPC', () => {
    const text = describeWatchError(err('ENOSPC'), () => '8192');
    expect(text).toContain('cannot watch /p/src/a.js');
    expect(text).toContain('fs.inotify.max_user_watches = 8192');
    expect(text).toContain('sudo sysctl fs.inotify.max_user_watches=524288');
    expect(text).toContain('--poll');
  });
  it('names a lower limit of the user namespace', () => {
    expect(describeWatchError(err('ENOSPC'), (n) => (n === 'user.max_inotify_watches' ? '8' : '8192'))).toContain('(fs.inotify.max_user_watches = 8192; this user namespace allows 8 (user.max_inotify_watches))');
  });
  it('explains EMFILE', () => {
    expect(describeWatchError(err('EMFILE'), () => '128')).toContain('fs.inotify.max_user_instances = 128');
  });
  it('passes other errors through', () => {
    expect(describeWatchError(err('EACCES'))).toBe('file watcher error /p/src/a.js: EACCES: boom');
  });
});
