/** The git state a tag policy may need: the short commit and whether the tree is dirty. */
import { UserError } from '../errors.js';
import type { Runner } from '../registry/credentials.js';
import type { GitState } from './tag-policy.js';

export async function gitState(dir: string, run: Runner): Promise<GitState> {
  const head = await run('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], '').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UserError('the git tag policy needs git, which is not installed', ['Install git, or use --tag digest.']);
    throw error;
  });
  if (head.exitCode !== 0) {
    throw new UserError(`the git tag policy needs a git repository with a commit; ${dir} is not one (${head.stderr.trim().split('\n')[0]})`, ['Commit first, or use --tag digest.']);
  }
  const status = await run('git', ['-C', dir, 'status', '--porcelain'], '');
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
}
