/**
 * `buildServices`: builds the images of the services that have `build:`, in dependency order,
 * at most `parallel` at a time, skipping every build whose inputs did not change.
 *
 * The skip: the content digest of all build inputs (digest.ts) is put on the image as label
 * LABELS.buildDigest. When the service's image already exists with that label value, nothing is
 * built and no context is sent — the engine is asked one inspect. When the tag has moved on but an
 * image of the project with that digest is still there (a change undone), it is tagged again
 * instead of rebuilt. Extra tags are re-applied.
 */
import { CommandFailedError, UserError, type Diagnostic } from '../errors.js';
import { projectSettings } from '../compose/x-devspace.js';
import type { Project } from '../compose/model.js';
import type { ImageClient } from '../engine/images.js';
import { ImageBuildError } from '../engine/images.js';
import type { Emit } from '../events.js';
import { LABELS } from '../labels.js';
import { imageBuildParams, resolveBuildArgs, unsupportedBuildOptions, buildPlatform } from './build-params.js';
import { readBuildContext, type BuildContext } from './context.js';
import { packContext as defaultPackContext } from './context-tar.js';
import { buildDependencies, dockerfileBaseImages } from './dependencies.js';
import { buildDigest, type FileHashCache } from './digest.js';
import { imageName } from './image-name.js';
import { runInOrder } from './schedule.js';

export const DEFAULT_BUILD_PARALLEL = 4;

export interface BuildServicesOptions {
  images: Pick<ImageClient, 'inspect' | 'listByLabel' | 'build' | 'tag'>;
  emit?: Emit;
  /** Services to build (default: every service with `build:`); others named are ignored. */
  services?: readonly string[];
  /** Concurrent builds; default x-devspace build.parallel, else DEFAULT_BUILD_PARALLEL. */
  parallel?: number;
  /** Build even when the digest matches, without the engine's layer cache (`--no-cache`). */
  noCache?: boolean;
  /** Build even when the digest matches, pulling newer base images (`--pull`). */
  pull?: boolean;
  /** Build even when the digest matches (layer cache still used), e.g. `up --build`. */
  force?: boolean;
  /** Where `args: {NAME: null}` take their value (never process.env implicitly). */
  env?: Readonly<Record<string, string | undefined>>;
  cache?: FileHashCache;
  signal?: AbortSignal;
  /** Makes the context tar; injectable so tests can prove a cached build sends nothing. */
  packContext?: (context: BuildContext) => NodeJS.ReadableStream;
}

export interface ServiceImage {
  service: string;
  image: string;
  imageId: string;
  digest: string;
  built: boolean;
}

