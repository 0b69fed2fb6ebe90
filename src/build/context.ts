/**
 * Which files a build context holds, decided exactly as Docker decides it, as a sorted list of
 * entries (the tar is made from this list by context-tar.ts, the digest by digest.ts).
 *
 * - Ignore file: `<Dockerfile>.dockerignore` next to the Dockerfile wins over the context's
 *   `.dockerignore` (BuildKit's rule; the classic docker CLI only knows the latter). With the
 *   context's file, the Dockerfile and `.dockerignore` are always sent and the daemon drops
 *   them afterwards when ignored (docker CLI behaviour).
 * - Walk: moby's TarWithOptions — lexical order, symlinks kept as symlinks (never followed),
 *   an ignored directory is skipped unless an exception pattern starts with its path.
 * - A Dockerfile outside the context, an inline Dockerfile, or one the Dockerfile-specific
 *   ignore file excludes is added under a generated name `.dockerfile.<hash>`, and that name is
 *   appended to the `.dockerignore` in the tar so the daemon drops it from the context — what
 *   the docker CLI does (AddDockerfileToBuildContext), with a content-derived name instead of a
 *   random one so the tar and the digest are reproducible.
 */
import { createHash } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import type { BuildConfig } from '../compose/model.js';
import { UserError } from '../errors.js';
import { DockerignoreMatcher, parseDockerignore, withBuildFileExceptions } from './dockerignore.js';

export interface ContextEntry {
  /** Slash path relative to the context root. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits (with setuid/setgid/sticky), as sent. */
  mode: number;
  size: number;
  /** Absolute path to read the content from (files on disk). */
  source?: string;
  /** Content made by us (generated Dockerfile, amended .dockerignore). */
  content?: Buffer;
  linkname?: string;
  /** Stat stamp of a file on disk (inode, size, mtime, ctime) for FileHashCache in digest.ts. */
  stamp?: string;
}

export interface BuildContext {
  /** The context directory (symlinks resolved). */
  directory: string;
  /** Path of the Dockerfile inside the tar (the API's `dockerfile` parameter). */
  dockerfile: string;
  dockerfileContent: string;
  /** The ignore file that applied, if any (absolute). */
  ignoreFile?: string;
  /** Every entry of the tar, in Docker's walk order (lexical per directory), generated ones last. */
  entries: ContextEntry[];
}

