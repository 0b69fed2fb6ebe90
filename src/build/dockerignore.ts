/**
 * .dockerignore rules as Docker applies them (pure: text in, decisions out).
 *
 * Matching is @balena/dockerignore, a port of moby's fileutils (`**`, `!` exceptions, leading
 * `/`, trailing slashes via Go's filepath.Clean, parent-directory matching). Two things it
 * gets wrong for us and that are fixed here: it matches case-insensitively by default (Docker
 * on Linux does not), and it does not strip a UTF-8 BOM from the first line (Docker does).
 * The directory-walk rules (when an ignored directory is still entered) live in context.ts.
 */
import dockerignore from '@balena/dockerignore';
import path from 'node:path';

// A CommonJS module whose typings declare `export default`: under NodeNext the function is
// `.default` (the package sets `factory.default = factory`, so this holds at run time too).
const createIgnore = dockerignore.default;

/** The patterns of a .dockerignore file, as moby's dockerignore.ReadAll returns them. */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const line of lines) {
    // A comment only when `#` is the very first character, before trimming (as Docker does).
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's filepath.Clean for slash paths: `.`/`..` resolved, no trailing slash, `.` for empty. */
function cleanPath(p: string): string {
  const cleaned = path.posix.normalize(p);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/**
 * The docker CLI always sends the Dockerfile and .dockerignore, even when the patterns exclude
 * them (the daemon reads them, then drops them from the context): it appends `!` exceptions
 * for them (cli/command/image/build/context.go TrimBuildFilesFromExcludes). Those exceptions
 * also change which ignored directories are walked, so they are added the same way here.
 */
export function withBuildFileExceptions(patterns: string[], dockerfile: string | undefined): string[] {
  const matcher = new DockerignoreMatcher(patterns);
  const result = [...patterns];
  if (matcher.matches('.dockerignore')) result.push('!.dockerignore');
  if (dockerfile !== undefined && matcher.matches(dockerfile)) result.push(`!${dockerfile}`);
  return result;
}

export class DockerignoreMatcher {
  private readonly ignore = createIgnore({ ignorecase: false });
  /** The cleaned patterns of the `!` rules, without the `!`. */
  readonly exceptions: string[];

  constructor(readonly patterns: readonly string[]) {
    this.ignore.add([...patterns]);
    this.exceptions = patterns.filter((p) => p.startsWith('!') && p.length > 1).map((p) => cleanPath(p.slice(1)));
  }

  /** Whether a context-relative slash path is excluded (its parents' matches count, as in Docker). */
  matches(relativePath: string): boolean {
    return this.ignore.ignores(relativePath);
  }

  /**
   * Whether an excluded directory must still be walked because an exception could bring back
   * something inside it. Docker's rule is textual: an exception pattern that starts with
   * `dir/`. So `!**\/keep.log` does not reach into an excluded `logs/` — same here.
   */
  mustEnterExcludedDirectory(relativeDir: string): boolean {
    const prefix = `${relativeDir}/`;
    return this.exceptions.some((pattern) => `${pattern}/`.startsWith(prefix));
  }
}
