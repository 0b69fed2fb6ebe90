/**
 * Build order between services (pure): a service builds after any service whose image its
 * Dockerfile starts FROM; everything else builds in parallel.
 */
import type { Project } from '../compose/model.js';
import { imageName } from './image-name.js';

/**
 * The images a Dockerfile's FROM lines name, with `ARG`s declared before the first FROM
 * substituted (their defaults, overridden by build args). Stage names and `scratch` are left
 * out. A hand-written reader rather than a Dockerfile parser package: FROM lines are all we
 * need, and no maintained JS parser handles escape directives and heredocs better.
 */
export function dockerfileBaseImages(dockerfile: string, args: Record<string, string> = {}): string[] {
  const globalArgs: Record<string, string> = {};
  const stages = new Set<string>();
  const images: string[] = [];
  let seenFrom = false;
  for (const line of logicalLines(dockerfile)) {
    const [instruction = '', ...words] = line.split(/\s+/);
    const keyword = instruction.toUpperCase();
    if (keyword === 'ARG' && !seenFrom) {
      for (const word of words) {
        const [name = '', value] = word.split(/=(.*)/s, 2);
        globalArgs[name] = args[name] ?? unquote(value ?? '');
      }
    } else if (keyword === 'FROM') {
      seenFrom = true;
      const rest = words.filter((w) => !w.startsWith('--'));
      const image = substitute(rest[0] ?? '', globalArgs);
      if (rest[1]?.toUpperCase() === 'AS' && rest[2]) stages.add(rest[2].toLowerCase());
      if (image !== '' && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase())) images.push(image);
    }
  }
  return images;
}

function* logicalLines(text: string): Generator<string> {
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment lines inside a continuation
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    yield (current + line).trim();
    current = '';
  }
  if (current.trim() !== '') yield current.trim();
}

function substitute(word: string, vars: Record<string, string>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const modifier = /^\$\{[^:}-]+(:?)([-+])([^}]*)\}$/.exec(match);
    const value = vars[name];
    if (modifier) {
      const set = value !== undefined && (modifier[1] === '' || value !== '');
      if (modifier[2] === '-') return set ? value : modifier[3]!;
      return set ? modifier[3]! : '';
    }
    return value ?? '';
  });
}

function unquote(value: string): string {
  return /^(['"]).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

/** `name` → `name:latest`; references with a tag or digest stay as they are. */
export function normaliseReference(reference: string): string {
  if (reference.includes('@')) return reference;
  return reference.lastIndexOf(':') > reference.lastIndexOf('/') ? reference : `${reference}:latest`;
}

export interface BuildDependencies {
  /** Build services to wait for, by service. */
  after: Record<string, string[]>;
  /** The subset of `after` whose images the Dockerfile FROMs (their digests feed the digest). */
  from: Record<string, string[]>;
}

/** Dependencies among `built` (services with `build:`), given each one's base images. */
export function buildDependencies(project: Project, built: readonly string[], baseImages: Record<string, string[]>): BuildDependencies {
  const byImage = new Map(built.map((name) => [normaliseReference(imageName(project, name)), name]));
  const after: Record<string, string[]> = {};
  const from: Record<string, string[]> = {};
  for (const name of built) {
    const fromServices = (baseImages[name] ?? []).map((ref) => byImage.get(normaliseReference(ref))).filter((s): s is string => s !== undefined && s !== name);
    from[name] = [...new Set(fromServices)];
    // Only real build inputs order builds. depends_on orders containers, not images: a front
    // end that waits for its database at run time still builds alongside it.
    after[name] = [...from[name]].sort();
  }
  return { after, from };
}
