/**
 * `ensureImages`: makes sure the images of services that only name an `image:` (no `build:`)
 * are present, following each service's `pull_policy`:
 *
 * - `missing` (default; `if_not_present` is normalised to it): pull when absent;
 * - `always`: pull every time;
 * - `never`: never pull; an absent image is an error;
 * - `build`: needs a `build:` section, so an error here;
 * - `daily`, `weekly`, `every_<duration>`: treated as `missing` with a note (knowing when an
 *   image was last pulled needs state the engine does not keep).
 */
import { CommandFailedError, UserError } from '../errors.js';
import type { Project } from '../compose/model.js';
import type { ImageClient } from '../engine/images.js';
import { engineMessage } from '../engine/engine-error.js';
import type { Emit } from '../events.js';
import { imageName } from './image-name.js';
import { runInOrder } from './schedule.js';

export interface EnsureImagesOptions {
  images: Pick<ImageClient, 'inspect' | 'pull'>;
  emit?: Emit;
  /** Services to consider (default: all); services with `build:` are always skipped. */
  services?: readonly string[];
  /** Concurrent pulls. */
  parallel?: number;
  signal?: AbortSignal;
}

export interface PresentImage {
  service: string;
  image: string;
  imageId: string;
  pulled: boolean;
}

export type PullDecision = 'pull' | 'pull-if-missing' | 'never';

/** What a pull_policy asks for (pure); `note` when the policy is approximated. */
export function pullDecision(policy: string | undefined): { decision: PullDecision; note?: string } | { error: string } {
  switch (policy ?? 'missing') {
    case 'missing':
    case 'if_not_present':
      return { decision: 'pull-if-missing' };
    case 'always':
      return { decision: 'pull' };
    case 'never':
      return { decision: 'never' };
    case 'build':
      return { error: 'pull_policy build needs a build section' };
    default:
      return { decision: 'pull-if-missing', note: `pull_policy ${policy} is treated as missing: the image is pulled only when it is not present` };
  }
}

export async function ensureImages(project: Project, options: EnsureImagesOptions): Promise<Map<string, PresentImage>> {
  const emit = options.emit ?? (() => {});
  const selected = Object.keys(project.services)
    .filter((name) => project.services[name]!.build === undefined)
    .filter((name) => options.services === undefined || options.services.includes(name))
    .sort();

  const decisions = new Map<string, PullDecision>();
  const problems: string[] = [];
  for (const name of selected) {
    const service = project.services[name]!;
    if (service.image === undefined) {
      problems.push(`service "${name}" has neither image nor build`);
      continue;
    }
    const result = pullDecision(service.pull_policy);
    if ('error' in result) problems.push(`service "${name}": ${result.error}`);
    else {
      decisions.set(name, result.decision);
      if (result.note) emit({ type: 'message', level: 'info', text: `service "${name}": ${result.note}` });
    }
  }
  if (problems.length > 0) throw new UserError(problems.join('; '), ['Give the service a build: section, or another pull_policy.']);

  const ensureOne = async (name: string): Promise<PresentImage> => {
    const image = imageName(project, name);
    const decision = decisions.get(name)!;
    const platform = typeof project.services[name]!.platform === 'string' ? project.services[name]!.platform : undefined;
    if (decision !== 'pull') {
      const present = await options.images.inspect(image);
      if (present) return { service: name, image, imageId: present.Id, pulled: false };
      if (decision === 'never') {
        throw new UserError(`image ${image} for service "${name}" is not present and pull_policy is never`, [
          `Build or load the image first (docker pull ${image}, docker load), or change pull_policy.`,
        ]);
      }
    }
    emit({ type: 'pull-start', service: name, image });
    try {
      await options.images.pull(image, (p) => emit({ type: 'pull-progress', service: name, image, ...p }), {
        ...(platform !== undefined ? { platform } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      const message = engineMessage(error);
      throw new CommandFailedError(`pulling image ${image} for service "${name}" failed: ${message}`, `pull ${image}`, 1, [], pullHints(image, message));
    }
    emit({ type: 'pull-done', service: name, image });
    const pulled = await options.images.inspect(image);
    if (!pulled) throw new CommandFailedError(`pulling image ${image} for service "${name}" reported success, but the engine does not have it`, `pull ${image}`, 1);
    return { service: name, image, imageId: pulled.Id, pulled: true };
  };

  return runInOrder(selected, {}, ensureOne, { parallel: options.parallel ?? 4, ...(options.signal ? { signal: options.signal } : {}) });
}

function pullHints(image: string, message: string): string[] {
  if (/not found|manifest unknown|does not exist/i.test(message)) return [`Check the image name and tag: ${image}.`];
  if (/unauthorized|denied|authentication required/i.test(message)) return ['Log in to the registry (docker login), or check that you may read this repository.'];
  if (/timeout|no such host|connection refused|network is unreachable|dial tcp/i.test(message)) {
    return ['The registry cannot be reached. Check the network, or make the image available locally and set pull_policy: never.'];
  }
  return [];
}