/** Lists the build context of one service's `build:` section. */
export async function readBuildContext(build: BuildConfig): Promise<BuildContext> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(build.context) || build.context.startsWith('git@')) {
    throw new UserError(`remote build contexts are not supported yet: ${build.context}`, ['Clone the repository and point build.context at the local directory.']);
  }
  let directory: string;
  try {
    directory = await fs.realpath(build.context);
    if (!(await fs.stat(directory)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new UserError(`build context ${build.context} is not a readable directory (${(error as Error).message})`, ['Check build.context in the compose file.']);
  }

  const dockerfile = await locateDockerfile(build, directory);
  const ignore = await readIgnoreFile(directory, dockerfile.absolute);
  const matcher = new DockerignoreMatcher(contextPatterns(ignore, dockerfile.relative));
  const entries = await walk(directory, matcher);

  let tarDockerfile = dockerfile.relative;
  const inContext = tarDockerfile !== undefined && entries.some((e) => e.path === tarDockerfile && e.type === 'file');
  if (!inContext) {
    tarDockerfile = await addGeneratedDockerfile(entries, dockerfile.content);
  }
  return {
    directory,
    dockerfile: tarDockerfile!,
    dockerfileContent: dockerfile.content,
    ...(ignore ? { ignoreFile: ignore.file } : {}),
    entries,
  };
}

/**
 * The ignore rules a build of this context applies, for the watch stage: a change they exclude
 * cannot change the image. Also the Dockerfile's path when it lies outside the context.
 */
export async function contextIgnore(build: BuildConfig): Promise<{ directory: string; matcher: DockerignoreMatcher; outsideDockerfile?: string }> {
  const directory = await fs.realpath(build.context);
  const written = build.dockerfile_inline !== undefined ? undefined : (build.dockerfile ?? 'Dockerfile');
  const absolute = written === undefined ? undefined : path.isAbsolute(written) ? written : path.join(directory, written);
  const relative = absolute === undefined ? undefined : path.relative(directory, absolute);
  const inside = relative !== undefined && !relative.startsWith('..') && !path.isAbsolute(relative);
  const ignore = await readIgnoreFile(directory, absolute);
  const matcher = new DockerignoreMatcher(contextPatterns(ignore, inside ? relative!.split(path.sep).join('/') : undefined));
  return { directory, matcher, ...(absolute !== undefined && !inside && { outsideDockerfile: absolute }) };
}

/**
 * Our state directory (`.devspace/`, e.g. what push recorded) at the root of a context is never
 * part of an image: writing it must not change the content digest or trigger a rebuild.
 */
export const STATE_DIR = '.devspace';

/**
 * The patterns a context is walked with. Root .dockerignore: the Dockerfile and .dockerignore are
 * always sent (CLI exceptions); a Dockerfile-specific ignore file is a BuildKit rule, where
 * neither is special. Our state directory comes last, so no exception brings it back.
 */
function contextPatterns(ignore: { patterns: string[]; specific: boolean } | undefined, dockerfile: string | undefined): string[] {
  const patterns = ignore?.specific ? ignore.patterns : withBuildFileExceptions(ignore?.patterns ?? [], dockerfile);
  return [...patterns, STATE_DIR];
}

interface LocatedDockerfile {
  absolute?: string;
  /** Slash path inside the context; undefined when inline or outside the context. */
  relative?: string;
  content: string;
}

async function locateDockerfile(build: BuildConfig, directory: string): Promise<LocatedDockerfile> {
  if (build.dockerfile_inline !== undefined) return { content: build.dockerfile_inline };
  const written = build.dockerfile ?? 'Dockerfile';
  const absolute = path.isAbsolute(written) ? written : path.join(directory, written);
  let content: string;
  try {
    content = await fs.readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    throw new UserError(`Dockerfile ${absolute} ${reason}`, ['Check build.dockerfile (relative to build.context) in the compose file.']);
  }
  // Compare with the real path so a symlinked checkout does not look "outside".
  const real = await fs.realpath(absolute);
  const relative = path.relative(directory, real);
  const outside = relative.startsWith('..') || path.isAbsolute(relative);
  return { absolute, content, ...(outside ? {} : { relative: relative.split(path.sep).join('/') }) };
}

async function readIgnoreFile(directory: string, dockerfile: string | undefined): Promise<{ file: string; patterns: string[]; specific: boolean } | undefined> {
  const candidates: [string, boolean][] = [];
  if (dockerfile !== undefined) candidates.push([`${dockerfile}.dockerignore`, true]);
  candidates.push([path.join(directory, '.dockerignore'), false]);
  for (const [file, specific] of candidates) {
    try {
      return { file, patterns: parseDockerignore(await fs.readFile(file, 'utf8')), specific };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}

/** moby's TarWithOptions walk over `directory`, minus the tar writing. */
async function walk(directory: string, matcher: DockerignoreMatcher): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = [];
  const visit = async (relativeDir: string): Promise<void> => {
    const absoluteDir = relativeDir === '' ? directory : path.join(directory, relativeDir);
    const names = (await fs.readdir(absoluteDir)).sort(compare);
    const stats = await Promise.all(names.map((name) => fs.lstat(path.join(absoluteDir, name))));
    for (const [i, name] of names.entries()) {
      const stat = stats[i]!;
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`;
      const source = path.join(absoluteDir, name);
      if (matcher.matches(relative)) {
        if (stat.isDirectory() && matcher.mustEnterExcludedDirectory(relative)) await visit(relative);
        continue;
      }
      const entry = await toEntry(relative, source, stat);
      if (entry) entries.push(entry);
      if (stat.isDirectory()) await visit(relative);
    }
  };
  await visit('');
  return entries;
}

async function toEntry(relative: string, source: string, stat: Stats): Promise<ContextEntry | undefined> {
  const mode = stat.mode & 0o7777;
  if (stat.isFile()) {
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    return { path: relative, type: 'file', mode, size: stat.size, source, stamp };
  }
  if (stat.isDirectory()) return { path: relative, type: 'directory', mode, size: 0 };
  if (stat.isSymbolicLink()) return { path: relative, type: 'symlink', mode, size: 0, linkname: await fs.readlink(source) };
  // Sockets, FIFOs and devices: Docker skips sockets; a FIFO would block the upload. Neither
  // belongs in an image built from a source tree.
  return undefined;
}

/** Adds the Dockerfile under a generated name and makes the daemon drop it; returns the name. */
async function addGeneratedDockerfile(entries: ContextEntry[], content: string): Promise<string> {
  const name = `.dockerfile.${createHash('sha256').update(content).digest('hex').slice(0, 20)}`;
  const body = Buffer.from(content);
  entries.push({ path: name, type: 'file', mode: 0o600, size: body.length, content: body });
  const existing = entries.findIndex((e) => e.path === '.dockerignore' && e.type === 'file');
  if (existing >= 0) {
    const old = entries[existing]!;
    // Read now (small file) so the tar and the digest see the same amended bytes.
    const original = old.content ?? (await fs.readFile(old.source!));
    const amended = Buffer.concat([original, Buffer.from(`\n${name}\n`)]);
    entries[existing] = { path: '.dockerignore', type: 'file', mode: old.mode, size: amended.length, content: amended };
  } else {
    const created = Buffer.from(`.dockerignore\n${name}\n`);
    entries.push({ path: '.dockerignore', type: 'file', mode: 0o600, size: created.length, content: created });
  }
  return name;
}

/** Code-unit order, like Go's sort.Strings for ASCII names (localeCompare would depend on the machine's locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