/** Builds what changed; returns every selected built service's image. */
export async function buildServices(project: Project, options: BuildServicesOptions): Promise<Map<string, ServiceImage>> {
  const emit = options.emit ?? (() => {});
  const selected = Object.keys(project.services)
    .filter((name) => project.services[name]!.build !== undefined)
    .filter((name) => options.services === undefined || options.services.includes(name))
    .sort();
  if (selected.length === 0) return new Map();

  checkSupported(project, selected, emit);
  const env = options.env ?? {};
  const args = Object.fromEntries(selected.map((name) => [name, resolveBuildArgs(project.services[name]!.build!.args, env)]));
  // Contexts are listed up front: their Dockerfiles give the FROM edges of the build order.
  const contexts = new Map(await Promise.all(selected.map(async (name) => [name, await readBuildContext(project.services[name]!.build!)] as const)));
  const bases = Object.fromEntries(selected.map((name) => [name, dockerfileBaseImages(contexts.get(name)!.dockerfileContent, args[name])]));
  const deps = buildDependencies(project, selected, bases);
  const digests = new Map<string, string>();

  const buildOne = async (name: string): Promise<ServiceImage> => {
    const service = project.services[name]!;
    const build = service.build!;
    const image = imageName(project, name);
    const context = contexts.get(name)!;
    const platform = buildPlatform(service).platform;
    const digest = await buildDigest(
      {
        context,
        args: args[name]!,
        ...(build.target !== undefined ? { target: build.target } : {}),
        ...(platform !== undefined ? { platforms: [platform] } : {}),
        labels: build.labels ?? {},
        additionalContexts: build.additional_contexts ?? {},
        ...(build.network !== undefined ? { network: build.network } : {}),
        ...(build.shm_size !== undefined ? { shmSize: build.shm_size } : {}),
        extraHosts: build.extra_hosts ?? [],
        baseDigests: Object.fromEntries(deps.from[name]!.map((dep) => [dep, digests.get(dep)!])),
      },
      options.cache,
    );
    digests.set(name, digest);

    const noCache = options.noCache === true || build.no_cache === true;
    const pull = options.pull === true || build.pull === true;
    // `pull_policy: build` is Compose's "always build"; `build.pull` in the file only affects
    // a build that happens (otherwise every `up` would rebuild).
    const force = options.force === true || options.noCache === true || options.pull === true || service.pull_policy === 'build';
    if (!force) {
      const existing = await options.images.inspect(image);
      let imageId = existing?.Config?.Labels?.[LABELS.buildDigest] === digest ? existing.Id : undefined;
      let reused = false;
      if (imageId === undefined) {
        // The tag has moved off an image built from these very inputs (a change undone, a branch
        // checked out again): the engine still has it, untagged, so it is tagged again, not rebuilt.
        const earlier = await options.images.listByLabel({ [LABELS.project]: project.name, [LABELS.buildDigest]: digest });
        imageId = earlier[0]?.Id;
        if (imageId !== undefined) {
          await options.images.tag(imageId, image);
          reused = true;
        }
      }
      if (imageId !== undefined) {
        for (const tag of build.tags ?? []) if (tag !== image) await options.images.tag(imageId, tag);
        emit({ type: 'build-cached', service: name, image, digest, ...(reused && { imageId }) });
        return { service: name, image, imageId, digest, built: false };
      }
    }

    emit({ type: 'build-start', service: name, image });
    const started = Date.now();
    const params = imageBuildParams({ service, image, dockerfile: context.dockerfile, args: args[name]!, digest, project: project.name, noCache, pull });
    const pack = options.packContext ?? defaultPackContext;
    let imageId: string;
    try {
      imageId = await options.images.build(pack(context), params, {
        onStep: (step) => emit({ type: 'build-step', service: name, step }),
        onOutput: (line) => emit({ type: 'build-output', service: name, line }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw buildFailure(name, image, error, emit);
    }
    emit({ type: 'build-done', service: name, image, imageId, digest, durationMs: Date.now() - started });
    return { service: name, image, imageId, digest, built: true };
  };

  const parallel = options.parallel ?? projectSettings(project)?.build?.parallel ?? DEFAULT_BUILD_PARALLEL;
  return runInOrder(selected, deps.after, buildOne, { parallel, ...(options.signal ? { signal: options.signal } : {}) });
}

function checkSupported(project: Project, selected: string[], emit: Emit): void {
  const errors: Diagnostic[] = [];
  for (const name of selected) {
    const found = unsupportedBuildOptions(name, project.services[name]!);
    errors.push(...found.errors);
    for (const w of found.warnings) emit({ type: 'message', level: 'warn', text: `${w.path}: ${w.message}` });
  }
  if (errors.length > 0) {
    throw new UserError(
      errors.length === 1 ? `cannot build: ${errors[0]!.message}` : `cannot build: ${errors.length} unsupported build options`,
      [],
      errors,
    );
  }
}


/** A failed build as the error the user sees: service, step, engine message, output tail. */
function buildFailure(service: string, image: string, error: unknown, emit: Emit): Error {
  if (!(error instanceof ImageBuildError)) {
    const message = error instanceof Error ? error.message : String(error);
    emit({ type: 'build-failed', service, message, tail: [] });
    return new CommandFailedError(`building service "${service}" (image ${image}) failed: ${message}`, `build ${service}`, 1, []);
  }
  emit({ type: 'build-failed', service, ...(error.step ? { step: error.step } : {}), message: error.message, tail: error.tail });
  const where = error.step ? ` at ${error.step}` : '';
  return new CommandFailedError(
    `building service "${service}" (image ${image}) failed${where}: ${error.message}`,
    `build ${service}`,
    error.code ?? 1,
    error.tail,
    [`Run \`devspace build ${service}\` again after fixing the step; the output above is the end of the build log.`],
  );
}
